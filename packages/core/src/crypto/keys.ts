import { readCertificate } from '../certificates/x509.js';
import { base64ToBytes } from '../encoding/base64.js';
import { kindOf, requireOptions } from '../errors/argument-checks.js';
import { ZhimaError } from '../errors/zhima-error.js';
import { DerError, TAG, decodeOid, encodeElement, readChildren, readSingle, type DerElement } from './der.js';
import { readPemBlocks } from './pem.js';
import type { RsaJsonWebKey, WebCryptoKey } from './web-crypto-types.js';

/**
 * `RSA2` is SHA256withRSA (recommended), `RSA` is the legacy SHA1withRSA.
 *
 * @example
 * ```ts
 * const signType: SignType = 'RSA2';
 * ```
 */
export type SignType = 'RSA2' | 'RSA';

const HASH_OF: Record<SignType, 'SHA-256' | 'SHA-1'> = { RSA2: 'SHA-256', RSA: 'SHA-1' };
const RSA_ALGORITHM = 'RSASSA-PKCS1-v1_5';
const RSA_ENCRYPTION_OID = '1.2.840.113549.1.1.1';
const RSA_ALGORITHM_IDENTIFIER = encodeElement(TAG.SEQUENCE, encodeElement(TAG.OID, Uint8Array.of(0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01)), encodeElement(TAG.NULL));

/**
 * How a key was given, as detected: the encoding (`pkcs1`, `pkcs8`, `spki`, `certificate`) and the
 * wrapping (`pem`, `base64`, `der`), or `jwk` / `crypto-key`.
 *
 * @example
 * ```ts
 * (await importPrivateKey({ key: pem })).format; // 'pkcs1-pem'
 * ```
 */
export type KeyFormat = `${'pkcs1' | 'pkcs8' | 'spki' | 'certificate'}-${'pem' | 'base64' | 'der'}` | 'jwk' | 'crypto-key';

type KeySource = { der: Uint8Array } | { jwk: RsaJsonWebKey } | { cryptoKey: WebCryptoKey };

// Shared by every copy of the package in a process (ESM and CommonJS builds, two installed versions):
// a key imported by one copy is recognised by another, where `instanceof` fails.
const RSA_KEY = Symbol.for('@zhima/core/RsaKey');

/**
 * An RSA key parsed once and ready to sign or verify with either sign type. Create one with
 * {@link importPrivateKey} or {@link importPublicKey} and reuse it: parsing is the slow part.
 *
 * @example
 * ```ts
 * const key = await importPrivateKey({ key: process.env.APP_PRIVATE_KEY! });
 * console.log(key.type, key.format, key.modulusLength); // 'private' 'pkcs8-base64' 2048
 * ```
 */
export class RsaKey<T extends 'private' | 'public' = 'private' | 'public'> {
  readonly type: T;
  readonly format: KeyFormat;
  readonly modulusLength: number;
  /** The public half as SPKI DER (public information), when the key's format carries it. */
  readonly spki: Uint8Array | undefined;
  readonly #source: KeySource;
  readonly #imported = new Map<SignType, Promise<WebCryptoKey>>();

  /** @internal Use {@link importPrivateKey} / {@link importPublicKey}. */
  constructor({ type, format, modulusLength, spki, source }: { type: T; format: KeyFormat; modulusLength: number; spki: Uint8Array | undefined; source: KeySource }) {
    this.type = type;
    this.format = format;
    this.modulusLength = modulusLength;
    this.spki = spki;
    this.#source = source;
    Object.defineProperty(this, RSA_KEY, { value: true });
  }

  /**
   * `instanceof` that also recognises keys imported by another copy of `@zhima/core` (the CommonJS
   * build beside the ESM one, or a second installed version).
   *
   * @example
   * ```ts
   * if (RsaKey.isInstance(value) && value.type === 'private') await signContent({ content, privateKey: value });
   * ```
   */
  static isInstance(value: unknown): value is RsaKey {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[RSA_KEY] === true;
  }

