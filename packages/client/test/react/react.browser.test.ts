import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Browser,
  type BrowserApp,
  hasChromium,
  launchBrowser,
  startBrowserApp,
} from '../../../../test/browser/harness.js';

declare const demo: {
  session: {
    signIn(t: unknown): Promise<void>;
    refresh(): Promise<string>;
    signOut(): Promise<void>;
  };
  server: { login(): unknown };
};

describe.skipIf(!hasChromium)('tokenkeeper/react in a real React page', () => {
  let app: BrowserApp;
  let browser: Browser;
  beforeAll(async () => {
    app = await startBrowserApp({
      pages: { '/': 'packages/client/test/react/react-page.tsx' },
      prebundle: ['react', 'react-dom/client', 'react/jsx-runtime', 'react/jsx-dev-runtime'],
    });
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('useSession re-renders on sign-in, refresh and sign-out; useSessionEvents sees events', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${app.url}/`);
    const badge = page.locator('#badge');
    await expect.poll(() => badge.getAttribute('data-status')).toBe('signedOut');
    await page.evaluate(() => demo.session.signIn(demo.server.login()));
    await expect.poll(() => badge.getAttribute('data-status')).toBe('active');
    const first = await badge.getAttribute('data-fingerprint');
    expect(first).toMatch(/^tk_/);
    await page.evaluate(() => demo.session.refresh());
    await expect.poll(() => badge.getAttribute('data-fingerprint')).not.toBe(first);
    expect(await page.evaluate(() => (window as { lastEvent?: string }).lastEvent)).toBe(
      'refreshed',
    );
    await page.evaluate(() => demo.session.signOut());
    await expect.poll(() => badge.getAttribute('data-status')).toBe('signedOut');
    await page.close();
  });
});
