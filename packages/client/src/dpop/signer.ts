/**
 * What DPoP (RFC 9449) needs of a key: its public half as a JWK, and signatures by its private
 * half, which never leaves the platform's key store. Any source can supply one: WebCrypto (the
 * default, non-extractable where the platform allows), or a React Native library over the iOS
 * Secure Enclave or the Android Keystore.
 */

/** An EC P-256 public key as a JWK (RFC 7518 §6.2.1): only the public members. */
export interface EcPublicJwk {
  readonly kty: 'EC';
  readonly crv: 'P-256';
  readonly x: string;
  readonly y: string;
}

/** One DPoP key. */
export interface DpopSigner {
  /** The JWS algorithm of the signatures. Only ES256 is supported. */
  readonly alg: 'ES256';
  readonly publicJwk: EcPublicJwk;
  /**
   * Signs `data` with the private key: ECDSA P-256 over SHA-256, the signature as the 64-byte
   * concatenation of r and s (RFC 7518 §3.4), which is what WebCrypto returns.
   */
  sign(data: Uint8Array): Promise<Uint8Array>;
}

/**
 * Where a session's DPoP keys come from and live. `id` names the session (its storage key), so
 * tabs of one session share one key. Implement it over a hardware-backed key store to keep the
 * key in the Secure Enclave or the Android Keystore.
 */
export interface DpopKeyProvider {
  /** The stored key for `id`, or undefined when there is none. */
  load(id: string): Promise<DpopSigner | undefined>;
  /** Creates and stores a new key for `id` (replacing any). */
  create(id: string): Promise<DpopSigner>;
  /** Deletes the key of `id`; nothing when there is none. */
  delete(id: string): Promise<void>;
}