  /**
   * The WebCrypto key for a sign type, imported on first use and cached.
   *
   * @example
   * ```ts
   * const cryptoKey = await key.cryptoKey({ signType: 'RSA2' });
   * ```
   */
  cryptoKey({ signType }: { signType: SignType }): Promise<WebCryptoKey> {
    let imported = this.#imported.get(signType);
    if (!imported) {
      imported = this.#import(signType);
      this.#imported.set(signType, imported);
      imported.catch(() => this.#imported.delete(signType));
    }
    return imported;
  }

  async #import(signType: SignType): Promise<WebCryptoKey> {
    const algorithm = { name: RSA_ALGORITHM, hash: HASH_OF[signType] };
    const usages: KeyUsage[] = this.type === 'private' ? ['sign'] : ['verify'];
    const source = this.#source;
    try {
      if ('der' in source) {
        return await crypto.subtle.importKey(this.type === 'private' ? 'pkcs8' : 'spki', source.der as Uint8Array<ArrayBuffer>, algorithm, false, usages);
      }
      if ('jwk' in source) {
        // A JWK's `alg` pins one hash; the sign type decides it here.
        const { alg: _alg, key_ops: _ops, use: _use, ...jwk } = source.jwk;
        return await crypto.subtle.importKey('jwk', jwk as JsonWebKey, algorithm, false, usages);
      }
      const given = source.cryptoKey as CryptoKey;
      if ((given.algorithm as RsaHashedKeyAlgorithm).hash?.name === HASH_OF[signType]) return given;
      if (!given.extractable) {
        throw keyError(
          `The CryptoKey was imported for ${(given.algorithm as RsaHashedKeyAlgorithm).hash?.name}, but sign type ${signType} needs ${HASH_OF[signType]}.`,
          `Import the key with hash ${HASH_OF[signType]}, or make it extractable.`,
        );
      }
      const format = this.type === 'private' ? 'pkcs8' : 'spki';
      return await crypto.subtle.importKey(format, await crypto.subtle.exportKey(format, given), algorithm, false, usages);
    } catch (cause) {
      if (ZhimaError.isInstance(cause)) throw cause;
      throw keyError(`The ${this.format} ${this.type} key was rejected by WebCrypto.`, 'Check that it is a complete, unmodified RSA key.', cause);
    }
  }
}

/**
 * Every way a private key is accepted: PKCS#1 or PKCS#8 as PEM, bare base64 (as Alipay's key tool
 * prints) or DER bytes; a JWK; a `CryptoKey`; or an already imported {@link RsaKey}.
 *
 * @example
 * ```ts
 * const key: PrivateKeyInput = '-----BEGIN RSA PRIVATE KEY-----\n…';
 * ```
 */
export type PrivateKeyInput = string | Uint8Array | RsaJsonWebKey | WebCryptoKey | RsaKey<'private'>;

/**
 * Every way a public key is accepted: SPKI or PKCS#1 as PEM, base64 or DER; an X.509 certificate PEM;
 * a JWK; a `CryptoKey`; or an already imported {@link RsaKey}.
 *
 * @example
 * ```ts
 * const alipayPublicKey: PublicKeyInput = 'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA…';
 * ```
 */
export type PublicKeyInput = string | Uint8Array | RsaJsonWebKey | WebCryptoKey | RsaKey<'public'>;

/** @internal Which key goes where, in both languages: shared by every key-slot error. */
export const ROLE_HINT =
  'privateKey 是应用私钥（密钥工具生成）；alipayPublicKey 是控制台上的支付宝公钥（不是应用公钥） / privateKey is your app private key (from the key tool); alipayPublicKey is the Alipay public key shown in the console, not your app public key.';

function keyError(message: string, hint: string, cause?: unknown): ZhimaError<'KEY_INVALID'> {
  return new ZhimaError({ code: 'KEY_INVALID', message, hint, cause });
}

interface Classified {
  type: 'private' | 'public';
  encoding: 'pkcs1' | 'pkcs8' | 'spki' | 'certificate';
  /** PKCS#8 for private keys, SPKI for public ones. */
  der: Uint8Array;
  spki: Uint8Array;
  modulusLength: number;
}

function spkiOf(modulus: DerElement | undefined, exponent: DerElement | undefined): Uint8Array {
  if (modulus?.tag !== TAG.INTEGER || exponent?.tag !== TAG.INTEGER) throw new DerError('no RSA modulus and exponent');
  return encodeElement(TAG.SEQUENCE, RSA_ALGORITHM_IDENTIFIER, encodeElement(TAG.BIT_STRING, Uint8Array.of(0), encodeElement(TAG.SEQUENCE, modulus.raw, exponent.raw)));
}

function modulusBits(modulus: DerElement | undefined): number {
  if (modulus?.tag !== TAG.INTEGER) throw new DerError('no RSA modulus');
  let bytes = modulus.content;
  while (bytes.length > 0 && bytes[0] === 0) bytes = bytes.subarray(1);
  return bytes.length === 0 ? 0 : (bytes.length - 1) * 8 + (32 - Math.clz32(bytes[0]!));
}

