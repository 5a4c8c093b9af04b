import { DerError, TAG, decodeOid, decodeUnsignedInteger, readChildren, readSingle, type DerElement } from '../crypto/der.js';

/** The fields of an X.509 certificate the gateway protocol uses. */
export interface CertificateFields {
  serialNumber: bigint;
  /** The issuer Name element, for RFC 2253 formatting. */
  issuer: DerElement;
  /** SubjectPublicKeyInfo DER, ready for `crypto.subtle.importKey('spki', …)`. */
  subjectPublicKeyInfo: Uint8Array;
  signatureAlgorithmOid: string;
}

/** Reads a DER certificate. Throws `DerError` when the structure is not a certificate. */
export function readCertificate(der: Uint8Array): CertificateFields {
  const top = readSingle(der);
  const [tbs, signatureAlgorithm, signature] = readChildren(top);
  if (top.tag !== TAG.SEQUENCE || tbs?.tag !== TAG.SEQUENCE || signatureAlgorithm?.tag !== TAG.SEQUENCE || signature?.tag !== TAG.BIT_STRING) {
    throw new DerError('not an X.509 certificate');
  }
  const fields = readChildren(tbs);
  // [0] EXPLICIT version is optional (absent means v1).
  const start = fields[0]?.tag === 0xa0 ? 1 : 0;
  const serial = fields[start];
  const issuer = fields[start + 2];
  const spki = fields[start + 5];
  if (serial?.tag !== TAG.INTEGER || issuer?.tag !== TAG.SEQUENCE || spki?.tag !== TAG.SEQUENCE) {
    throw new DerError('not an X.509 certificate');
  }
  const oid = readChildren(signatureAlgorithm)[0];
  if (oid?.tag !== TAG.OID) throw new DerError('certificate has no signature algorithm');
  return {
    serialNumber: decodeUnsignedInteger(serial.content),
    issuer,
    subjectPublicKeyInfo: spki.raw,
    signatureAlgorithmOid: decodeOid(oid.content),
  };
}
