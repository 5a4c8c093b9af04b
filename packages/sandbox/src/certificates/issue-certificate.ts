import { generateKeyPair } from '@zhima/core';
import { base64ToBytes, toPem, type GeneratedKeyPair } from '@zhima/core/internal';
import { bitString, boolean, explicit, integer, nullValue, objectIdentifier, octetString, printableString, sequence, set, time, utf8String } from './der-writer.js';

/**
 * An X.500 name as attribute/value pairs from the most general (`C`) to the most specific (`CN`), the
 * order they are encoded in (RFC 2253 text lists them reversed: `CN=…,OU=…,O=…,C=CN`).
 *
 * @example
 * ```ts
 * const name: DistinguishedName = [['C', 'CN'], ['O', 'Ant Financial'], ['CN', 'Alipay Root']];
 * ```
 */
export type DistinguishedName = readonly (readonly ['C' | 'O' | 'OU' | 'CN', string])[];

const ATTRIBUTE_OIDS = { C: '2.5.4.6', O: '2.5.4.10', OU: '2.5.4.11', CN: '2.5.4.3' } as const;
const SHA256_WITH_RSA = sequence(objectIdentifier('1.2.840.113549.1.1.11'), nullValue());
const RSA_PKCS1_SHA256 = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;

function encodeName(name: DistinguishedName): Uint8Array {
  // Country codes are PrintableString (RFC 5280); everything else UTF8String, so Chinese names work.
  return sequence(...name.map(([attribute, value]) => set(sequence(objectIdentifier(ATTRIBUTE_OIDS[attribute]), attribute === 'C' ? printableString(value) : utf8String(value)))));
}

/**
 * A key pair the sandbox made: its PEM forms (from `@zhima/core`'s `generateKeyPair`), its SPKI bytes
 * and a WebCrypto key that signs certificates with it.
 *
 * @example
 * ```ts
 * const { pair, spki, signingKey } = await newKeyPair();
 * ```
 */
export interface SandboxKeyPair {
  pair: GeneratedKeyPair;
  spki: Uint8Array;
  signingKey: CryptoKey;
}

/**
 * A fresh RSA-2048 key pair that can sign certificates.
 *
 * @example
 * ```ts
 * const keys = await newKeyPair();
 * keys.pair.privateKeyPkcs8Pem; // '-----BEGIN PRIVATE KEY-----…'
 * ```
 */
export async function newKeyPair(): Promise<SandboxKeyPair> {
  const pair = await generateKeyPair();
  const signingKey = await crypto.subtle.importKey('pkcs8', base64ToBytes({ text: pair.privateKeyPkcs8Base64 }) as Uint8Array<ArrayBuffer>, RSA_PKCS1_SHA256, false, ['sign']);
  return { pair, spki: base64ToBytes({ text: pair.publicKeyBase64 }), signingKey };
}

/**
 * Who signs a certificate: the issuer's name (copied into the certificate's issuer field) and key.
 *
 * @example
 * ```ts
 * const issuer: CertificateIssuer = { name: rootName, signingKey: rootKeys.signingKey };
 * ```
 */
export interface CertificateIssuer {
  name: DistinguishedName;
  signingKey: CryptoKey;
}

/**
 * What to certify. `authority: true` makes a CA certificate (basicConstraints CA, keyCertSign).
 *
 * @example
 * ```ts
 * const request: CertificateRequest = { subject, subjectPublicKey: keys.spki, issuer, notBefore, notAfter, authority: false };
 * ```
 */
export interface CertificateRequest {
  subject: DistinguishedName;
  /** SubjectPublicKeyInfo DER of the key being certified. */
  subjectPublicKey: Uint8Array;
  issuer: CertificateIssuer;
  notBefore: Date;
  notAfter: Date;
  authority: boolean;
  /** Defaults to 63 random bits. */
  serialNumber?: bigint;
}

function randomSerial(): bigint {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  // Positive (top bit clear) and never zero, as RFC 5280 asks of serial numbers.
  bytes[0] = (bytes[0]! & 0x7f) | 0x01;
  return BigInt(`0x${Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')}`);
}

/**
 * Issues an X.509 v3 certificate signed with SHA256withRSA by `issuer`, as PEM. WebCrypto only, so it
 * runs wherever the sandbox runs. The extensions are the two a chain check reads: basicConstraints
 * (critical) and keyUsage.
 *
 * @example
 * ```ts
 * const pem = await issueCertificate({ subject, subjectPublicKey: keys.spki, issuer: root, notBefore, notAfter, authority: false });
 * ```
 */
export async function issueCertificate(request: CertificateRequest): Promise<string> {
  const { subject, subjectPublicKey, issuer, notBefore, notAfter, authority, serialNumber = randomSerial() } = request;
  const basicConstraints = sequence(objectIdentifier('2.5.29.19'), boolean(true), octetString(authority ? sequence(boolean(true)) : sequence()));
  // keyCertSign + cRLSign (bits 5 and 6) for a CA; digitalSignature (bit 0) for a signing key.
  const keyUsage = sequence(objectIdentifier('2.5.29.15'), boolean(true), octetString(authority ? bitString(Uint8Array.of(0x06), 1) : bitString(Uint8Array.of(0x80), 7)));
  const tbs = sequence(
    explicit(0, integer(2n)),
    integer(serialNumber),
    SHA256_WITH_RSA,
    encodeName(issuer.name),
    sequence(time(notBefore), time(notAfter)),
    encodeName(subject),
    subjectPublicKey,
    explicit(3, sequence(basicConstraints, keyUsage)),
  );
  const signature = new Uint8Array(await crypto.subtle.sign(RSA_PKCS1_SHA256, issuer.signingKey, tbs as Uint8Array<ArrayBuffer>));
  return toPem({ label: 'CERTIFICATE', der: sequence(tbs, SHA256_WITH_RSA, bitString(signature)) });
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The validity the sandbox gives the certificates it makes: from a day before `now` (clocks differ) for
 * `years` years.
 *
 * @example
 * ```ts
 * validityFrom({ now: new Date('2026-03-04T00:00:00Z'), years: 2 }); // { notBefore: 2026-03-03…, notAfter: 2028-03-03… }
 * ```
 */
export function validityFrom({ now, years }: { now: Date; years: number }): { notBefore: Date; notAfter: Date } {
  return { notBefore: new Date(now.getTime() - DAY_MS), notAfter: new Date(now.getTime() + years * 365 * DAY_MS) };
}
