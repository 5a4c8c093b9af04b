// Certificate mode (公钥证书模式) as the client and verifyResponse use it: the SNs a request carries and
// the keys answers are verified with. Loaded on first use, so public-key users never load X.509 code.
import { importPublicKey, type RsaKey } from '../crypto/keys.js';
import { ZhimaError } from '../errors/zhima-error.js';
import type { ResponseKeyResolver, ResponseKeys, UnknownCertificateHandler } from '../response/verify-response.js';
import { readCertificates, type CertificateInput } from './certificate-sn.js';

export { getCertificateSn, getRootCertificateSn } from './certificate-sn.js';

/** @internal Keys from Alipay public-key certificates, matching `alipay_cert_sn`; each imported once. */
export function certificateResponseKeys({ certificates, onUnknown }: { certificates: CertificateInput | CertificateInput[]; onUnknown?: UnknownCertificateHandler | undefined }): ResponseKeys {
  const all = (Array.isArray(certificates) ? certificates : [certificates]).flatMap((input) => readCertificates({ certificates: input }));
  const bySn = new Map(all.map((fields) => [fields.sn, fields] as const));
  const imported = new Map<string, Promise<RsaKey<'public'>>>();
  const resolve: ResponseKeyResolver = async (certSn, answer) => {
    const sn = certSn ?? (bySn.size === 1 ? [...bySn.keys()][0]! : undefined);
    const match = sn === undefined ? undefined : bySn.get(sn);
    if (match === undefined && certSn !== undefined && onUnknown !== undefined) return onUnknown(certSn, answer);
    if (sn === undefined || match === undefined) {
      throw new ZhimaError({
        code: 'CERTIFICATE_INVALID',
        message: certSn === undefined ? 'The response has no alipay_cert_sn, and more than one Alipay certificate is configured.' : `No configured Alipay certificate has SN ${certSn}.`,
        hint: '支付宝公钥证书可能已更新，请从开放平台下载新的 alipayCertPublicKey_RSA2.crt / Alipay may have rotated its certificate: download the new alipayCertPublicKey_RSA2.crt from the console.',
        option: 'certificates.alipayCertificate',
      });
    }
    let key = imported.get(sn);
    if (key === undefined) {
      key = importPublicKey({ key: match.subjectPublicKeyInfo });
      imported.set(sn, key);
    }
    return key;
  };
  return { resolve, spkis: async () => all.map((fields) => fields.subjectPublicKeyInfo) };
}

