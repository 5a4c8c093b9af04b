import { DerError } from '../crypto/der.js';
import { md5Hex } from '../crypto/md5.js';
import { readPemBlocks } from '../crypto/pem.js';
import { ZhimaError } from '../errors/zhima-error.js';
import { formatRfc2253 } from './distinguished-name.js';
import { readCertificate, type CertificateFields } from './x509.js';

const RSA_SIGNATURE_OID_PREFIX = '1.2.840.113549.1.1';

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

/** @internal Every certificate in the input, parsed. */
export function readCertificates({ certificates }: { certificates: CertificateInput }): CertificateFields[] {
  const ders = typeof certificates === 'string' ? readPemBlocks(certificates).filter((block) => block.label === 'CERTIFICATE').map((block) => block.der) : [certificates];
  if (ders.length === 0) throw certificateError('No "BEGIN CERTIFICATE" block found.');
  try {
    return ders.map(readCertificate);
  } catch (cause) {
    if (cause instanceof DerError) throw certificateError(`A certificate could not be read (${cause.message}).`, cause);
    throw cause;
  }
}

/** @internal The gateway's SN of one parsed certificate. */
export function snOf(fields: CertificateFields): string {
  return md5Hex({ bytes: new TextEncoder().encode(formatRfc2253({ name: fields.issuer }) + fields.serialNumber.toString(10)) });
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
  return snOf(readCertificates({ certificates: certificate })[0]!);
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
  return rsa.map(snOf).join('_');
}
