import { TransportError } from './http-error.js';
import type { RateLimiter } from './rate-limiter.js';

export interface HttpRequest {
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

/** A request and the answer to it. `text` is the body, cut at 256 KiB. */
export interface HttpExchange {
  readonly request: HttpRequest;
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** Wall time from sending to the end of the body. */
  readonly ms: number;
}

/** The only way the audit talks to the server: paced, counted, bounded, never redirected. */
export interface AuditHttp {
  send(request: HttpRequest): Promise<HttpExchange>;
  /** Sends all requests at the same moment (one rate-limiter acquisition). */
  burst(requests: readonly HttpRequest[]): Promise<HttpExchange[]>;
  /** Requests sent so far. */
  readonly count: number;
  /** Sets the cap on requests (counting those already sent). */
  limit(maxRequests: number): void;
}

export interface AuditHttpOptions {
  fetch: typeof globalThis.fetch;
  limiter: RateLimiter;
  now: () => number;
  /** Per request. */
  timeoutMs: number;
  /** Hard cap on requests; one more throws a `budget` TransportError. */
  maxRequests: number;
  /** Once aborted, no new request is sent (`aborted` TransportError); those in flight finish. */
  signal?: AbortSignal;
}

const MAX_BODY = 256 * 1024;

/** "POST /oauth/token": what error messages and evidence say about a request. */
export function describeRequest(request: HttpRequest): string {
  return `${request.method} ${new URL(request.url).pathname}`;
}

export function createAuditHttp(options: AuditHttpOptions): AuditHttp {
  let count = 0;
  let maxRequests = options.maxRequests;

  function reserve(n: number): void {
    if (options.signal?.aborted) throw new TransportError('aborted', 'the audit was interrupted');
    if (count + n > maxRequests) {
      throw new TransportError('budget', `request budget of ${maxRequests} exhausted`);
    }
    count += n;
  }

  return {
    async send(request) {
      reserve(1);
      await options.limiter.acquire(1);
      return exchange(options, request);
    },
    async burst(requests) {
      reserve(requests.length);
      await options.limiter.acquire(requests.length);
      return Promise.all(requests.map((request) => exchange(options, request)));
    },
    get count() {
      return count;
    },
    limit(max) {
      maxRequests = max;
    },
  };
}

/** One request, answered or turned into a TransportError. */
async function exchange(options: AuditHttpOptions, request: HttpRequest): Promise<HttpExchange> {
  const started = options.now();
  try {
    const response = await options.fetch(request.url, {
      method: request.method,
      headers: request.headers ?? {},
      ...(request.body === undefined ? {} : { body: request.body }),
      // A redirect could carry a token elsewhere; the audit reports it instead.
      redirect: 'manual',
      // Not the audit's abort signal: a request already sent (a login, say) is let finish, so
      // that whatever it created on the server is known and can be signed out.
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    const text = await readCapped(response);
    return {
      request,
      status: response.status,
      headers: response.headers,
      text,
      ms: options.now() - started,
    };
  } catch (error) {
    const what = describeRequest(request);
    if ((error as Error).name === 'TimeoutError') {
      throw new TransportError('timeout', `${what}: no answer within ${options.timeoutMs} ms`);
    }
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    throw new TransportError('network', `${what}: ${cause ?? 'connection failed'}`);
  }
}

async function readCapped(response: Response): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (size < MAX_BODY) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
  }
  if (size >= MAX_BODY) await reader.cancel();
  return Buffer.concat(chunks).subarray(0, MAX_BODY).toString('utf8');
}
