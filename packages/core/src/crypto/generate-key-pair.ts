import { bytesToBase64 } from '../encoding/base64.js';
import { readChildren, readSingle } from './der.js';
import { toPem } from './pem.js';

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
 * Generates an RSA key pair (2048 bits by default) with WebCrypto.
 *
 * @example
 * ```ts
 * const { privateKeyPkcs8Pem, publicKeyBase64 } = await generateKeyPair();
 * ```
 */
export async function generateKeyPair({ modulusLength = 2048 }: { modulusLength?: number } = {}): Promise<GeneratedKeyPair> {
  const pair = (await crypto.subtle.generateKey(
    { name: 'RSASSA-PKCS1-v1_5', modulusLength, publicExponent: Uint8Array.of(1, 0, 1), hash: 'SHA-256' },
    true,
    ['sign', 'verify'],
  )) as CryptoKeyPair;
  const pkcs8 = new Uint8Array(await crypto.subtle.exportKey('pkcs8', pair.privateKey));
  const spki = new Uint8Array(await crypto.subtle.exportKey('spki', pair.publicKey));
  // PKCS#8 wraps the PKCS#1 key in its third element, an OCTET STRING.
  const pkcs1 = readChildren(readSingle(pkcs8))[2]!.content;
  return {
    privateKeyPkcs8Pem: toPem({ label: 'PRIVATE KEY', der: pkcs8 }),
    privateKeyPkcs1Pem: toPem({ label: 'RSA PRIVATE KEY', der: pkcs1 }),
    privateKeyPkcs8Base64: bytesToBase64({ bytes: pkcs8 }),
    privateKeyPkcs1Base64: bytesToBase64({ bytes: pkcs1 }),
    publicKeyPem: toPem({ label: 'PUBLIC KEY', der: spki }),
    publicKeyBase64: bytesToBase64({ bytes: spki }),
  };
}
