// Whether a downloaded Alipay certificate may be trusted: it chains, by RSA signatures checked with
// WebCrypto, through CA certificates it came with to a certificate of the configured Alipay root
// bundle (whose SM2 certificates are skipped), every certificate on the way is within its validity
// dates, and it is not the app's own certificate. Reached only through the lazily loaded rotation.
import { TAG, decodeOid, readChildren, readSingle, type DerElement } from '../crypto/der.js';
import { importPublicKey, sameRsaPublicKey, type RsaKey } from '../crypto/keys.js';
import { ZhimaError } from '../errors/zhima-error.js';
import { RSA_SIGNATURE_OID_PREFIX, readCertificates, type CertificateInput, type ReadCertificate } from './certificate-sn.js';
import { formatRfc2253 } from './distinguished-name.js';

const HASH_OF_SIGNATURE: Readonly<Record<string, string>> = {
  '1.2.840.113549.1.1.5': 'SHA-1',
  '1.2.840.113549.1.1.11': 'SHA-256',
  '1.2.840.113549.1.1.12': 'SHA-384',
  '1.2.840.113549.1.1.13': 'SHA-512',
};
const RSA_ENCRYPTION_OID = '1.2.840.113549.1.1.1';
const BASIC_CONSTRAINTS_OID = '2.5.29.19';
const MAX_CHAIN = 5;

const UNTRUSTED_HINT =
  '轮换后的支付宝公钥证书未通过校验，未被信任：请从开放平台下载最新的 alipayRootCert.crt 与 alipayCertPublicKey_RSA2.crt，并确认网关应答未被代理篡改 / ' +
  'The certificate Alipay rotated to did not pass the check and is not trusted: download the current alipayRootCert.crt and alipayCertPublicKey_RSA2.crt from the console, and check that no proxy alters the gateway\'s answers.';

function untrusted(message: string, cause?: unknown): ZhimaError<'CERTIFICATE_INVALID'> {
  return new ZhimaError({ code: 'CERTIFICATE_INVALID', message, hint: UNTRUSTED_HINT, option: 'certificates.alipayRootCertificate', cause });
}

/** A certificate with what a chain check reads of it. */
interface ChainCertificate {
  sn: string;
  subject: string;
  issuer: string;
  tbs: Uint8Array;
  signatureAlgorithmOid: string;
  signature: Uint8Array;
  notBefore: Date;
  notAfter: Date;
  isCa: boolean;
  spki: Uint8Array;
}

// UTCTime (YYMMDDHHMMSSZ, 1950–2049) or GeneralizedTime (YYYYMMDDHHMMSSZ), as DER writes them.
function readTime(element: DerElement | undefined): Date {
  const text = String.fromCharCode(...(element?.content ?? []));
  const match = element?.tag === 0x17 ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text) : element?.tag === 0x18 ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text) : null;
  if (match === null) throw new Error(`unreadable validity time ${JSON.stringify(text)}`);
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [number, number, number, number, number, number];
  const fullYear = element!.tag === 0x17 ? (year >= 50 ? 1900 + year : 2000 + year) : year;
  return new Date(Date.UTC(fullYear, month - 1, day, hour, minute, second));
}

// basicConstraints cA: only a CA certificate may issue the next one down.
function isCaCertificate(extensions: DerElement | undefined): boolean {
  if (extensions?.tag !== 0xa3) return false;
  for (const extension of readChildren(readChildren(extensions)[0]!)) {
    const [id, ...rest] = readChildren(extension);
    if (id?.tag !== TAG.OID || decodeOid(id.content) !== BASIC_CONSTRAINTS_OID) continue;
    const value = rest.at(-1);
    if (value?.tag !== TAG.OCTET_STRING) return false;
    const [ca] = readChildren(readSingle(value.content));
    return ca?.tag === 0x01 && ca.content[0] !== 0;
  }
  return false;
}

function chainFields(certificate: ReadCertificate): ChainCertificate {
  try {
    const [tbs, algorithm, signature] = readChildren(readSingle(certificate.der));
    const fields = readChildren(tbs!);
    const at = fields[0]?.tag === 0xa0 ? 1 : 0;
    // TBSCertificate: [version], serialNumber, signature, issuer, validity, subject, subjectPublicKeyInfo, …
    const [issuer, validity, subject] = [fields[at + 2]!, fields[at + 3]!, fields[at + 4]!];
    const [notBefore, notAfter] = readChildren(validity);
    return {
      sn: certificate.sn,
      subject: formatRfc2253({ name: subject }),
      issuer: formatRfc2253({ name: issuer }),
      tbs: tbs!.raw,
      signatureAlgorithmOid: decodeOid(readChildren(algorithm!)[0]!.content),
      signature: signature!.content.subarray(1),
      notBefore: readTime(notBefore),
      notAfter: readTime(notAfter),
      isCa: isCaCertificate(fields.find((field) => field.tag === 0xa3)),
      spki: certificate.subjectPublicKeyInfo,
    };
  } catch (cause) {
    throw untrusted(`A certificate (SN ${certificate.sn}) could not be read for its chain (${cause instanceof Error ? cause.message : String(cause)}).`, cause);
  }
}

