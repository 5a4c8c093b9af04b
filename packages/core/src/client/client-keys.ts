import type { CertificateInput } from '../certificates/certificate-sn.js';
import { ROLE_HINT, importPrivateKey, sameRsaPublicKey, type PrivateKeyInput, type PublicKeyInput, type RsaKey } from '../crypto/keys.js';
import { ZhimaError } from '../errors/zhima-error.js';
import { publicKeyResponseKeys, type ResponseKeyResolver, type ResponseKeys, type UnknownCertificateHandler } from '../response/verify-response.js';

/** @internal A client's keys, each parsed once, on first use. */
export interface ClientKeys {
  /** The app private key (应用私钥), for signing. */
  privateKey(): Promise<RsaKey<'private'>>;
  /**
   * The resolver for answer keys, after checking that the Alipay keys are not certainly wrong: not a
   * private key, not the app's own public key. Awaited before the first request is sent.
   */
  checkedResponseKeys(): Promise<ResponseKeyResolver>;
  /** Certificate mode: the SNs every request carries; `undefined` in public-key mode. */
  certificateSns(): Promise<{ appCertSn: string; alipayRootCertSn: string } | undefined>;
}

/** @internal Certificate mode's inputs, as the client keys take them. */
export interface CertificateKeysConfig {
  appCertificate: CertificateInput;
  alipayRootCertificate: CertificateInput;
  alipayCertificate: CertificateInput | CertificateInput[];
  onUnknownCertificate?: UnknownCertificateHandler | undefined;
}

// Names the config field in every key error, so "which key goes where" is never a guess.
async function inSlot<T>(slot: string, parse: () => T | Promise<T>): Promise<T> {
  try {
    return await parse();
  } catch (cause) {
    if (!ZhimaError.isInstance(cause) || (cause.code !== 'KEY_INVALID' && cause.code !== 'CERTIFICATE_INVALID')) throw cause;
    throw new ZhimaError({ code: cause.code, message: `${slot}: ${cause.message} Nothing was sent.`, hint: cause.hint, option: slot, cause });
  }
}

/**
 * @internal Parses the client's keys and certificates lazily (a client can be created before its
 * secrets are readable; certificate code is loaded only in certificate mode) and refuses, before any
 * upload, the Alipay keys that are certainly wrong. An app key that hides its public half (a
 * non-extractable `CryptoKey`) cannot be compared and is not.
 */
export function lazyClientKeys(config: { privateKey: PrivateKeyInput } & ({ alipayPublicKey: PublicKeyInput; certificates?: undefined } | { certificates: CertificateKeysConfig; alipayPublicKey?: undefined })): ClientKeys {
  const { certificates } = config;
  const slot = certificates ? 'certificates.alipayCertificate' : 'alipayPublicKey';
  const certificateCode = () => import('../certificates/certificate-keys.js');
  let responseKeys: Promise<ResponseKeys> | undefined;
  const alipayKeys = () =>
    (responseKeys ??= certificates
      ? inSlot(slot, async () => (await certificateCode()).certificateResponseKeys({ certificates: certificates.alipayCertificate, onUnknown: certificates.onUnknownCertificate }))
      : Promise.resolve(publicKeyResponseKeys({ publicKey: config.alipayPublicKey! })));
  let privateKey: Promise<RsaKey<'private'>> | undefined;
  let checked: Promise<ResponseKeyResolver> | undefined;
  let sns: ReturnType<ClientKeys['certificateSns']> | undefined;
  const keys: ClientKeys = {
    privateKey: () => (privateKey ??= inSlot('privateKey', () => importPrivateKey({ key: config.privateKey }))),
    checkedResponseKeys: () =>
      (checked ??= (async () => {
        const own = (await keys.privateKey()).spki;
        const found = await alipayKeys();
        const alipay = await inSlot(slot, () => found.spkis());
        if (own !== undefined && alipay.some((spki) => spki !== undefined && sameRsaPublicKey(spki, own))) throw ownKeyError(certificates !== undefined);
        return found.resolve;
      })()),
    certificateSns: () =>
      (sns ??= certificates
        ? (async () => {
            const { getCertificateSn, getRootCertificateSn } = await certificateCode();
            return {
              appCertSn: await inSlot('certificates.appCertificate', () => getCertificateSn({ certificate: certificates.appCertificate })),
              alipayRootCertSn: await inSlot('certificates.alipayRootCertificate', () => getRootCertificateSn({ certificates: certificates.alipayRootCertificate })),
            };
          })()
        : Promise.resolve(undefined)),
  };
  return keys;
}

function ownKeyError(certificateMode: boolean): ZhimaError {
  return certificateMode
    ? new ZhimaError({
        code: 'CERTIFICATE_INVALID',
        message: "certificates.alipayCertificate holds your app's own certificate (its key is the public half of privateKey), not Alipay's. Nothing was sent.",
        hint: 'alipayCertificate 须为支付宝公钥证书 alipayCertPublicKey_RSA2.crt，appCertificate 才是应用公钥证书 appCertPublicKey_<appId>.crt / alipayCertificate takes the Alipay public-key certificate (alipayCertPublicKey_RSA2.crt); your app certificate (appCertPublicKey_<appId>.crt) goes in appCertificate.',
        option: 'certificates.alipayCertificate',
      })
    : new ZhimaError({
        code: 'KEY_INVALID',
        message: 'alipayPublicKey is the public half of privateKey: that is your app public key (应用公钥), not the Alipay public key (支付宝公钥). Nothing was sent.',
        hint: ROLE_HINT,
        option: 'alipayPublicKey',
      });
}
