import { randomUUID } from 'node:crypto';
import { ConfigError } from '../errors.js';
import type { Store } from '../store/store.js';
import { hasUnstorableCharacters } from '../text.js';
import { type PasswordHasher, type PasswordHashing, scryptHasher } from './password.js';

/** Longest username accepted, in UTF-16 code units after NFC. */
export const maxUsernameLength = 256;
/** Longest password accepted. */
export const maxPasswordLength = 1024;

/** NFC form of a username, or null when it cannot be a username. */
export function normalizeUsername(username: string): string | null {
  const name = username.normalize('NFC');
  if (name.length === 0 || name.length > maxUsernameLength || hasUnstorableCharacters(name))
    return null;
  return name;
}

/** Options of {@link addUser}. */
export interface AddUserOptions {
  /** Scopes written into this user's access tokens. */
  scopes?: string[];
  /** scrypt cost, when no `passwordHasher` is given. @default N=32768, r=8, p=3 */
  passwordHashing?: PasswordHashing;
  /** @default scryptHasher(passwordHashing) */
  passwordHasher?: PasswordHasher;
  /** @default 8 */
  minPasswordLength?: number;
  /** Creation time in epoch ms. @default Date.now() */
  now?: number;
}

/** Stores a user with a scrypt hash of the password; ConfigError when the name is taken. */
export async function addUser(
  store: Store,
  username: string,
  password: string,
  options: AddUserOptions = {},
): Promise<{ id: string }> {
  const name = normalizeUsername(username);
  if (!name) throw new ConfigError(`username must be 1-${maxUsernameLength} printable characters`);
  const min = options.minPasswordLength ?? 8;
  if (password.length < min || password.length > maxPasswordLength) {
    throw new ConfigError(`password must be ${min}-${maxPasswordLength} characters long`);
  }
  const scopes = (options.scopes ?? []).join(' ');
  // RFC 6749 §3.3 scope-token characters, space separated.
  if (!/^[\x21\x23-\x5b\x5d-\x7e ]*$/.test(scopes)) {
    throw new ConfigError('scopes must be RFC 6749 scope tokens');
  }
  const id = randomUUID();
  const inserted = await store.insertUser({
    id,
    username: name,
    passwordHash: await (options.passwordHasher ?? scryptHasher(options.passwordHashing)).hash(
      password,
    ),
    scopes,
    createdAt: options.now ?? Date.now(),
  });
  if (!inserted) throw new ConfigError(`user "${name}" already exists`);
  return { id };
}
