/**
 * Private to the GraphQL adapters (`tokenkeeper/apollo`, `tokenkeeper/urql`): how a GraphQL
 * result says "your credentials were refused" when the server answers 200 with errors.
 */

/**
 * GraphQL error codes that mean the access token was refused, so a refresh and one retry may
 * help. `UNAUTHENTICATED` is the code Apollo Server, GraphQL Yoga and most servers use.
 */
export const DEFAULT_UNAUTHENTICATED_CODES: readonly string[] = ['UNAUTHENTICATED'];

/** The part of a GraphQL error (formatted or not) that carries its code. */
interface CodedError {
  readonly extensions?: { readonly code?: unknown } | null | undefined;
}

/** True when any of `errors` has an `extensions.code` listed in `codes`. */
export function hasUnauthenticatedError(
  errors: readonly CodedError[] | null | undefined,
  codes: readonly string[],
): boolean {
  if (!errors) return false;
  return errors.some((error) => {
    const code = error?.extensions?.code;
    return typeof code === 'string' && codes.includes(code);
  });
}
