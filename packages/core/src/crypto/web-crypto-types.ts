/**
 * The parts of WebCrypto's `CryptoKey` this SDK's public types name. Declared here, not taken from the
 * DOM lib, so the type declarations compile in Node projects without `lib: ["dom"]`; every runtime's
 * `CryptoKey` fits it.
 *
 * @example
 * ```ts
 * const key: WebCryptoKey = await crypto.subtle.importKey('spki', der, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['verify']);
 * ```
 */
export interface WebCryptoKey {
  readonly algorithm: { readonly name: string };
  readonly extractable: boolean;
  readonly type: string;
  readonly usages: readonly string[];
}

/**
 * An RSA JSON Web Key (RFC 7517/7518), private when `d` is present. Node's `KeyObject.export({ format: 'jwk' })`
 * and WebCrypto's `exportKey('jwk', …)` both produce one.
 *
 * @example
 * ```ts
 * const jwk: RsaJsonWebKey = privateKeyObject.export({ format: 'jwk' });
 * ```
 */
export interface RsaJsonWebKey {
  kty?: string;
  n?: string;
  e?: string;
  d?: string;
  p?: string;
  q?: string;
  dp?: string;
  dq?: string;
  qi?: string;
  alg?: string;
  use?: string;
  key_ops?: string[];
  ext?: boolean;
}
