/**
 * `tokenkeeper/dpop`: DPoP (RFC 9449) for a session. Tokens bound to a key that never leaves the
 * device: a copied refresh or access token is refused outright.
 */
export {
  type DpopBinding,
  type DpopConfig,
  type DpopContext,
  type DpopOptions,
  type DpopRequestSigner,
  dpopKey,
} from './binding.js';
export { accessTokenHash, createProof, htuOf, type ProofClaims } from './proof.js';
export type { DpopKeyProvider, DpopSigner, EcPublicJwk } from './signer.js';
export { jwkThumbprint } from './thumbprint.js';
export {
  type WebCryptoKeyStore,
  type WebCryptoKeysOptions,
  webCryptoKeys,
} from './webcrypto-keys.js';
