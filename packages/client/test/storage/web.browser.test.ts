import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Browser,
  type BrowserApp,
  hasChromium,
  launchBrowser,
  startBrowserApp,
} from '../../../../test/browser/harness.js';
import { createTokenApi, type TokenApi } from './token-api.js';
import type { PageApi } from './web-page.js';

/** webStorage in chromium: real IndexedDB, real WebCrypto, real page reloads. */
describe.skipIf(!hasChromium)('webStorage in a browser', () => {
  let app: BrowserApp;
  let browser: Browser;
  let api: TokenApi;
  let databases = 0;

  beforeAll(async () => {
    [app, browser] = await Promise.all([
      startBrowserApp({
        pages: { '/': fileURLToPath(new URL('./web-page.ts', import.meta.url)) },
        handler: (request) => api.handler(request),
      }),
      launchBrowser(),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  /** A fresh page, a fresh database name and a fresh token API per test. */
  async function open(): Promise<{ page: Page; db: string }> {
    api = createTokenApi();
    const page = await browser.context.newPage();
    await load(page);
    databases++;
    return { page, db: `tokenkeeper-test-${databases}` };
  }

  async function load(page: Page): Promise<void> {
    await page.goto(`${app.url}/`);
    await page.waitForFunction(() => (window as { tkReady?: boolean }).tkReady === true);
  }

  /** Calls a scenario of the page (web-page.ts) and returns its result. */
  function call<K extends keyof PageApi>(
    page: Page,
    name: K,
    ...args: Parameters<PageApi[K]>
  ): Promise<Awaited<ReturnType<PageApi[K]>>> {
    return page.evaluate(
      ([fn, values]) => {
        const scenarios = (
          window as unknown as { tk: Record<string, (...a: unknown[]) => unknown> }
        ).tk;
        return scenarios[fn]!(...values);
      },
      [name, args] as [string, unknown[]],
    ) as Promise<Awaited<ReturnType<PageApi[K]>>>;
  }

  it('round trip, several keys, delete, write order', async () => {
    const { page, db } = await open();
    expect(await call(page, 'roundTrip', db)).toEqual({
      before: undefined,
      afterSet: ['value a2', 'value b ü 🔑'],
      afterDelete: [undefined, 'value b ü 🔑'],
      ordered: undefined,
    });
    await page.close();
  });

  it('after a reload a new session resumes without a login; the database holds no token text', async () => {
    const { page, db } = await open();
    await call(page, 'signIn', db);
    await page.reload();
    await load(page);
    const resumed = await call(page, 'resume', db);
    expect(resumed).toMatchObject({ status: 'active', me: 200, storageErrors: [] });
    expect(resumed.events).toContain('restored');
    expect(api.logins).toBe(1);
    expect(api.refreshes).toBe(0);
    expect(api.me).toEqual([{ status: 200, latest: true }]);

    const dump = await call(page, 'dump', db);
    expect(dump.keys).toEqual(['aes-gcm-256 => [CryptoKey]']);
    expect(dump.entries).toHaveLength(1);
    expect(dump.entries![0]).toMatch(/^tokenkeeper\.session => v=1;iv=.{12};ct=.{100,}$/s);
    const all = JSON.stringify(dump);
    expect(api.issued.length).toBeGreaterThanOrEqual(2);
    for (const secret of api.issued) expect(all).not.toContain(secret);
    expect(all).not.toContain('accessToken');
    await page.close();
  });

  it('the key in IndexedDB is a non-extractable AES-256-GCM CryptoKey, created once', async () => {
    const { page, db } = await open();
    await call(page, 'signIn', db);
    await call(page, 'roundTrip', db);
    expect(await call(page, 'keyInfo', db)).toEqual({
      count: 1,
      isCryptoKey: true,
      extractable: false,
      type: 'secret',
      algorithm: { name: 'AES-GCM', length: 256 },
      usages: ['decrypt', 'encrypt'],
      exported: 'InvalidAccessError',
    });
    await page.close();
  });

  it('tampered ciphertext: after a reload the session starts signed out with one storageError', async () => {
    const { page, db } = await open();
    await call(page, 'signIn', db);
    await call(page, 'tamper', db);
    await page.reload();
    await load(page);
    const resumed = await call(page, 'resume', db);
    expect(resumed.status).toBe('signedOut');
    expect(resumed.me).toBeUndefined();
    expect(resumed.storageErrors).toHaveLength(1);
    expect(resumed.storageErrors[0]).toMatch(/^StorageError ERR_STORAGE /);
    for (const secret of api.issued) expect(resumed.storageErrors[0]).not.toContain(secret);
    // The unreadable record is left in place, not deleted: it is still unreadable next time.
    expect(resumed.calls).toEqual(['get']);
    expect((await call(page, 'dump', db)).entries).toHaveLength(1);
    const again = await call(page, 'resume', db);
    expect(again).toMatchObject({ status: 'signedOut' });
    expect(again.storageErrors).toHaveLength(1);
    expect(api.refreshes).toBe(0);
    await page.close();
  });

  it('records swapped between keys do not decrypt', async () => {
    const { page, db } = await open();
    expect(await call(page, 'swap', db)).toEqual([
      'StorageError ERR_STORAGE',
      'StorageError ERR_STORAGE',
    ]);
    await page.close();
  });
});
