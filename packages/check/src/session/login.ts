import { spawn } from 'node:child_process';
import type { AuditHttp, HttpExchange } from '../http/http-client.js';
import { parseErrorBody, parseTokenResponse, type TokenSet } from '../http/token-response.js';
import type { LoginCredentials, LoginMethod } from '../target/target.js';

/** A session could not start. The message never holds the password or a token. */
export class LoginError extends Error {
  override readonly name = 'LoginError';
}

export interface LoginResult {
  readonly tokens: TokenSet;
  /** The HTTP answer, for a login URL; a login command's answer is not seen. */
  readonly exchange?: HttpExchange;
  readonly ms: number;
}

export async function loginWithUrl(
  http: AuditHttp,
  method: Extract<LoginMethod, { kind: 'url' }>,
  credentials: LoginCredentials,
): Promise<LoginResult> {
  const fields = { username: credentials.username, password: credentials.password };
  const exchange = await http.send({
    method: 'POST',
    url: method.url,
    headers: {
      'content-type': method.form ? 'application/x-www-form-urlencoded' : 'application/json',
      accept: 'application/json',
    },
    body: method.form ? new URLSearchParams(fields).toString() : JSON.stringify(fields),
  });
  const tokens =
    exchange.status >= 200 && exchange.status < 300 ? parseTokenResponse(exchange.text) : undefined;
  if (!tokens) {
    const { error } = parseErrorBody(exchange.text);
    throw new LoginError(
      `login at ${method.url} answered ${exchange.status}${error ? ` ${error}` : ''}${exchange.status < 300 ? ' without an access_token' : ''}`,
    );
  }
  return { tokens, exchange, ms: exchange.ms };
}

/** Runs a login command (a shell command line) that prints a token response on stdout. */
export type CommandRunner = (
  command: string,
  options: { timeoutMs: number; signal?: AbortSignal },
) => Promise<{ code: number | null; stdout: string }>;

const MAX_OUTPUT = 64 * 1024;

/** The default runner: `sh -c COMMAND` (cmd.exe on Windows); stderr is dropped, it may hold secrets. */
export const runShellCommand: CommandRunner = (command, options) =>
  new Promise((resolve, reject) => {
    const child = spawn(command, {
      shell: true,
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: options.timeoutMs,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      if (stdout.length < MAX_OUTPUT) stdout += chunk.toString('utf8');
    });
    child.on('error', (error) =>
      reject(new LoginError(`the login command could not run: ${error.message}`)),
    );
    child.on('close', (code) => resolve({ code, stdout }));
  });

export async function loginWithCommand(
  run: CommandRunner,
  command: string,
  options: { timeoutMs: number; now: () => number; signal?: AbortSignal },
): Promise<LoginResult> {
  const started = options.now();
  const result = await run(command, options);
  if (result.code !== 0) {
    throw new LoginError(
      `the login command exited with ${result.code ?? 'a signal'} (its stderr is not shown: it may hold secrets)`,
    );
  }
  const tokens = parseTokenResponse(result.stdout.trim());
  if (!tokens)
    throw new LoginError('the login command printed no token response (JSON with an access_token)');
  return { tokens, ms: options.now() - started };
}
