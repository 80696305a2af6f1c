import type { IncomingMessage } from 'node:http';
import type { AuthVariables } from '../verify/verifier.js';

/** The hono environment of the token server's app. */
export type ServerEnv = {
  Variables: AuthVariables & { requestId: string };
  Bindings: Partial<{ incoming: IncomingMessage }>;
};
