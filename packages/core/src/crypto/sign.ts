import { encodeText, type Charset } from '../encoding/charset.js';
import { base64ToBytes, bytesToBase64 } from '../encoding/base64.js';
import { ZhimaError } from '../errors/zhima-error.js';
import { rsaSign, rsaVerify } from '#rsa-engine';
import { RsaKey, importPrivateKey, importPublicKey, type PrivateKeyInput, type PublicKeyInput, type SignType } from './keys.js';

/**
 * Options of {@link signContent}.
 *
 * @example
 * ```ts
 * const options: SignOptions = { privateKey, signType: 'RSA2', charset: 'gbk' };
 * ```
 */
export interface SignOptions {
  privateKey: PrivateKeyInput;
  /** Defaults to `RSA2`. */
  signType?: SignType;
  /** The request charset: the content is signed as these bytes. Defaults to `utf-8`. */
  charset?: Charset | string;
}

function checkSignType(signType: string): SignType {
  if (signType !== 'RSA2' && signType !== 'RSA') {
    throw new ZhimaError({ code: 'PARAM_INVALID', message: `Unknown sign type "${signType}".`, hint: 'Use RSA2 (SHA256withRSA) or RSA (SHA1withRSA).' });
  }
  return signType;
}

/**
 * Signs the sign content as the gateway checks it: the text's bytes in the request charset (GBK bytes
 * for `gbk`), RSA PKCS#1 v1.5 over SHA-256 (`RSA2`) or SHA-1 (`RSA`), standard base64.
 *
 * @example
 * ```ts
 * const sign = await signContent(buildSignContent(params), { privateKey, signType: 'RSA2', charset: 'utf-8' });
 * ```
 */
export async function signContent(content: string, { privateKey, signType = 'RSA2', charset = 'utf-8' }: SignOptions): Promise<string> {
  const type = checkSignType(signType);
  const key = privateKey instanceof RsaKey ? privateKey : await importPrivateKey({ key: privateKey });
  const signature = await rsaSign(await key.cryptoKey({ signType: type }), encodeText({ text: content, charset }));
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
export async function verifySignature({ content, signature, publicKey, signType = 'RSA2', charset = 'utf-8' }: VerifySignatureOptions): Promise<boolean> {
  const type = checkSignType(signType);
  const key = publicKey instanceof RsaKey ? publicKey : await importPublicKey({ key: publicKey });
  let signatureBytes: Uint8Array;
  try {
    signatureBytes = base64ToBytes({ text: signature });
  } catch {
    return false;
  }
  const data = typeof content === 'string' ? encodeText({ text: content, charset }) : content;
  return rsaVerify(await key.cryptoKey({ signType: type }), signatureBytes, data);
}
