import { encodeText, type Charset } from '../encoding/charset.js';
import { bytesToBase64 } from '../encoding/base64.js';
import { argumentError, kindOf, requireOptions, requireText } from '../errors/argument-checks.js';
import { ZhimaError } from '../errors/zhima-error.js';
import { rsaSign, rsaVerify, signatureBytes } from '#rsa-engine';
import type { WebCryptoKey } from './web-crypto-types.js';
import { importPrivateKey, importPublicKey, type PrivateKeyInput, type PublicKeyInput, type RsaKey, type SignType } from './keys.js';

/**
 * What {@link signContent} signs, and with what.
 *
 * @example
 * ```ts
 * const options: SignContentOptions = { content: 'a=1&b=2', privateKey, signType: 'RSA2', charset: 'gbk' };
 * ```
 */
export interface SignContentOptions {
  /** The sign content (see the gateway's rule: sorted `k=v` pairs joined with `&`). */
  content: string;
  privateKey: PrivateKeyInput;
  /** Defaults to `RSA2`. */
  signType?: SignType;
  /** The request charset: the content is signed as these bytes. Defaults to `utf-8`. */
  charset?: Charset | string;
}

/** @internal `RSA2` or `RSA`, else `PARAM_INVALID`. */
export function checkSignType(signType: unknown): SignType {
  if (signType !== 'RSA2' && signType !== 'RSA') {
    throw new ZhimaError({ code: 'PARAM_INVALID', message: `Unknown sign type ${typeof signType === 'string' ? JSON.stringify(signType) : kindOf(signType)}.`, hint: 'Use RSA2 (SHA256withRSA) or RSA (SHA1withRSA).' });
  }
  return signType;
}

/**
 * Signs the sign content as the gateway checks it: the text's bytes in the request charset (GBK bytes
 * for `gbk`), RSA PKCS#1 v1.5 over SHA-256 (`RSA2`) or SHA-1 (`RSA`), standard base64. The inverse of
 * {@link verifySignature}, and shaped like it.
 *
 * @example
 * ```ts
 * const sign = await signContent({ content: 'app_id=2021000000000001&method=zhima.data.batch.feedback', privateKey, signType: 'RSA2', charset: 'utf-8' });
 * ```
 */
export async function signContent(options: SignContentOptions): Promise<string> {
  const { content, privateKey, signType = 'RSA2', charset = 'utf-8' } = requireOptions(options, 'signContent');
  const type = checkSignType(signType);
  const key = await importPrivateKey({ key: privateKey });
  const signature = await rsaSign(await key.cryptoKey({ signType: type }), encodeText({ text: requireText(content, 'content'), charset }));
  return bytesToBase64({ bytes: signature });
}

/**
 * Options of {@link verifySignature}.
 *
 * @example
 * ```ts
 * const options: VerifySignatureOptions = { content: 'a=1', signature, publicKey };
 * ```
 */
export interface VerifySignatureOptions {
  content: string | Uint8Array;
  /** Standard base64. */
  signature: string;
  publicKey: PublicKeyInput;
  signType?: SignType;
  charset?: Charset | string;
}

/**
 * Checks a base64 RSA signature over text (encoded in `charset`) or bytes. Resolves `false` for a wrong
 * or malformed signature; rejects only for a bad key or sign type.
 *
 * @example
 * ```ts
 * await verifySignature({ content: 'a=1', signature: sign, publicKey: appPublicKey }); // true
 * ```
 */
export async function verifySignature(options: VerifySignatureOptions): Promise<boolean> {
  const { content, signature, publicKey, signType = 'RSA2', charset = 'utf-8' } = requireOptions(options, 'verifySignature');
  const type = checkSignType(signType);
  if (typeof content !== 'string' && !(content instanceof Uint8Array)) throw argumentError({ name: 'content', expected: 'a string or bytes', value: content });
  const key = await importPublicKey({ key: publicKey });
  const signatureText = requireText(signature, 'signature');
  const data = typeof content === 'string' ? encodeText({ text: content, charset }) : content;
  return verifyWithKey({ data, signature: signatureBytes(signatureText), publicKey: key, signType: type });
}

/**
 * @internal {@link verifySignature} for a caller that already holds the parsed key, the checked sign
 * type and the decoded bytes (response verification, on every answer): no argument checks.
 */
export function verifyWithKey({ data, signature, publicKey, signType }: { data: Uint8Array | string; signature: Uint8Array; publicKey: RsaKey<'public'>; signType: SignType }): boolean | Promise<boolean> {
  // The imported CryptoKey once known, so a verification costs no extra wait on the key's promise
  // (the key keeps one promise per sign type, so the promise finds it).
  const importing = publicKey.cryptoKey({ signType });
  const ready = importedKeys.get(importing);
  if (ready) return rsaVerify(ready, signature, data);
  return importing.then((cryptoKey) => {
    importedKeys.set(importing, cryptoKey);
    return rsaVerify(cryptoKey, signature, data);
  });
}

const importedKeys = new WeakMap<Promise<WebCryptoKey>, WebCryptoKey>();
