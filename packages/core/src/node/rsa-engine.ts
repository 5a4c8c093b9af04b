// Node-only engine behind the `#rsa-engine` import's `node` condition: the same keys, imported by
// WebCrypto as usual, used through node:crypto's synchronous sign/verify, which the benchmark shows
// is faster one operation at a time (bench/RESULTS.md). Other runtimes get src/crypto/rsa-engine.ts.
import { createVerify, KeyObject, sign } from 'node:crypto';
import type { WebCryptoKey } from '../crypto/web-crypto-types.js';
import { signatureBytes as portableSignatureBytes } from '../crypto/rsa-engine.js';
import { plainSignatureBytes } from './answer-scan.js';

export { readAnswerBytes, scanAnswer } from './answer-scan.js';

// Per imported key, its KeyObject and hash name, found once: a CryptoKey's `algorithm` is a getter.
const nodeKeys = new WeakMap<WebCryptoKey, { keyObject: KeyObject; hash: string }>();
const HASH_NAMES: Record<string, string> = { 'SHA-256': 'sha256', 'SHA-1': 'sha1' };

function nodeKeyOf(key: WebCryptoKey): { keyObject: KeyObject; hash: string } {
  let found = nodeKeys.get(key);
  if (found === undefined) {
    const name = (key.algorithm as RsaHashedKeyAlgorithm).hash.name;
    const hash = HASH_NAMES[name];
    if (hash === undefined) throw new Error(`unsupported hash ${name}`);
    found = { keyObject: KeyObject.from(key as CryptoKey), hash };
    nodeKeys.set(key, found);
  }
  return found;
}

/** Signs bytes with an imported key; the hash is the one the key was imported with. */
export async function rsaSign(key: WebCryptoKey, data: Uint8Array): Promise<Uint8Array> {
  const { keyObject, hash } = nodeKeyOf(key);
  return sign(hash, data, keyObject);
}

/** Checks a signature over bytes (a string stands for its UTF-8 bytes) with an imported key; synchronous on Node. */
export function rsaVerify(key: WebCryptoKey, signature: Uint8Array, data: Uint8Array | string): boolean {
  const { keyObject, hash } = nodeKeyOf(key);
  // A Verify object, not the one-shot crypto.verify: on Node 20 the one-shot's job costs more natively
  // than the whole Verify stream (about 10 % of an RSA-2048 check, bench/RESULTS.md), and `update`
  // takes a string's UTF-8 without a Buffer made for it.
  return createVerify(hash).update(data).verify(keyObject, signature);
}

/** A base64 signature's bytes; empty (a signature that never verifies) when the text is not base64. */
export function signatureBytes(text: string): Uint8Array {
  return plainSignatureBytes(text) ?? portableSignatureBytes(text);
}
