import type { CertificateInput } from '../certificates/certificate-sn.js';
import { ROLE_HINT, importPrivateKey, sameRsaPublicKey, type PrivateKeyInput, type PublicKeyInput, type RsaKey } from '../crypto/keys.js';
import { ZhimaError } from '../errors/zhima-error.js';
import { certificateResponseKeys, publicKeyResponseKeys, type ResponseKeyResolver } from '../response/verify-response.js';

/** @internal A client's keys, each parsed once, on first use. */
export interface ClientKeys {
  /** The app private key (应用私钥), for signing. */
  privateKey(): Promise<RsaKey<'private'>>;
  /**
   * The resolver for answer keys, after checking that the Alipay keys are not certainly wrong: not a
   * private key, not the app's own public key. Awaited before the first request is sent.
   */
  checkedResponseKeys(): Promise<ResponseKeyResolver>;
}

// Names the config field in every key error, so "which key goes where" is never a guess.
async function inSlot<T>(slot: string, parse: () => Promise<T>): Promise<T> {
  try {
    return await parse();
  } catch (cause) {
    if (!ZhimaError.isInstance(cause) || (cause.code !== 'KEY_INVALID' && cause.code !== 'CERTIFICATE_INVALID')) throw cause;
    throw new ZhimaError({ code: cause.code, message: `${slot}: ${cause.message} Nothing was sent.`, hint: cause.hint, cause });
  }
}

/**
 * @internal Parses the client's keys lazily (a client can be created before its secrets are readable)
 * and refuses, before any upload, the Alipay keys that are certainly wrong. An app key that hides its
 * public half (a non-extractable `CryptoKey`) cannot be compared and is not.
 */
export function lazyClientKeys(config: { privateKey: PrivateKeyInput } & ({ alipayPublicKey: PublicKeyInput; alipayCertificate?: undefined } | { alipayCertificate: CertificateInput | CertificateInput[]; alipayPublicKey?: undefined })): ClientKeys {
  const certificateMode = config.alipayCertificate !== undefined;
  const slot = certificateMode ? 'certificates.alipayCertificate' : 'alipayPublicKey';
  // Certificates are read now, as before: their SNs are needed to build the first request anyway.
  const responseKeys = certificateMode ? certificateResponseKeys({ certificates: config.alipayCertificate }) : publicKeyResponseKeys({ publicKey: config.alipayPublicKey! });
  let privateKey: Promise<RsaKey<'private'>> | undefined;
  let checked: Promise<ResponseKeyResolver> | undefined;
  const keys: ClientKeys = {
    privateKey: () => (privateKey ??= inSlot('privateKey', () => importPrivateKey({ key: config.privateKey }))),
    checkedResponseKeys: () =>
      (checked ??= (async () => {
        const own = (await keys.privateKey()).spki;
        const alipay = await inSlot(slot, () => responseKeys.spkis());
        if (own !== undefined && alipay.some((spki) => spki !== undefined && sameRsaPublicKey(spki, own))) throw ownKeyError(certificateMode);
        return responseKeys.resolve;
      })()),
  };
  return keys;
}

function ownKeyError(certificateMode: boolean): ZhimaError {
  return certificateMode
    ? new ZhimaError({
        code: 'CERTIFICATE_INVALID',
        message: "certificates.alipayCertificate holds your app's own certificate (its key is the public half of privateKey), not Alipay's. Nothing was sent.",
        hint: 'alipayCertificate 须为支付宝公钥证书 alipayCertPublicKey_RSA2.crt，appCertificate 才是应用公钥证书 appCertPublicKey_<appId>.crt / alipayCertificate takes the Alipay public-key certificate (alipayCertPublicKey_RSA2.crt); your app certificate (appCertPublicKey_<appId>.crt) goes in appCertificate.',
      })
    : new ZhimaError({
        code: 'KEY_INVALID',
        message: 'alipayPublicKey is the public half of privateKey: that is your app public key (应用公钥), not the Alipay public key (支付宝公钥). Nothing was sent.',
        hint: ROLE_HINT,
      });
}
