import type { AuditHttp } from '../http/http-client.js';
import { isTransportError } from '../http/http-error.js';
import { revocationRequest } from '../http/token-requests.js';
import type { SecretRegistry } from '../secrets/secret-registry.js';
import type { LoginCredentials, Target } from '../target/target.js';
import { type AuditSession, createAuditSession } from './audit-session.js';
import {
  type CommandRunner,
  LoginError,
  type LoginResult,
  loginWithCommand,
  loginWithUrl,
} from './login.js';

/** Refresh tokens revoked per session at sign-out (newest first). */
export const SIGN_OUT_PER_SESSION = 4;

/** How sign-out went. */
export interface SignOutReport {
  readonly sessions: number;
  readonly signedOut: number;
  /** Why sessions were left signed in, when some were. */
  readonly note?: string;
}

/** Opens the sessions the plan announced, and no more; signs them all out at the end. */
export interface SessionPool {
  /** Opens the first session ahead of the checks: a login that fails ends the audit early. */
  warmUp(): Promise<void>;
  open(): Promise<AuditSession>;
  readonly opened: number;
  signOutAll(): Promise<SignOutReport>;
}

export interface SessionPoolOptions {
  http: AuditHttp;
  /** Sends the sign-out revocations; not tied to the audit's abort signal. @default http */
  signOutHttp?: AuditHttp;
  target: Target;
  credentials?: LoginCredentials;
  secrets: SecretRegistry;
  maxSessions: number;
  runCommand: CommandRunner;
  now: () => number;
  commandTimeoutMs: number;
  signal?: AbortSignal;
}

/** Signs one session in, through the login URL or the login command. */
async function signIn(options: SessionPoolOptions, label: string): Promise<AuditSession> {
  const { target } = options;
  let login: LoginResult;
  if (target.login.kind === 'url') {
    if (!options.credentials) throw new LoginError('a login URL needs a username and a password');
    login = await loginWithUrl(options.http, target.login, options.credentials);
  } else {
    // Not interrupted by the audit's signal: a command that finishes has signed a session
    // in, and only its tokens let the audit sign that session out again.
    if (options.signal?.aborted) throw new LoginError('the audit was interrupted');
    login = await loginWithCommand(options.runCommand, target.login.command, {
      timeoutMs: options.commandTimeoutMs,
      now: options.now,
    });
  }
  return createAuditSession({ label, login, http: options.http, target, secrets: options.secrets });
}

/** Revokes a session's newest refresh tokens; true when every revocation answered 200. */
async function signOut(
  options: SessionPoolOptions,
  session: AuditSession,
  endpoint: string,
): Promise<boolean> {
  const target = { ...options.target, revocationEndpoint: endpoint };
  let ok = true;
  for (const token of session.refreshTokens().slice(0, SIGN_OUT_PER_SESSION)) {
    try {
      const exchange = await (options.signOutHttp ?? options.http).send(
        revocationRequest(target, token, 'refresh_token'),
      );
      if (exchange.status !== 200) ok = false;
    } catch (error) {
      if (!isTransportError(error)) throw error;
      ok = false;
    }
  }
  return ok;
}

export function createSessionPool(options: SessionPoolOptions): SessionPool {
  const sessions: AuditSession[] = [];
  let started = 0;
  let spare: Promise<AuditSession> | undefined;

  async function start(): Promise<AuditSession> {
    if (started >= options.maxSessions)
      throw new LoginError(`--max-sessions ${options.maxSessions} reached`);
    started++;
    const session = await signIn(options, `session ${started}`);
    sessions.push(session);
    return session;
  }

  return {
    async warmUp() {
      spare = start();
      await spare;
    },
    async open() {
      const ready = spare;
      spare = undefined;
      return ready ?? start();
    },
    get opened() {
      return sessions.length;
    },
    async signOutAll() {
      const endpoint = options.target.revocationEndpoint;
      const total = sessions.length;
      if (total === 0) return { sessions: 0, signedOut: 0 };
      if (!endpoint) {
        return {
          sessions: total,
          signedOut: 0,
          note: 'no revocation endpoint: the sessions end when their tokens expire',
        };
      }
      let signedOut = 0;
      for (const session of sessions) if (await signOut(options, session, endpoint)) signedOut++;
      return signedOut === total
        ? { sessions: total, signedOut }
        : {
            sessions: total,
            signedOut,
            note: `${total - signedOut} session(s) could not be revoked`,
          };
    },
  };
}