function requireRsaAlgorithm(algorithm: DerElement): void {
  const oid = readChildren(algorithm)[0];
  const name = oid?.tag === TAG.OID ? decodeOid(oid.content) : 'unknown';
  if (name !== RSA_ENCRYPTION_OID) {
    throw keyError(`The key is not an RSA key (algorithm OID ${name}).`, 'The gateway signs with RSA only: generate an RSA-2048 key with the Alipay key tool or `zhima keys generate`.');
  }
}

// Tells the DER structures apart by shape, so a PKCS#1 body under a "PRIVATE KEY" label (or bare
// base64 of either) still works: the label is a hint people get wrong, the structure is not.
function classifyDer(der: Uint8Array): Classified {
  const top = readSingle(der);
  if (top.tag !== TAG.SEQUENCE) throw new DerError('not a DER SEQUENCE');
  const children = readChildren(top);
  const tags = children.map((child) => child.tag);
  const shape = tags.join(',');
  if (shape === `${TAG.SEQUENCE},${TAG.OCTET_STRING}`) {
    throw keyError('The private key is encrypted (PKCS#8 EncryptedPrivateKeyInfo).', 'Decrypt it first: `openssl pkcs8 -in key.pem -out plain.pem`.');
  }
  if (tags.length >= 3 && tags[0] === TAG.INTEGER && tags[1] === TAG.SEQUENCE && tags[2] === TAG.OCTET_STRING) {
    requireRsaAlgorithm(children[1]!);
    const inner = readChildren(readSingle(children[2]!.content));
    return { type: 'private', encoding: 'pkcs8', der, spki: spkiOf(inner[1], inner[2]), modulusLength: modulusBits(inner[1]) };
  }
  if (tags.length === 9 && tags.every((tag) => tag === TAG.INTEGER)) {
    const pkcs8 = encodeElement(TAG.SEQUENCE, encodeElement(TAG.INTEGER, Uint8Array.of(0)), RSA_ALGORITHM_IDENTIFIER, encodeElement(TAG.OCTET_STRING, der));
    return { type: 'private', encoding: 'pkcs1', der: pkcs8, spki: spkiOf(children[1], children[2]), modulusLength: modulusBits(children[1]) };
  }
  if (shape === `${TAG.SEQUENCE},${TAG.BIT_STRING}`) {
    requireRsaAlgorithm(children[0]!);
    const inner = readChildren(readSingle(children[1]!.content.subarray(1)));
    return { type: 'public', encoding: 'spki', der, spki: der, modulusLength: modulusBits(inner[0]) };
  }
  if (shape === `${TAG.INTEGER},${TAG.INTEGER}`) {
    const spki = spkiOf(children[0], children[1]);
    return { type: 'public', encoding: 'pkcs1', der: spki, spki, modulusLength: modulusBits(children[0]) };
  }
  if (shape === `${TAG.SEQUENCE},${TAG.SEQUENCE},${TAG.BIT_STRING}`) {
    const { subjectPublicKeyInfo } = readCertificate(der);
    return { ...classifyDer(subjectPublicKeyInfo), encoding: 'certificate' };
  }
  throw new DerError('unrecognised key structure');
}

const UNREADABLE_HINT =
  '支持 PKCS#1/PKCS#8 PEM、去掉头尾的 base64、JWK；请完整复制密钥，不要传文件路径 / Accepted: PKCS#1 or PKCS#8 PEM, bare base64 (as the Alipay key tool prints), JWK. Paste the whole key, not a file path.';

function classifyText(text: string): Classified & { wrapping: 'pem' | 'base64' } {
  const trimmed = text.trim();
  let block: ReturnType<typeof readPemBlocks>[number] | undefined;
  try {
    [block] = readPemBlocks(trimmed);
  } catch (cause) {
    throw keyError('The PEM block\'s body is not base64.', UNREADABLE_HINT, cause);
  }
  if (block) {
    if (block.encrypted) {
      throw keyError('The PEM private key is encrypted.', 'Decrypt it first: `openssl pkey -in key.pem -out plain.pem`.');
    }
    return { ...classifyDerOrExplain(block.der, `a PEM block labelled "${block.label}"`), wrapping: 'pem' };
  }
  if (trimmed.startsWith('-----BEGIN')) throw keyError('The PEM text has no matching END line.', UNREADABLE_HINT);
  if (!/^[A-Za-z0-9+/=\s]+$/.test(trimmed)) {
    throw keyError(`The key text is neither PEM nor base64 (${trimmed.length} characters).`, UNREADABLE_HINT);
  }
  return { ...classifyDerOrExplain(base64ToBytes({ text: trimmed }), 'base64 text'), wrapping: 'base64' };
}

