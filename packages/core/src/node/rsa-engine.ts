// Node-only engine behind the `#rsa-engine` import's `node` condition: the same keys, imported by
// WebCrypto as usual, used through node:crypto's synchronous sign/verify, which the benchmark shows
// is faster one operation at a time (bench/RESULTS.md). Other runtimes get src/crypto/rsa-engine.ts.
import { KeyObject, sign, verify } from 'node:crypto';
import type { WebCryptoKey } from '../crypto/web-crypto-types.js';

const keyObjects = new WeakMap<WebCryptoKey, KeyObject>();
const HASH_NAMES: Record<string, string> = { 'SHA-256': 'sha256', 'SHA-1': 'sha1' };

function keyObjectOf(key: WebCryptoKey): KeyObject {
  let keyObject = keyObjects.get(key);
  if (keyObject === undefined) {
    keyObject = KeyObject.from(key as CryptoKey);
    keyObjects.set(key, keyObject);
  }
  return keyObject;
}

function hashOf(key: WebCryptoKey): string {
  const name = (key.algorithm as RsaHashedKeyAlgorithm).hash.name;
  const hash = HASH_NAMES[name];
  if (hash === undefined) throw new Error(`unsupported hash ${name}`);
  return hash;
}

/** Signs bytes with an imported key; the hash is the one the key was imported with. */
export async function rsaSign(key: WebCryptoKey, data: Uint8Array): Promise<Uint8Array> {
  return sign(hashOf(key), data, keyObjectOf(key));
}

/** Checks a signature over bytes with an imported key. */
export async function rsaVerify(key: WebCryptoKey, signature: Uint8Array, data: Uint8Array): Promise<boolean> {
  return verify(hashOf(key), data, keyObjectOf(key), signature);
}
