// RSA PKCS#1 v1.5 through WebCrypto: the engine on every runtime except Node, where the package's
// `#rsa-engine` import resolves to src/node/rsa-engine.ts instead (measured faster there; see bench/).

import { base64ToBytes } from '../encoding/base64.js';
import type { ScannedAnswer } from '../response/answer-scan.js';
import type { WebCryptoKey } from './web-crypto-types.js';

export { scanAnswer } from '../response/answer-scan.js';

/**
 * An answer given as bytes, read without decoding it as a whole: only the Node engine does this (its
 * reader's text comes straight from ASCII bytes); here every answer is decoded by the caller first.
 */
export const readAnswerBytes: (bytes: Uint8Array, nodeName: string) => { text: string; scanned: ScannedAnswer } | undefined = () => undefined;

const ALGORITHM = { name: 'RSASSA-PKCS1-v1_5' } as const;

/** Signs bytes with an imported key; the hash is the one the key was imported with. */
export async function rsaSign(key: WebCryptoKey, data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.sign(ALGORITHM, key as CryptoKey, data as Uint8Array<ArrayBuffer>));
}

/**
 * Checks a signature over bytes (a string stands for its UTF-8 bytes) with an imported key. The Node
 * engine answers at once (a boolean, no promise): callers await either.
 */
export function rsaVerify(key: WebCryptoKey, signature: Uint8Array, data: Uint8Array | string): boolean | Promise<boolean> {
  return crypto.subtle.verify(ALGORITHM, key as CryptoKey, signature as Uint8Array<ArrayBuffer>, (typeof data === 'string' ? new TextEncoder().encode(data) : data) as Uint8Array<ArrayBuffer>);
}

/** A base64 signature's bytes; empty (a signature that never verifies) when the text is not base64. */
export function signatureBytes(text: string): Uint8Array {
  try {
    return base64ToBytes({ text });
  } catch {
    return new Uint8Array();
  }
}
