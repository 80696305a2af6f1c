/**
 * A session's DPoP binding (RFC 9449): its key (created at the first proof, kept with the
 * session, discarded when the session ends here), fresh proofs for token and resource requests,
 * and the server's nonces.
 */
import type { Clock } from '../clock.js';
import { ConfigError } from '../errors.js';
import type { SessionStorage } from '../storage/types.js';
import { createNonces } from './nonces.js';
import { createProof } from './proof.js';
import type { DpopKeyProvider, DpopSigner } from './signer.js';
import { jwkThumbprint } from './thumbprint.js';
import { webCryptoKeys } from './webcrypto-keys.js';

/** Options of {@link dpopKey}. */
export interface DpopOptions {
  /**
   * Where the session's key comes from and lives.
   * @default WebCrypto P-256 (`webCryptoKeys()`): non-extractable in IndexedDB in browsers;
   *   elsewhere kept in the session's `storage` (encrypted there by `fileStorage`), or in memory
   *   when the session has none. React Native (no WebCrypto): pass a provider over the platform
   *   key store, see {@link DpopKeyProvider}.
   */
  keys?: DpopKeyProvider;
  /**
   * Accept a server that answers `token_type: Bearer` although a proof was sent (it ignores
   * DPoP). @default false: such an answer is refused, so a DPoP setup never silently degrades
   * to bearer tokens that a thief can use.
   */
  allowBearerDowngrade?: boolean;
}

/** What a session gives its DPoP binding. */
export interface DpopContext {
  /** Names the session's key: its storage key, so tabs of one session share one key. */
  readonly id: string;
  readonly clock: Clock;
  /** The session's `storage` option, where keys may live outside browsers. */
  readonly storage: SessionStorage | undefined;
}

/** The `dpop` option of `createSession`, made by {@link dpopKey}. */
export interface DpopConfig {
  readonly kind: 'tokenkeeper.dpop';
  create(context: DpopContext): DpopBinding;
}

/**
 * DPoP for a session (RFC 9449): tokens bound to a key that never leaves the device, so a
 * copied token is refused outright.
 * @example
 * import { dpopKey } from 'tokenkeeper/dpop';
 * const session = createSession({ refresh, storage: webStorage(), dpop: dpopKey() });
 */
export function dpopKey(options: DpopOptions = {}): DpopConfig {
  return { kind: 'tokenkeeper.dpop', create: (context) => createDpopBinding(options, context) };
}

interface HeadersLike {
  get(name: string): string | null | undefined;
}

/** What refresh and revoke functions (and adapters) use of a session's binding. */
export interface DpopRequestSigner {
  /** A fresh proof for a request; with `accessToken`, bound to it (`ath`). */
  proof(method: string, url: string, accessToken?: string): Promise<string>;
  /** Reads the `DPoP-Nonce` of any response; true when it brought a new nonce. */
  observe(url: string, headers: HeadersLike | undefined): boolean;
}

export interface DpopBinding extends DpopRequestSigner {
  readonly allowBearerDowngrade: boolean;
  /** The key's RFC 7638 thumbprint (creates the key when there is none). */
  thumbprint(): Promise<string>;
  /** Drops the cached key: the next proof reads the key store again (another tab's key). */
  forget(): void;
  /** Deletes the key: the session ended here. */
  discard(): Promise<void>;
}

function absolute(url: string): string {
  try {
    return new URL(url, (globalThis as { location?: { href?: string } }).location?.href).href;
  } catch {
    throw new ConfigError('DPoP needs an absolute URL for the request (outside a browser)');
  }
}

function randomId(): string {
  const crypto = (globalThis as { crypto?: Crypto }).crypto;
  const bytes = new Uint8Array(16);
  if (crypto?.getRandomValues) crypto.getRandomValues(bytes);
  // Without a CSPRNG (bare Hermes), jti needs uniqueness, not secrecy: time, counter, Math.random.
  else for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function createDpopBinding(options: DpopOptions, context: DpopContext): DpopBinding {
  const hasIndexedDb = (globalThis as { indexedDB?: unknown }).indexedDB !== undefined;
  const keys =
    options.keys ??
    webCryptoKeys({ store: hasIndexedDb ? 'indexeddb' : (context.storage ?? 'memory') });
  const nonces = createNonces();
  let signer: Promise<DpopSigner> | undefined;
  let counter = 0;

  function current(): Promise<DpopSigner> {
    if (!signer) {
      const loading = keys.load(context.id).then((found) => found ?? keys.create(context.id));
      signer = loading;
      loading.catch(() => {
        if (signer === loading) signer = undefined;
      });
    }
    return signer;
  }

  return {
    allowBearerDowngrade: options.allowBearerDowngrade ?? false,
    async proof(method, url, accessToken) {
      const htu = absolute(url);
      return createProof(await current(), {
        htm: method,
        htu,
        iat: Math.floor(context.clock.now() / 1000),
        jti: `${randomId()}${(counter++).toString(36)}`,
        accessToken,
        nonce: nonces.for(htu),
      });
    },
    observe: (url, headers) => nonces.observe(absolute(url), headers),
    thumbprint: async () => jwkThumbprint((await current()).publicJwk),
    forget() {
      signer = undefined;
    },
    async discard() {
      signer = undefined;
      await keys.delete(context.id);
    },
  };
}
