/**
 * A new key pair in every form the Alipay console and SDKs ask for.
 *
 * @example
 * ```ts
 * const pair: GeneratedKeyPair = await generateKeyPair();
 * ```
 */
export interface GeneratedKeyPair {
  privateKeyPkcs8Pem: string;
  privateKeyPkcs1Pem: string;
  /** Bare base64 of PKCS#8, as Alipay's key tool prints for Java. */
  privateKeyPkcs8Base64: string;
  /** Bare base64 of PKCS#1, as Alipay's key tool prints for other languages. */
  privateKeyPkcs1Base64: string;
  publicKeyPem: string;
  /** Bare base64 of SPKI: what to paste into the console as the app public key (应用公钥). */
  publicKeyBase64: string;
}

/**
 * Generates an RSA key pair (2048 bits by default, as Alipay asks) with WebCrypto.
 *
 * @example
 * ```ts
 * const { privateKeyPkcs8Pem, publicKeyBase64 } = await generateKeyPair();
 * ```
 */
export async function generateKeyPair(options: { modulusLength?: number } = {}): Promise<GeneratedKeyPair> {
  return (await import('./key-pair-generation.js')).generateRsaKeyPair(options);
}
