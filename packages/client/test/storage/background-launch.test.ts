/**
 * An iOS app launched in the background (a push, a background fetch) before the phone was first
 * unlocked: the keychain refuses every call. The session must not sign the user out: it reads
 * again on the next resume, and writes refused meanwhile are written again then.
 */
import { createSession, type SessionEvent, StorageError } from 'tokenkeeper';
import { createTokenEndpoint, createVirtualClock } from 'tokenkeeper/testing';
import { describe, expect, it } from 'vitest';
import { appStateLifecycle } from '../../src/lifecycle/react-native.js';
import { secureStoreAdapter } from '../../src/storage/secure-store.js';
import { outcome } from '../harness.js';
import { FakeReactNative } from '../lifecycle/fake-platforms.js';
import { trackStorage } from './track.js';

/** expo-secure-store whose every call fails while `locked`, as the iOS keychain does. */
function lockableKeychain() {
  const items = new Map<string, string>();
  const keychain = {
    locked: false,
    items,
    AFTER_FIRST_UNLOCK: 0,
    async getItemAsync(key: string) {
      if (keychain.locked)
        throw Object.assign(new Error('User interaction is not allowed.'), { name: 'Error' });
      return items.get(key) ?? null;
    },
    async setItemAsync(key: string, value: string) {
      if (keychain.locked) throw new Error('User interaction is not allowed.');
      items.set(key, value);
    },
    async deleteItemAsync(key: string) {
      if (keychain.locked) throw new Error('User interaction is not allowed.');
      items.delete(key);
    },
  };
  return keychain;
}

async function signedInStore() {
  const clock = createVirtualClock();
  const server = createTokenEndpoint({ clock });
  const keychain = lockableKeychain();
  const first = createSession({
    clock,
    storage: secureStoreAdapter(keychain),
    refresh: server.refresh,
  });
  await first.signIn(server.login());
  const token = await first.getAccessToken();
  first.dispose();
  return { clock, server, keychain, token };
}

describe('background launch with a locked keychain', () => {
  it('does not sign out: callers get a retryable StorageError, and the resume reads again', async () => {
    const { clock, server, keychain, token } = await signedInStore();
    keychain.locked = true;
    const rn = new FakeReactNative();
    rn.setAppState('background');
    const tracked = trackStorage(secureStoreAdapter(keychain));
    const session = createSession({
      clock,
      storage: tracked.storage,
      refresh: server.refresh,
      lifecycle: appStateLifecycle(rn.AppState),
    });
    const events: SessionEvent[] = [];
    session.subscribe((event) => events.push(event));
    await session.ready();
    await tracked.idle();
    expect(session.getSnapshot().status).toBe('loading');
    expect(events.filter((e) => e.type === 'storageError')).toHaveLength(1);
    const meanwhile = await outcome(session.getAccessToken());
    expect(meanwhile.error).toBeInstanceOf(StorageError);
    expect((meanwhile.error as StorageError).retryable).toBe(true);
    expect(keychain.items.size).toBe(1); // nothing deleted

    keychain.locked = false; // the user unlocks the phone and opens the app
    rn.setAppState('active');
    await tracked.idle();
    expect(session.getSnapshot().status).toBe('active');
    await expect(session.getAccessToken()).resolves.toBe(token);
    expect(server.refreshCount).toBe(0);
    session.dispose();
  });

  it('a read that fails again in the foreground signs out, leaving the item in place', async () => {
    const { clock, server, keychain } = await signedInStore();
    keychain.locked = true;
    const rn = new FakeReactNative();
    rn.setAppState('background');
    const tracked = trackStorage(secureStoreAdapter(keychain));
    const session = createSession({
      clock,
      storage: tracked.storage,
      refresh: server.refresh,
      lifecycle: appStateLifecycle(rn.AppState),
    });
    await session.ready();
    rn.setAppState('active'); // still locked: not a background lock after all
    await tracked.idle();
    expect(session.getSnapshot().status).toBe('signedOut');
    expect(keychain.items.size).toBe(1);
    session.dispose();
  });

  it('a write refused in the background is written again on resume; the tokens stay in memory', async () => {
    const { clock, server, keychain } = await signedInStore();
    const rn = new FakeReactNative();
    const tracked = trackStorage(secureStoreAdapter(keychain));
    const session = createSession({
      clock,
      storage: tracked.storage,
      refresh: server.refresh,
      lifecycle: appStateLifecycle(rn.AppState),
    });
    const errors: SessionEvent[] = [];
    session.subscribe((event) => event.type === 'storageError' && errors.push(event));
    await session.ready();
    rn.setAppState('background');
    keychain.locked = true;
    const refreshed = await session.refresh(); // a background fetch refreshes
    await tracked.idle();
    expect(errors).toHaveLength(1);
    const second = await session.refresh(); // and again: each refused write is reported
    await tracked.idle();
    expect(errors).toHaveLength(2);
    expect(second).not.toBe(refreshed);
    await expect(session.getAccessToken()).resolves.toBe(second);

    keychain.locked = false;
    rn.setAppState('active');
    await tracked.idle();
    const stored = keychain.items.get('tokenkeeper.session') ?? '';
    expect(stored).toContain(second); // the newest tokens, not an older refused write
    session.dispose();

    // A cold start now resumes the newest tokens.
    const restarted = createSession({
      clock,
      storage: secureStoreAdapter(keychain),
      refresh: server.refresh,
    });
    await restarted.ready();
    await expect(restarted.getAccessToken()).resolves.toBe(second);
    restarted.dispose();
  });
});
