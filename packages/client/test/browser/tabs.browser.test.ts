import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, hasChromium, launchBrowser } from '../../../../test/browser/harness.js';
import { startTokenApp, type TokenApp, USER } from './token-app.js';

const MINUTE = 60_000;
type Result = { status: number | string; fingerprint?: string };
declare const tk: {
  login(u: string, p: string): Promise<void>;
  request(): Promise<Result>;
  skip(ms: number): void;
  snapshot(): { status: string; fingerprint?: string };
  state: { holding: boolean; refreshCalls: number };
};

describe.skipIf(!hasChromium)('one refresh across real browser tabs (issue 5)', () => {
  let t: TokenApp;
  let browser: Browser;
  beforeAll(async () => {
    t = await startTokenApp({ '/session.html': 'packages/client/test/browser/session-page.ts' }); // grace 0
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function openTab(query: string): Promise<Page> {
    const page = await browser.context.newPage();
    await page.goto(`${t.app.url}/session.html?${query}`);
    await page.waitForFunction(() => (window as { ready?: unknown }).ready);
    await page.evaluate(() => (window as unknown as { ready: Promise<unknown> }).ready);
    return page;
  }

  async function expireEverywhere(tabs: Page[]): Promise<void> {
    t.clock.jump(16 * MINUTE); // past the 15-minute access token, on the server...
    for (const tab of tabs) await tab.evaluate((ms) => tk.skip(ms), 16 * MINUTE); // ...and in every tab
  }

  const fingerprints = (tabs: Page[]) =>
    Promise.all(tabs.map((tab) => tab.evaluate(() => tk.snapshot().fingerprint)));

  it('5 tabs after expiry: exactly 1 refresh reaches the server, no tab is logged out, one token everywhere', async () => {
    const query = 'db=five&channel=five';
    const first = await openTab(query);
    await first.evaluate(([u, p]) => tk.login(u!, p!), [USER.username, USER.password]);
    const tabs = [first, ...(await Promise.all([1, 2, 3, 4].map(() => openTab(query))))];
    expect(new Set(await fingerprints(tabs)).size).toBe(1); // the others resumed from IndexedDB
    const rotationsBefore = (await t.audit('rotate')).length;
    await expireEverywhere(tabs);
    const results = await Promise.all(
      tabs.map((tab) =>
        tab.evaluate(() => Promise.all([tk.request(), tk.request(), tk.request()])),
      ),
    );
    expect(results.flat().map((r) => r.status)).toEqual(Array(15).fill(200));
    expect((await t.audit('rotate')).length - rotationsBefore).toBe(1);
    expect(await t.audit('reuse_revoked')).toHaveLength(0);
    const after = await fingerprints(tabs);
    expect(new Set(after).size).toBe(1);
    for (const tab of tabs) expect(await tab.evaluate(() => tk.snapshot().status)).toBe('active');
    await Promise.all(tabs.map((tab) => tab.close()));
  });

  it('the refreshing tab is closed while it holds the lock: another tab refreshes, still exactly 1', async () => {
    const query = 'db=closed&channel=closed';
    const holder = await openTab(`${query}&hold=1`);
    await holder.evaluate(([u, p]) => tk.login(u!, p!), [USER.username, USER.password]);
    const others = await Promise.all([1, 2, 3, 4].map(() => openTab(query)));
    const rotationsBefore = (await t.audit('rotate')).length;
    await expireEverywhere([holder, ...others]);
    holder.evaluate(() => tk.request()).catch(() => undefined); // hangs, then dies with the tab
    await holder.waitForFunction(() => tk.state.holding);
    const pending = others.map((tab) =>
      tab.evaluate(() => Promise.all([tk.request(), tk.request()])),
    );
    await holder.close(); // the tab dies holding the Web Lock; the browser releases it
    const results = (await Promise.all(pending)).flat();
    expect(results.map((r) => r.status)).toEqual(Array(8).fill(200));
    expect((await t.audit('rotate')).length - rotationsBefore).toBe(1);
    expect(await t.audit('reuse_revoked')).toHaveLength(0);
    expect(new Set(await fingerprints(others)).size).toBe(1);
    await Promise.all(others.map((tab) => tab.close()));
  });
});