function hasRsaKey(spki: Uint8Array): boolean {
  try {
    const [algorithm] = readChildren(readSingle(spki));
    return decodeOid(readChildren(algorithm!)[0]!.content) === RSA_ENCRYPTION_OID;
  } catch {
    return false;
  }
}

// RSA PKCS#1 v1.5 over the TBS bytes, checked by WebCrypto with the issuer's key.
async function signedBy(child: ChainCertificate, issuerSpki: Uint8Array): Promise<boolean> {
  const hash = HASH_OF_SIGNATURE[child.signatureAlgorithmOid];
  if (hash === undefined || !hasRsaKey(issuerSpki)) return false;
  try {
    const algorithm = { name: 'RSASSA-PKCS1-v1_5', hash };
    const key = await crypto.subtle.importKey('spki', issuerSpki as Uint8Array<ArrayBuffer>, algorithm, false, ['verify']);
    return await crypto.subtle.verify(algorithm, key, child.signature as Uint8Array<ArrayBuffer>, child.tbs as Uint8Array<ArrayBuffer>);
  } catch {
    return false;
  }
}

const day = (date: Date): string => date.toISOString().slice(0, 19).replace('T', ' ') + ' UTC';

/**
 * @internal The key of the certificate with SN `sn` in `pem` (the downloaded `alipay_cert_content`, the
 * leaf with any intermediate CAs), once it is proven to chain to an RSA certificate of `roots` — each
 * link an RSA signature checked with WebCrypto, each issuer below the root a CA — with every
 * certificate on the way valid at `now`, and not the app's own key (`ownSpki`). `CERTIFICATE_INVALID`
 * (with a hint) for anything else: such a certificate is never trusted.
 */
export async function trustCertificate({ pem, sn, roots, now, ownSpki }: { pem: string; sn: string; roots: CertificateInput; now: Date; ownSpki?: Uint8Array | undefined }): Promise<RsaKey<'public'>> {
  const offered = readCertificates({ certificates: pem }).map(chainFields);
  const leaf = offered.find((certificate) => certificate.sn === sn);
  if (leaf === undefined) throw untrusted(`The downloaded certificate content holds no certificate with SN ${sn} (it holds ${offered.map((certificate) => certificate.sn).join(', ')}).`);
  const anchors = readCertificates({ certificates: roots })
    .filter((root) => root.signatureAlgorithmOid.startsWith(RSA_SIGNATURE_OID_PREFIX))
    .map(chainFields);
  const path = [leaf];
  for (let current = leaf; ; ) {
    let anchored = false;
    for (const anchor of anchors) if (anchor.subject === current.issuer && (await signedBy(current, anchor.spki))) anchored = true;
    if (anchored) break;
    let issuer: ChainCertificate | undefined;
    for (const candidate of offered) {
      if (!path.includes(candidate) && candidate.isCa && candidate.subject === current.issuer && (await signedBy(current, candidate.spki))) issuer = candidate;
    }
    if (issuer === undefined || path.length >= MAX_CHAIN) {
      throw untrusted(`The Alipay certificate with SN ${sn} (issued by ${leaf.issuer}) does not chain to the configured Alipay root certificate: it is not trusted.`);
    }
    path.push(issuer);
    current = issuer;
  }
  for (const certificate of path) {
    if (now < certificate.notBefore) throw untrusted(`The certificate with SN ${certificate.sn} is not valid before ${day(certificate.notBefore)} (now ${day(now)}).`);
    if (now > certificate.notAfter) throw untrusted(`The certificate with SN ${certificate.sn} expired on ${day(certificate.notAfter)} (now ${day(now)}).`);
  }
  if (ownSpki !== undefined && sameRsaPublicKey(leaf.spki, ownSpki)) throw untrusted(`The certificate with SN ${sn} holds your app's own public key, not Alipay's: it is not trusted.`);
  try {
    return await importPublicKey({ key: leaf.spki });
  } catch (cause) {
    throw untrusted(`The Alipay certificate with SN ${sn} holds no usable RSA key.`, cause);
  }
}
