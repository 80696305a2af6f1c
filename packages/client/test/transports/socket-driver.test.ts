/**
 * The socket driver on its own, against a real session on the virtual clock: the one policy
 * every socket adapter maps its library's events onto.
 */
import { SignedOutError, type TokenkeeperError } from 'tokenkeeper';
import { describe, expect, it } from 'vitest';
import { createSocketDriver } from '../../src/transports/socket-driver.js';
import { cleanupAfterEach, SECOND, sessionWithEndpoint } from './socket-support.js';

const defer = cleanupAfterEach();
const MINUTE = 60 * SECOND;

async function driverOnSession() {
  const setup = sessionWithEndpoint(defer);
  await setup.session.signIn(setup.endpoint.login());
  const calls = { refresh: 0, ended: [] as TokenkeeperError[] };
  const driver = createSocketDriver(setup.session, {
    clock: setup.clock,
    random: () => 0.5,
    onRefresh: () => calls.refresh++,
    onEnd: (error) => calls.ended.push(error),
  });
  defer(() => driver.stop());
  return { ...setup, driver, calls };
}

describe('socket driver', () => {
  it('holds the session while a connection is open: the token is refreshed ahead of expiry', async () => {
    const { clock, endpoint, driver, calls } = await driverOnSession();
    await driver.connect();
    expect(driver.opened()).toBe(false);
    driver.confirmed();
    await clock.advance(15 * MINUTE); // one token lifetime
    expect(endpoint.refreshCount).toBe(1);
    expect(calls.refresh).toBe(1); // the adapter was told to move to the new token
  });

  it('does not hold the session while it backs off: no refresh for nobody', async () => {
    const { clock, endpoint, driver } = await driverOnSession();
    await driver.connect();
    const plan = driver.closed('dropped'); // the server is down
    expect(plan.retryIn).toBeGreaterThan(0);
    expect(driver.phase).toBe('waiting');
    let dueAt: number | undefined;
    void plan.due.then(() => {
      dueAt = clock.now();
    });
    await clock.advance(plan.retryIn);
    expect(dueAt).toBeDefined();
    // Still down, for an hour: the backoff grows to its ceiling, nothing refreshes meanwhile.
    for (let i = 0; i < 200 && clock.now() < dueAt! + 60 * MINUTE; i++) {
      const next = driver.closed('dropped');
      await clock.advance(next.retryIn);
    }
    expect(endpoint.refreshCount).toBe(0);
    // The next attempt reads the live token: one refresh, because the old one ran out.
    const token = await driver.connect();
    expect(endpoint.refreshCount).toBe(1);
    expect(endpoint.isValid(token)).toBe(true);
  });

  it('a refusal costs one refresh; a token refused right after that refresh backs off', async () => {
    const { endpoint, driver } = await driverOnSession();
    await driver.connect();
    const first = driver.closed('refused');
    expect(first.retryIn).toBe(0);
    expect(await first.due).toBe(true);
    expect(endpoint.refreshCount).toBe(1);
    await driver.connect(); // with the refreshed token, refused again before any acceptance
    const second = driver.closed('refused');
    expect(second.retryIn).toBeGreaterThan(0);
    expect(endpoint.refreshCount).toBe(1);
  });

  it('a token the server accepted and later refused costs one refresh again (issue 12.1)', async () => {
    const { endpoint, driver } = await driverOnSession();
    await driver.connect();
    expect(await driver.closed('refused').due).toBe(true); // refresh to B
    await driver.connect();
    driver.opened();
    driver.confirmed(); // the server accepted B
    const later = driver.closed('refused'); // ...and refuses it later
    expect(later.retryIn).toBe(0);
    expect(await later.due).toBe(true);
    expect(endpoint.refreshCount).toBe(2);
  });

  it('a refresh that lands while connecting makes the connection stale', async () => {
    const { session, driver } = await driverOnSession();
    await driver.connect();
    await session.refresh();
    expect(driver.opened()).toBe(true);
  });

  it('the session ending ends a pending wait and tells the adapter once; a new sign-in allows connecting again', async () => {
    const { session, endpoint, driver, calls } = await driverOnSession();
    await driver.connect();
    const plan = driver.closed('dropped');
    await session.signOut();
    expect(await plan.due).toBe(false);
    expect(calls.ended).toHaveLength(1);
    expect(calls.ended[0]).toBeInstanceOf(SignedOutError);
    expect(driver.error).toBe(calls.ended[0]);
    await expect(driver.connect()).rejects.toBeInstanceOf(SignedOutError);
    expect(calls.ended).toHaveLength(1);
    await session.signIn(endpoint.login());
    expect(driver.phase).toBe('idle');
    expect(driver.error).toBeUndefined();
    await expect(driver.connect()).resolves.toEqual(expect.any(String));
  });

  it('an attempt the library starts by itself replaces the planned reconnect', async () => {
    const { driver } = await driverOnSession();
    await driver.connect();
    const plan = driver.closed('dropped');
    await driver.connect();
    expect(await plan.due).toBe(false);
  });

  it('stop() ends a pending wait and stops following the session', async () => {
    const { session, driver, calls } = await driverOnSession();
    await driver.connect();
    driver.opened();
    const plan = driver.closed('dropped');
    driver.stop();
    expect(await plan.due).toBe(false);
    await session.refresh();
    await session.signOut();
    expect(calls).toEqual({ refresh: 0, ended: [] });
  });
});
