import type { Context } from 'hono';
import type { RequestContext } from '../service/types.js';
import { stripControlCharacters } from '../text.js';
import type { ServerEnv } from './env.js';

/** Who is asking, for the audit log: client IP, user agent, request id. */
export function requestContext(c: Context<ServerEnv>, trustProxy: boolean): RequestContext {
  const forwarded = trustProxy ? c.req.header('x-forwarded-for') : undefined;
  // The rightmost entry is the one the trusted proxy appended; everything left of it came
  // from the client and can say anything.
  const ip = forwarded?.split(',').at(-1)?.trim() || c.env?.incoming?.socket?.remoteAddress;
  const agent = c.req.header('user-agent');
  return {
    ip: ip?.slice(0, 64),
    userAgent: agent === undefined ? undefined : stripControlCharacters(agent).slice(0, 256),
    requestId: c.get('requestId'),
  };
}