function classifyDerOrExplain(der: Uint8Array, found: string): Classified {
  try {
    return classifyDer(der);
  } catch (cause) {
    if (ZhimaError.isInstance(cause)) throw cause;
    throw keyError(`Found ${found}, but its content is not an RSA key (${(cause as Error).message}).`, UNREADABLE_HINT, cause);
  }
}

function isCryptoKey(value: unknown): value is CryptoKey {
  return typeof value === 'object' && value !== null && 'algorithm' in value && 'usages' in value && 'type' in value && 'extractable' in value;
}

function base64UrlInteger(text: unknown): DerElement | undefined {
  if (text === undefined) return undefined;
  if (typeof text !== 'string') throw new DerError('not base64url text');
  const bytes = base64ToBytes({ text: text.replace(/-/g, '+').replace(/_/g, '/') });
  // DER integers are signed: a leading 1 bit needs a zero byte in front.
  const content = bytes[0]! & 0x80 ? Uint8Array.of(0, ...bytes) : bytes;
  return readSingle(encodeElement(TAG.INTEGER, content));
}

// Keys given as text (PEM, base64, JWK) by their exact text, one map per role, most recently used
// last: a caller that passes the same PEM string on every call parses it once per process, and the
// lookup hashes that string once (V8 keeps a string's hash), not a new `role:text` string each call.
// Bounded (16 texts per role), since a long-running service may see many apps' keys; bytes are not
// cached (the caller may reuse the buffer).
const PARSED_TEXT_KEYS_MAX = 16;
const parsedTextKeys = { private: new Map<string, Promise<RsaKey>>(), public: new Map<string, Promise<RsaKey>>() };

function cachedTextKey(text: string, expected: 'private' | 'public', parse: () => Promise<RsaKey>): Promise<RsaKey> {
  const keys = parsedTextKeys[expected];
  let key = keys.get(text);
  // Taken out to be put back last; a text not there is parsed.
  if (!keys.delete(text)) {
    key = parse();
    // A text that fails is not remembered: its error is thrown afresh for every call.
    key.catch(() => keys.delete(text));
    if (keys.size >= PARSED_TEXT_KEYS_MAX) keys.delete(keys.keys().next().value!);
  }
  keys.set(text, key!);
  return key!;
}

function importKey(input: unknown, expected: 'private' | 'public'): Promise<RsaKey> {
  return typeof input === 'string' ? cachedTextKey(input, expected, () => parseKey(input, expected)) : parseKey(input, expected);
}

async function parseKey(input: unknown, expected: 'private' | 'public'): Promise<RsaKey> {
  if (RsaKey.isInstance(input)) {
    checkRole(input.type, expected, input.format);
    return input;
  }
  if (isCryptoKey(input)) {
    if (input.algorithm.name !== RSA_ALGORITHM) {
      throw keyError(`The CryptoKey is for ${input.algorithm.name}, not ${RSA_ALGORITHM}.`, `Import it with { name: '${RSA_ALGORITHM}', hash: 'SHA-256' }.`);
    }
    const type = input.type === 'private' ? 'private' : 'public';
    checkRole(type, expected, 'crypto-key');
    return new RsaKey({ type, format: 'crypto-key', modulusLength: (input.algorithm as RsaHashedKeyAlgorithm).modulusLength, spki: undefined, source: { cryptoKey: input } });
  }
  let classified: Classified;
  let format: KeyFormat;
  if (typeof input === 'string') {
    const text = input.trim();
    if (text.startsWith('{')) return parseKey(parseJwkText(text), expected);
    const found = classifyText(text);
    classified = found;
    format = `${found.encoding}-${found.wrapping}`;
  } else if (input instanceof Uint8Array) {
    classified = classifyDerOrExplain(input, `${input.length} bytes`);
    format = `${classified.encoding}-der`;
  } else if (typeof input === 'object' && input !== null && (input as RsaJsonWebKey).kty !== undefined) {
    const jwk = input as RsaJsonWebKey;
    if (jwk.kty !== 'RSA') throw keyError(`The JWK is of type ${typeof jwk.kty === 'string' ? JSON.stringify(jwk.kty) : kindOf(jwk.kty)}, not RSA.`, UNREADABLE_HINT);
    const type = jwk.d === undefined ? 'public' : 'private';
    checkRole(type, expected, 'jwk');
    let modulusLength: number;
    let spki: Uint8Array;
    try {
      const modulus = base64UrlInteger(jwk.n);
      modulusLength = modulusBits(modulus);
      spki = spkiOf(modulus, base64UrlInteger(jwk.e));
    } catch (cause) {
      throw keyError('The JWK\'s n and e are not base64url RSA numbers.', UNREADABLE_HINT, cause);
    }
    const key = new RsaKey({ type, format: 'jwk', modulusLength, spki, source: { jwk } });
    await key.cryptoKey({ signType: 'RSA2' });
    return key;
  } else {
    throw keyError(`Expected a key, got ${kindOf(input)}.`, UNREADABLE_HINT);
  }
  checkRole(classified.type, expected, format);
  const key = new RsaKey({ type: classified.type, format, modulusLength: classified.modulusLength, spki: classified.spki, source: { der: classified.der } });
  // Import now so a broken key fails at setup, not on the first request.
  await key.cryptoKey({ signType: 'RSA2' });
  return key;
}

