import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, hasChromium, launchBrowser } from '../../../../test/browser/harness.js';
import { startTokenApp, type TokenApp, USER } from './token-app.js';

const MINUTE = 60_000;
declare const tk: {
  login(u: string, p: string): Promise<void>;
  request(): Promise<{ status: number | string }>;
  skip(ms: number): void;
  snapshot(): { status: string; paused: boolean; online: boolean; fingerprint?: string };
};

describe.skipIf(!hasChromium)('platform signals in a real page (issue 8)', () => {
  let t: TokenApp;
  let browser: Browser;
  let page: Page;
  beforeAll(async () => {
    t = await startTokenApp({ '/session.html': 'packages/client/test/browser/session-page.ts' });
    browser = await launchBrowser();
    page = await browser.context.newPage();
    await page.goto(`${t.app.url}/session.html?db=lifecycle&lifecycle=1`);
    await page.waitForFunction(() => (window as { ready?: unknown }).ready);
    await page.evaluate(([u, p]) => tk.login(u!, p!), [USER.username, USER.password]);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const rotations = async () => (await t.audit('rotate')).length;
  const timePasses = async (ms: number) => {
    t.clock.jump(ms);
    await page.evaluate((delta) => tk.skip(delta), ms);
  };
  const setVisibility = (state: 'hidden' | 'visible') =>
    page.evaluate((value) => {
      // Headless chromium keeps every page visible; emulate the property and the event.
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => value });
      document.dispatchEvent(new Event('visibilitychange'));
    }, state);

  it('hidden for 20 minutes: nothing runs; shown: one refresh before the next request', async () => {
    await setVisibility('hidden');
    expect(await page.evaluate(() => tk.snapshot().paused)).toBe(true);
    await timePasses(20 * MINUTE);
    expect(await rotations()).toBe(0);
    await setVisibility('visible');
    await page.waitForFunction(() => !tk.snapshot().paused);
    await expect.poll(rotations).toBe(1);
    expect(await page.evaluate(() => tk.request())).toEqual({
      status: 200,
      fingerprint: expect.any(String),
    });
    expect(await rotations()).toBe(1);
  });

  it('put in the back-forward cache and restored: paused meanwhile, one refresh on return', async () => {
    // Headless chromium neither freezes pages (CDP setWebLifecycleState dispatches no events
    // there) nor caches them on navigation under automation, so the page transition is emulated.
    await page.evaluate(() =>
      window.dispatchEvent(new PageTransitionEvent('pagehide', { persisted: true })),
    );
    expect(await page.evaluate(() => tk.snapshot().paused)).toBe(true);
    await timePasses(20 * MINUTE);
    expect(await rotations()).toBe(1);
    await page.evaluate(() =>
      window.dispatchEvent(new PageTransitionEvent('pageshow', { persisted: true })),
    );
    await expect.poll(rotations).toBe(2);
    expect((await page.evaluate(() => tk.request())).status).toBe(200);
    expect(await rotations()).toBe(2);
  });

  it('offline through the browser network emulation: fast typed errors, no attempts; online: one refresh', async () => {
    await browser.context.setOffline(true);
    await page.waitForFunction(() => !tk.snapshot().online);
    await timePasses(20 * MINUTE);
    for (let i = 0; i < 3; i++)
      expect(await page.evaluate(() => tk.request())).toEqual({ status: 'ERR_OFFLINE' });
    expect(await rotations()).toBe(2);
    await browser.context.setOffline(false);
    await page.waitForFunction(() => tk.snapshot().online);
    await expect.poll(rotations).toBe(3);
    expect((await page.evaluate(() => tk.request())).status).toBe(200);
    expect(await rotations()).toBe(3);
  });
});
