// A DER writer for the few ASN.1 types an X.509 certificate needs. Writing only: reading certificates
// is @zhima/core's job.

import { concatBytes } from '../bytes.js';

const encoder = new TextEncoder();

function lengthBytes(length: number): Uint8Array {
  if (length < 0x80) return Uint8Array.of(length);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

/**
 * One DER element: tag, definite length, then the contents in order.
 *
 * @example
 * ```ts
 * tlv(0x04, Uint8Array.of(1, 2)); // OCTET STRING 0102 → 04 02 01 02
 * ```
 */
export function tlv(tag: number, ...contents: readonly Uint8Array[]): Uint8Array {
  const body = concatBytes(contents);
  return concatBytes([Uint8Array.of(tag), lengthBytes(body.length), body]);
}

/**
 * `SEQUENCE { … }`.
 *
 * @example
 * ```ts
 * sequence(integer(1n), nullValue());
 * ```
 */
export const sequence = (...items: readonly Uint8Array[]): Uint8Array => tlv(0x30, ...items);

/**
 * `SET { … }` (a Name's relative distinguished names are one-element sets).
 *
 * @example
 * ```ts
 * set(sequence(objectIdentifier('2.5.4.3'), utf8String('Sandbox')));
 * ```
 */
export const set = (...items: readonly Uint8Array[]): Uint8Array => tlv(0x31, ...items);

/**
 * A context-specific constructed tag around its contents, as `[n] EXPLICIT`.
 *
 * @example
 * ```ts
 * explicit(0, integer(2n)); // the v3 version field of a TBSCertificate
 * ```
 */
export const explicit = (n: number, ...items: readonly Uint8Array[]): Uint8Array => tlv(0xa0 + n, ...items);

/**
 * `INTEGER`, minimal two's complement of a non-negative value.
 *
 * @example
 * ```ts
 * integer(128n); // 02 02 00 80
 * ```
 */
export function integer(value: bigint): Uint8Array {
  let hex = value.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  // A leading byte with its top bit set would read as negative: prefix a zero byte.
  if (Number.parseInt(hex.slice(0, 2), 16) >= 0x80) hex = `00${hex}`;
  return tlv(0x02, Uint8Array.from(hex.match(/../g)!, (pair) => Number.parseInt(pair, 16)));
}

/**
 * `OBJECT IDENTIFIER` from its dotted form.
 *
 * @example
 * ```ts
 * objectIdentifier('1.2.840.113549.1.1.11'); // sha256WithRSAEncryption
 * ```
 */
export function objectIdentifier(dotted: string): Uint8Array {
  const [first, second, ...rest] = dotted.split('.').map(Number) as [number, number, ...number[]];
  const bytes: number[] = [first * 40 + second];
  for (const arc of rest) {
    const groups: number[] = [arc % 128];
    for (let value = Math.floor(arc / 128); value > 0; value = Math.floor(value / 128)) groups.unshift(0x80 | value % 128);
    bytes.push(...groups);
  }
  return tlv(0x06, Uint8Array.from(bytes));
}

/**
 * `NULL` (the parameters of an RSA algorithm identifier).
 *
 * @example
 * ```ts
 * sequence(objectIdentifier('1.2.840.113549.1.1.11'), nullValue());
 * ```
 */
export const nullValue = (): Uint8Array => Uint8Array.of(0x05, 0x00);

/**
 * `BOOLEAN`.
 *
 * @example
 * ```ts
 * boolean(true); // 01 01 ff
 * ```
 */
export const boolean = (value: boolean): Uint8Array => tlv(0x01, Uint8Array.of(value ? 0xff : 0x00));

/**
 * `UTF8String`.
 *
 * @example
 * ```ts
 * utf8String('蚂蚁');
 * ```
 */
export const utf8String = (text: string): Uint8Array => tlv(0x0c, encoder.encode(text));

/**
 * `PrintableString` (what country codes are written as).
 *
 * @example
 * ```ts
 * printableString('CN');
 * ```
 */
export const printableString = (text: string): Uint8Array => tlv(0x13, encoder.encode(text));

/**
 * `OCTET STRING`.
 *
 * @example
 * ```ts
 * octetString(sequence(boolean(true)));
 * ```
 */
export const octetString = (bytes: Uint8Array): Uint8Array => tlv(0x04, bytes);

/**
 * `BIT STRING` of whole bytes, or with `unusedBits` low bits of the last byte unused (key usage flags).
 *
 * @example
 * ```ts
 * bitString(signature);
 * bitString(Uint8Array.of(0x80), 7); // digitalSignature
 * ```
 */
export const bitString = (bytes: Uint8Array, unusedBits = 0): Uint8Array => tlv(0x03, Uint8Array.of(unusedBits), bytes);

const pad = (value: number, width = 2): string => String(value).padStart(width, '0');

/**
 * A certificate validity time as RFC 5280 asks: `UTCTime` through 2049, `GeneralizedTime` from 2050,
 * both in UTC to the second.
 *
 * @example
 * ```ts
 * time(new Date('2026-01-02T03:04:05Z')); // UTCTime 260102030405Z
 * ```
 */
export function time(date: Date): Uint8Array {
  const year = date.getUTCFullYear();
  const rest = `${pad(date.getUTCMonth() + 1)}${pad(date.getUTCDate())}${pad(date.getUTCHours())}${pad(date.getUTCMinutes())}${pad(date.getUTCSeconds())}Z`;
  return year < 2050 ? tlv(0x17, encoder.encode(`${pad(year % 100)}${rest}`)) : tlv(0x18, encoder.encode(`${pad(year, 4)}${rest}`));
}