function parseJwkText(text: string): RsaJsonWebKey {
  try {
    return JSON.parse(text) as RsaJsonWebKey;
  } catch (cause) {
    throw keyError('The key text starts with "{" but is not valid JSON (JWK).', UNREADABLE_HINT, cause);
  }
}

function checkRole(found: 'private' | 'public', expected: 'private' | 'public', format: string): void {
  if (found !== expected) {
    throw keyError(`Found a ${found} key (${format}) where a ${expected} key is needed.`, ROLE_HINT);
  }
}

// The modulus and exponent of an SPKI, without leading zero bytes: two encodings of one key compare equal.
function publicNumbers(spki: Uint8Array): string {
  const [, bitString] = readChildren(readSingle(spki));
  const [modulus, exponent] = readChildren(readSingle(bitString!.content.subarray(1)));
  const hex = (element: DerElement | undefined) => Array.from(element?.content ?? [], (byte) => byte.toString(16).padStart(2, '0')).join('').replace(/^(?:00)+/, '');
  return `${hex(modulus)}:${hex(exponent)}`;
}

/** @internal Whether two SPKI encodings hold the same RSA public key (the app's own key pasted in Alipay's slot). */
export function sameRsaPublicKey(a: Uint8Array, b: Uint8Array): boolean {
  try {
    return publicNumbers(a) === publicNumbers(b);
  } catch {
    return false;
  }
}

/**
 * Parses a private key in any supported format and imports it into WebCrypto once. Errors name the
 * format found and what to do; they never contain key material.
 *
 * @example
 * ```ts
 * const privateKey = await importPrivateKey({ key: '-----BEGIN RSA PRIVATE KEY-----\n…' });
 * const sign = await signContent({ content: 'a=1', privateKey });
 * ```
 */
export async function importPrivateKey(options: { key: PrivateKeyInput }): Promise<RsaKey<'private'>> {
  const { key } = requireOptions(options, 'importPrivateKey');
  return (await importKey(key, 'private')) as RsaKey<'private'>;
}

/**
 * Parses a public key (SPKI, PKCS#1, X.509 certificate, JWK, …) and imports it into WebCrypto once.
 *
 * @example
 * ```ts
 * const alipayPublicKey = await importPublicKey({ key: 'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA…' });
 * ```
 */
export async function importPublicKey(options: { key: PublicKeyInput }): Promise<RsaKey<'public'>> {
  const { key } = requireOptions(options, 'importPublicKey');
  return (await importKey(key, 'public')) as RsaKey<'public'>;
}

/**
 * The public key that belongs to a private key (from its modulus and exponent), e.g. to print the app
 * public key for the Alipay console or to check that a key pair matches.
 *
 * @example
 * ```ts
 * const publicKey = await derivePublicKey({ privateKey: process.env.ZHIMA_PRIVATE_KEY! });
 * console.log(toPem({ label: 'PUBLIC KEY', der: publicKey.spki! }));
 * ```
 */
export async function derivePublicKey(options: { privateKey: PrivateKeyInput }): Promise<RsaKey<'public'>> {
  const { privateKey } = requireOptions(options, 'derivePublicKey');
  const key = await importPrivateKey({ key: privateKey });
  if (key.spki === undefined) {
    throw keyError('A CryptoKey does not reveal its public half here.', 'Pass the private key as PEM, base64, DER or JWK, or give the public key separately.');
  }
  return importPublicKey({ key: key.spki });
}
