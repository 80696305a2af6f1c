import { describe, expect, it } from 'vitest';
import { hasChromium, launchBrowser, startBrowserApp } from './harness.js';

describe.skipIf(!hasChromium)('browser harness', () => {
  it('serves a TypeScript page that imports tokenkeeper from source', async () => {
    const app = await startBrowserApp({
      pages: { '/': 'test/browser/smoke-page.ts' },
      handler: (request) =>
        new URL(request.url).pathname === '/ping' ? new Response('pong') : undefined,
    });
    const browser = await launchBrowser();
    try {
      const page = await browser.context.newPage();
      await page.goto(`${app.url}/`);
      await page.waitForFunction(() => (window as { done?: boolean }).done === true);
      expect(await page.evaluate(() => (window as { result?: string }).result)).toBe('tk_ pong');
    } finally {
      await browser.close();
      await app.close();
    }
  });
});
