/** Why a request got no HTTP answer. */
export type TransportErrorCode = 'timeout' | 'network' | 'budget' | 'aborted';

/**
 * A request that got no HTTP answer (or was not sent: `budget`, `aborted`). The message names the
 * method and path, never a body or a header.
 */
export class TransportError extends Error {
  override readonly name = 'TransportError';
  constructor(
    readonly code: TransportErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export function isTransportError(error: unknown): error is TransportError {
  return error instanceof Error && error.name === 'TransportError' && 'code' in error;
}
