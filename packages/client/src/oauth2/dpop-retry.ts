import type { DpopRequestSigner } from '../dpop/binding.js';
import { oauthErrorOf } from './grant-errors.js';
import { type ResponseLike, readJson } from './response.js';

/**
 * Sends a request to a token or revocation endpoint, with a DPoP proof when the session has a
 * binding, and answers the server's nonce challenge (RFC 9449 §8: 400 `use_dpop_nonce` with a
 * `DPoP-Nonce` header) with one retry carrying the nonce. Resolves to the final answer and its
 * body, read once (`undefined` when not JSON).
 */
export async function sendWithProof(
  url: string,
  dpop: DpopRequestSigner | undefined,
  send: (extraHeaders: Record<string, string>) => Promise<ResponseLike>,
  options: { bodyErrors?: 'throw' | 'ignore' } = {},
): Promise<{ response: ResponseLike; body: unknown }> {
  for (let attempt = 0; ; attempt++) {
    const response = await send(dpop ? { dpop: await dpop.proof('POST', url) } : {});
    const fresh = dpop?.observe(url, response.headers) ?? false;
    // A body that fails to arrive is a network failure, unless the status says it all.
    const reading = readJson(response);
    const body = await (options.bodyErrors === 'ignore' ? reading.catch(() => undefined) : reading);
    const challenge = response.status === 400 && oauthErrorOf(body) === 'use_dpop_nonce';
    if (!challenge || !fresh || attempt > 0) return { response, body };
  }
}
