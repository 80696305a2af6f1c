/**
 * The `npm start` demo end to end, in Debian's chromium: the real demo server (token server,
 * resource API, the Vite-served page) with short lifetimes, driven like a visitor would, checking
 * what the page shows and what the token server's audit log recorded. Screenshots of every step
 * go to apps/demo/test-results/screenshots/ (printed); UPDATE_DEMO_SCREENSHOT=1 also refreshes
 * docs/demo.png.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { type AuditRecord, silentLogger } from 'tokenkeeper-server';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Browser, hasChromium, launchBrowser } from '../../../test/browser/harness.js';
import { type RunningDemo, startDemo } from '../src/server.js';

const SHOTS = resolve(import.meta.dirname, '../test-results/screenshots');
const README_SHOT = resolve(import.meta.dirname, '../../../docs/demo.png');
const SECOND = 1000;
/** Access tokens of 10 s: the page refreshes them 5 s before expiry while its feeds are open. */
const ACCESS_TTL = 10 * SECOND;
/** Web sessions end after 20 s without activity; the prompt shows 10 s before. */
const WEB_IDLE = '20s';

describe.skipIf(!hasChromium)('the demo page, end to end (npm start)', () => {
  let demo: RunningDemo;
  let browser: Browser;
  let page: Page;
  let dataDir: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'tokenkeeper-demo-'));
    demo = await startDemo({
      port: 0,
      dataDir,
      logger: silentLogger,
      lifetimes: {
        web: { accessTtl: `${ACCESS_TTL / SECOND}s`, idleTimeout: WEB_IDLE },
        mobile: { accessTtl: `${ACCESS_TTL / SECOND}s` },
      },
    });
    browser = await launchBrowser();
    page = await openPage(await browser.context.newPage());
    mkdirSync(SHOTS, { recursive: true });
    process.stdout.write(`\n[demo e2e] screenshots: ${SHOTS}\n`);
  });

  afterAll(async () => {
    await browser?.close();
    await demo?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  async function openPage(tab: Page): Promise<Page> {
    tab.on('pageerror', (error) => pageErrors.push(`${error.message}\n${error.stack}`));
    if (tab.url() === 'about:blank') await tab.goto(demo.url);
    return tab;
  }

  /** Audit rows of one outcome, oldest first. */
  async function audit(outcome: AuditRecord['outcome']): Promise<AuditRecord[]> {
    const rows = await demo.tokenServer.service.audit({ limit: 1000 });
    return rows.filter((row) => row.outcome === outcome).reverse();
  }

  const count = async (outcome: AuditRecord['outcome']) => (await audit(outcome)).length;

  async function shot(name: string, tab = page): Promise<string> {
    const path = join(SHOTS, `${name}.png`);
    await tab.screenshot({ path, fullPage: true });
    return path;
  }

  const entries = (tab: Page, kind: string) =>
    tab.locator(`[data-testid=timeline] li[data-kind="${kind}"]`);
  const scenario = (tab: Page, id: string) => tab.getByTestId(`scenario-${id}`);
  const outcomeOf = (tab: Page, id: string) => scenario(tab, id).getByTestId('outcome');
  const button = (scope: Page | Locator, name: string) =>
    scope.getByRole('button', { name, exact: true });
  const fingerprintOf = (tab: Page) => tab.getByTestId('fingerprint').textContent();
  const fact = async (outcome: Locator, name: string) => outcome.getAttribute(`data-${name}`);

  async function streamSeq(tab: Page, feed: 'ws' | 'gql'): Promise<number> {
    return Number(await tab.getByTestId(`feed-${feed}`).getAttribute('data-seq'));
  }

  /** Waits until both live streams are open and have delivered a tick. */
  async function feedsFlowing(tab: Page): Promise<void> {
    await tab.waitForFunction(
      () =>
        ['feed-ws', 'feed-gql'].every((id) => {
          const element = document.querySelector(`[data-testid=${id}]`);
          return (
            element?.getAttribute('data-status') === 'open' && element.getAttribute('data-seq')
          );
        }),
      undefined,
      { timeout: 10 * SECOND },
    );
  }

  /**
   * Waits for a just-refreshed token: the next proactive refresh is then seconds away, so a step
   * that counts rotations counts only its own.
   */
  async function freshToken(tab: Page): Promise<void> {
    await tab.waitForFunction(
      (min) =>
        Number(
          document
            .querySelector('[data-testid=access-countdown]')
            ?.getAttribute('data-remaining-ms') ?? 0,
        ) >= min,
      ACCESS_TTL - 1500,
      { timeout: 10 * SECOND },
    );
  }

  /** Both tabs hold the same access token (compared by fingerprint). */
  async function sameToken(one: Page, other: Page): Promise<void> {
    await vi.waitFor(
      async () => expect(await fingerprintOf(other)).toBe(await fingerprintOf(one)),
      { timeout: 5 * SECOND, interval: 100 },
    );
  }

  async function signIn(clientType: 'web' | 'mobile'): Promise<void> {
    const form = page.getByTestId('signin-form');
    await form.locator(`input[name=clientType][value=${clientType}]`).check();
    await button(form, 'Sign in').click();
    await page.getByTestId('session-panel').waitFor();
  }

  it('signs in, and both live feeds keep flowing across a proactive refresh', async () => {
    await page.getByTestId('signin-form').waitFor({ timeout: 30 * SECOND });
    await signIn('web');
    expect(await page.getByTestId('session-status').textContent()).toBe('Signed in');
    await entries(page, 'signedIn').waitFor();
    expect((await audit('login')).map((row) => row.clientType)).toEqual(['web']);
    await feedsFlowing(page);

    await entries(page, 'refreshed:proactive').first().waitFor({ timeout: ACCESS_TTL });
    const after = { ws: await streamSeq(page, 'ws'), gql: await streamSeq(page, 'gql') };
    const fresh = await fingerprintOf(page);
    await page.waitForFunction(
      ({ ws, gql }) => {
        const seq = (id: string) =>
          Number(document.querySelector(`[data-testid=${id}]`)?.getAttribute('data-seq'));
        return seq('feed-ws') >= ws + 2 && seq('feed-gql') >= gql + 2;
      },
      after,
      { timeout: 10 * SECOND },
    );
    // The sockets moved to the refreshed token: the server accepted it on both.
    const accepted = demo.api.authLog.records.filter((r) => r.accepted && r.fingerprint === fresh);
    expect(new Set(accepted.map((r) => r.transport))).toEqual(new Set(['ws', 'graphql-ws']));
    await entries(page, 'ws:reauthenticated').first().waitFor();
    await entries(page, 'graphql-ws:reconnected').first().waitFor();
    // Fingerprints only: no JWT and no refresh token anywhere in the page.
    const html = await page.content();
    expect(html).not.toContain('eyJ');
    expect(html).not.toContain('tkr1.');
    await shot('01-signed-in-feeds');
  });

  it('20 concurrent requests with a refused token: 20 × 401, one refresh, 20 OK', async () => {
    await freshToken(page);
    const refused = await fingerprintOf(page);
    const rotations = await count('rotate');
    await button(scenario(page, 'storm'), 'Fire 20 requests').click();
    const outcome = outcomeOf(page, 'storm');
    await outcome.waitFor({ timeout: 10 * SECOND });
    expect(await fact(outcome, 'ok')).toBe('20');
    expect(await fact(outcome, 'got401')).toBe('20');
    expect(await fact(outcome, 'retried')).toBe('20');
    expect(await fact(outcome, 'refreshes')).toBe('1');
    expect(await outcome.locator('strong').textContent()).toBe(
      '20 requests → 20 × 401 → 1 refresh → 20 retried → 20 OK',
    );
    expect(await count('rotate')).toBe(rotations + 1);
    expect(await count('reuse_revoked')).toBe(0);
    // The server refused the old token twenty times, over REST and GraphQL.
    const refusals = demo.api.authLog.records.filter(
      (r) => !r.accepted && r.fingerprint === refused,
    );
    expect(refusals).toHaveLength(20);
    expect(new Set(refusals.map((r) => r.transport))).toEqual(new Set(['http', 'graphql']));
    await entries(page, 'refreshed:unauthorized').first().waitFor();
    const retried = await entries(page, 'http:retried').evaluateAll((items) =>
      items.reduce((sum, item) => sum + Number(item.getAttribute('data-count')), 0),
    );
    expect(retried).toBe(20); // the timeline folds them: "Request retried after a 401 ×n"

    await shot('02-storm');
  });

  it('offline: typed retryable errors and no sign-out; back online: the one due refresh', async () => {
    await freshToken(page);
    const rotations = await count('rotate');
    await button(scenario(page, 'offline'), 'Go offline').click();
    const probes = page.getByTestId('offline-probes');
    await probes.getByText('network error').first().waitFor();
    // Once the token needs a refresh that cannot run, requests get OfflineError.
    await probes
      .getByText('OfflineError (ERR_OFFLINE, retryable: true)')
      .first()
      .waitFor({
        timeout: ACCESS_TTL + 5 * SECOND,
      });
    expect(await page.getByTestId('session-status').textContent()).toBe('Signed in');
    expect(await count('rotate')).toBe(rotations); // nothing reached the token server
    await shot('03-offline');

    await button(scenario(page, 'offline'), 'Come back online').click();
    const outcome = outcomeOf(page, 'offline');
    await outcome.waitFor({ timeout: 10 * SECOND });
    expect(await fact(outcome, 'refreshes')).toBe('1');
    expect(await fact(outcome, 'offlineerror')).toBe('1');
    expect(await count('rotate')).toBe(rotations + 1);
    expect(await entries(page, 'expired:invalid_grant').count()).toBe(0);
    await feedsFlowing(page);
    await shot('04-back-online');
  });

  it('a second tab resumes from storage; a refresh in one is a remote refresh in the other', async () => {
    const [second] = await Promise.all([
      page.waitForEvent('popup'),
      button(scenario(page, 'tab'), 'Open a second tab').click(),
    ]);
    await openPage(second);
    await second.getByTestId('session-panel').waitFor({ timeout: 15 * SECOND });
    await entries(second, 'restored').waitFor();
    expect(await entries(second, 'signedIn').count()).toBe(0); // no sign-in in the second tab

    const before = await count('rotate');
    await button(page, 'Refresh now').click();
    await entries(second, 'refreshed:remote')
      .first()
      .waitFor({ timeout: 10 * SECOND });
    await sameToken(page, second);
    await button(second, 'Refresh now').click();
    await entries(page, 'refreshed:remote')
      .first()
      .waitFor({ timeout: 10 * SECOND });
    await sameToken(page, second);
    expect(await count('rotate')).toBeGreaterThanOrEqual(before + 2);
    expect(await count('reuse_revoked')).toBe(0);
    expect(await count('grace_replay')).toBe(0);
    await shot('05-second-tab', second);
    const main = await shot('06-first-tab-after-remote-refresh');
    if (process.env.UPDATE_DEMO_SCREENSHOT === '1') {
      mkdirSync(resolve(README_SHOT, '..'), { recursive: true });
      copyFileSync(main, README_SHOT);
    }
    await second.close();
  });

  it('the idle prompt appears without activity and "stay signed in" extends the session', async () => {
    await button(page, 'Pause live feeds').click();
    const prompt = page.getByTestId('expiring-prompt');
    await prompt.waitFor({ timeout: 25 * SECOND });
    expect(await prompt.textContent()).toMatch(/^Session expiring in 0:\d\d/);
    await entries(page, 'expiring').first().waitFor();
    await shot('07-expiring-prompt');
    const extended = await entries(page, 'refreshed:extend').count();
    await button(prompt, 'Stay signed in').click();
    await prompt.waitFor({ state: 'detached' });
    await entries(page, 'refreshed:extend').nth(extended).waitFor();
    expect(await page.getByTestId('session-status').textContent()).toBe('Signed in');
    await button(page, 'Resume live feeds').click();
    await feedsFlowing(page);
  });

  it('five days in the background, web: the sliding session ends and the page says why', async () => {
    const rotations = await count('rotate');
    await button(scenario(page, 'background'), 'Sleep for 5 days').click();
    const notice = page.getByTestId('ended-notice');
    await notice.waitFor();
    expect(await notice.getAttribute('data-reason')).toBe('idle');
    expect(await notice.textContent()).toContain('No activity for more than 20 s');
    expect(await notice.textContent()).toContain('the app was away for 5 days');
    const outcome = outcomeOf(page, 'background');
    expect(await fact(outcome, 'outcome')).toBe('ended');
    expect(await page.getByTestId('session-status').textContent()).toBe('Session ended');
    await entries(page, 'expired:idle').waitFor();
    expect(await count('rotate')).toBe(rotations); // ended on the device, nothing was refreshed
    await shot('08-five-days-web');
  });

  it('five days in the background, mobile: one refresh and the data loads', async () => {
    await signIn('mobile');
    expect((await audit('login')).map((row) => row.clientType)).toEqual(['web', 'mobile']);
    await feedsFlowing(page);
    await freshToken(page);
    const rotations = await count('rotate');
    await button(scenario(page, 'background'), 'Sleep for 5 days').click();
    const outcome = outcomeOf(page, 'background');
    await page.waitForFunction(
      () =>
        document
          .querySelector('[data-testid=scenario-background] [data-testid=outcome]')
          ?.getAttribute('data-outcome') === 'loaded',
      undefined,
      { timeout: 10 * SECOND },
    );
    expect(await fact(outcome, 'refreshes')).toBe('1');
    expect(await count('rotate')).toBe(rotations + 1);
    await entries(page, 'refreshed:resume').waitFor();
    expect(await page.getByTestId('data-panel').textContent()).toContain('(mobile)');
    await shot('09-five-days-mobile');
  });

  it('a replayed stolen refresh token: reuse_revoked on the server, the page explains', async () => {
    const family = (await audit('login')).at(-1)?.familyId;
    await button(scenario(page, 'theft'), 'Replay the stolen token').click();
    const notice = page.getByTestId('ended-notice');
    await notice.waitFor({ timeout: 10 * SECOND });
    expect(await notice.getAttribute('data-reason')).toBe('invalid_grant');
    await notice.getByText('reuse_revoked').waitFor({ timeout: 5 * SECOND });
    const outcome = outcomeOf(page, 'theft');
    await outcome.waitFor();
    expect(await fact(outcome, 'thiefstatus')).toBe('400');
    expect(await fact(outcome, 'thieferror')).toBe('invalid_grant');
    expect(await fact(outcome, 'reason')).toBe('invalid_grant');
    const reuse = await audit('reuse_revoked');
    expect(reuse).toHaveLength(1);
    expect(reuse[0]?.familyId).toBe(family);
    // The legitimate session's next refresh met the revoked family.
    const refused = (await audit('rejected')).filter((row) => row.familyId === family);
    expect(refused.map((row) => row.detail)).toContain('family_revoked');
    expect(await page.getByTestId('session-status').textContent()).toBe('Session ended');
    await shot('10-stolen-token');
  });

  it('the page threw nothing along the way', () => {
    expect(pageErrors).toEqual([]);
  });
});
