/**
 * True for a listen address that means every interface (0.0.0.0, ::, and their spellings):
 * no address a client can reach, so nothing to build an issuer URL from.
 */
export function isWildcardHost(host: string): boolean {
  return host === '' || /^0+(\.0+){3}$/.test(host) || /^[0:]+$/.test(host);
}
