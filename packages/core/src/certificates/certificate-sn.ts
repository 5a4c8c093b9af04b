import { md5Hex } from '../crypto/md5.js';
import { readPemBlocks } from '../crypto/pem.js';
import { kindOf } from '../errors/argument-checks.js';
import { ZhimaError } from '../errors/zhima-error.js';
import { formatRfc2253 } from './distinguished-name.js';
import { readCertificate, type CertificateFields } from './x509.js';

/** @internal The OID arc of RSA (PKCS#1) signature algorithms: the roots the gateway counts, and can be verified here. */
export const RSA_SIGNATURE_OID_PREFIX = '1.2.840.113549.1.1';

/**
 * One certificate (PEM text or DER bytes), or a PEM bundle for the Alipay root.
 *
 * @example
 * ```ts
 * const certificate: CertificateInput = readFileSync('appCertPublicKey.crt', 'utf8');
 * ```
 */
export type CertificateInput = string | Uint8Array;

function certificateError(message: string, cause?: unknown): ZhimaError<'CERTIFICATE_INVALID'> {
  return new ZhimaError({
    code: 'CERTIFICATE_INVALID',
    message,
    hint: '请使用开放平台下载的 .crt 证书文件原文 (PEM) / Use the .crt files downloaded from the Alipay console, as PEM text.',
    cause,
  });
}

/** @internal A parsed certificate, its DER and the SN the gateway knows it by. */
export type ReadCertificate = CertificateFields & { sn: string; der: Uint8Array };

// The SN's text is the issuer in RFC 2253 form followed by the decimal serial number.
function snOf(fields: CertificateFields): string {
  return md5Hex({ bytes: new TextEncoder().encode(formatRfc2253({ name: fields.issuer }) + fields.serialNumber.toString(10)) });
}

/**
 * @internal Every certificate in the input, parsed, with its SN. Whatever is wrong with the input —
 * not text or bytes, no certificate in it, bytes that are not one — is `CERTIFICATE_INVALID`.
 */
export function readCertificates({ certificates }: { certificates: CertificateInput }): ReadCertificate[] {
  if (typeof certificates !== 'string' && !(certificates instanceof Uint8Array)) {
    throw certificateError(`Expected a certificate as PEM text or DER bytes, got ${kindOf(certificates)}.`);
  }
  let ders: Uint8Array[];
  try {
    ders = typeof certificates === 'string' ? readPemBlocks(certificates).filter((block) => block.label === 'CERTIFICATE').map((block) => block.der) : [certificates];
  } catch (cause) {
    throw certificateError('A "BEGIN CERTIFICATE" block is not base64.', cause);
  }
  if (ders.length === 0) throw certificateError('No "BEGIN CERTIFICATE" block found.');
  return ders.map((der, index) => {
    try {
      const fields = readCertificate(der);
      return { ...fields, sn: snOf(fields), der };
    } catch (cause) {
      // A DER walk over hostile bytes fails in many ways (truncation, bad strings, impossible code
      // points): each one means the same thing here.
      const which = ders.length > 1 ? `Certificate ${index + 1} of ${ders.length}` : 'The certificate';
      throw certificateError(`${which} could not be read (${cause instanceof Error ? cause.message : String(cause)}).`, cause);
    }
  });
}

/**
 * The gateway's certificate SN (`app_cert_sn`, `alipay_cert_sn`): MD5 hex of the issuer DN in RFC 2253
 * form followed by the serial number in decimal. For a bundle, the first certificate counts.
 *
 * @example
 * ```ts
 * const appCertSn = getCertificateSn({ certificate: readFileSync('appCertPublicKey_2021000000000001.crt', 'utf8') });
 * ```
 */
export function getCertificateSn({ certificate }: { certificate: CertificateInput }): string {
  return readCertificates({ certificates: certificate })[0]!.sn;
}

/**
 * The gateway's `alipay_root_cert_sn`: the SN of every RSA-signed certificate in the Alipay root bundle
 * (others, such as SM2 roots, are skipped), joined with `_`.
 *
 * @example
 * ```ts
 * const rootSn = getRootCertificateSn({ certificates: readFileSync('alipayRootCert.crt', 'utf8') });
 * ```
 */
export function getRootCertificateSn({ certificates }: { certificates: CertificateInput }): string {
  const rsa = readCertificates({ certificates }).filter((fields) => fields.signatureAlgorithmOid.startsWith(RSA_SIGNATURE_OID_PREFIX));
  if (rsa.length === 0) throw certificateError('The root bundle holds no RSA-signed certificate.');
  return rsa.map((fields) => fields.sn).join('_');
}
