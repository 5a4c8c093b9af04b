// The body of generateKeyPair, loaded on its first call: a key pair is made once per app, at setup,
// so the bundles of the jobs that use it never carry this.
import { kindOf, requireOptions } from '../errors/argument-checks.js';
import { ZhimaError } from '../errors/zhima-error.js';
import { bytesToBase64 } from '../encoding/base64.js';
import { readChildren, readSingle } from './der.js';
import type { GeneratedKeyPair } from './generate-key-pair.js';
import { toPem } from './pem.js';

/** @internal See `generateKeyPair`. */
export async function generateRsaKeyPair(options: { modulusLength?: number } = {}): Promise<GeneratedKeyPair> {
  const { modulusLength = 2048 } = requireOptions(options, 'generateKeyPair');
  if (!Number.isSafeInteger(modulusLength) || modulusLength < 2048 || modulusLength > 16384 || modulusLength % 8 !== 0) {
    throw new ZhimaError({
      code: 'PARAM_INVALID',
      message: `modulusLength must be a whole number of bits from 2048 to 16384, a multiple of 8, got ${typeof modulusLength === 'number' ? modulusLength : kindOf(modulusLength)}.`,
      hint: '支付宝要求 RSA2048 / Alipay asks for RSA-2048: leave modulusLength at its default.',
    });
  }
  let pair: CryptoKeyPair;
  try {
    pair = (await crypto.subtle.generateKey({ name: 'RSASSA-PKCS1-v1_5', modulusLength, publicExponent: Uint8Array.of(1, 0, 1), hash: 'SHA-256' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  } catch (cause) {
    throw new ZhimaError({ code: 'KEY_INVALID', message: `This runtime's WebCrypto could not generate an RSA-${modulusLength} key pair.`, hint: 'Generate the pair with the Alipay key tool or `openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048`.', cause });
  }
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
