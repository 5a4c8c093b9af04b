import { isGbkTrail, type FileCharset } from './charset-bytes.js';
import { skipJsonWhitespace } from './json-whitespace.js';

/**
 * Why a byte range is not strict JSON (RFC 8259, plus I-JSON's ban on unpaired surrogates).
 *
 * @example
 * ```ts
 * const reason: JsonSyntaxReason = 'trailing-comma';
 * ```
 */
export type JsonSyntaxReason =
  | 'end-of-input'
  | 'unexpected-character'
  | 'trailing-comma'
  | 'control-character'
  | 'bad-escape'
  | 'lone-surrogate'
  | 'bad-number'
  | 'bad-literal';

/**
 * The first syntax error in a byte range: where it is (absolute index into the bytes) and why.
 *
 * @example
 * ```ts
 * const found: JsonSyntaxError = { offset: 7, reason: 'trailing-comma' };
 * ```
 */
export interface JsonSyntaxError {
  offset: number;
  reason: JsonSyntaxReason;
}

/**
 * A key of the outermost object, with the offset of its opening quote.
 *
 * @example
 * ```ts
 * const key: ObjectKey = { name: 'order_no', offset: 1 };
 * ```
 */
export interface ObjectKey {
  name: string;
  offset: number;
}

class Failure {
  constructor(readonly error: JsonSyntaxError) {}
}

const OBJECT = 1;
const ARRAY = 2;
const keyDecoder = new TextDecoder('utf-8');
const gbkKeyDecoder = (): TextDecoder => new TextDecoder('gbk');

function isDigit(byte: number | undefined): boolean {
  return byte !== undefined && byte >= 0x30 && byte <= 0x39;
}

function hexValue(byte: number | undefined): number {
  if (byte === undefined) return -1;
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  const lower = byte | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x57 : -1;
}

/**
 * Finds the first strict-JSON syntax error in `bytes[start, end)`, which must hold exactly one value
 * (surrounding whitespace allowed). Slow but exact: the validator runs it only where `JSON.parse` failed,
 * where a record holds `\u` escapes (JSON.parse accepts lone surrogates; I-JSON and the gateway's storage
 * do not), or where it needs a record's keys. GBK trail bytes inside strings are skipped, since 0x5C (`\`)
 * is a valid trail byte.
 *
 * @example
 * ```ts
 * const bytes = new TextEncoder().encode('{"a":"1",}');
 * findJsonError({ bytes, start: 0, end: bytes.length, charset: 'UTF-8' }); // { offset: 9, reason: 'trailing-comma' }
 * ```
 */
export function findJsonError({
  bytes,
  start,
  end,
  charset,
  keys,
}: {
  bytes: Uint8Array;
  start: number;
  end: number;
  charset: FileCharset;
  /** Receives the outermost object's keys, in order, when given. */
  keys?: ObjectKey[];
}): JsonSyntaxError | undefined {
  const gbk = charset === 'GBK';
  const fail = (offset: number, reason: JsonSyntaxReason): never => {
    throw new Failure({ offset: Math.min(offset, end), reason });
  };
  const at = (index: number): number | undefined => (index < end ? bytes[index] : undefined);
  const skipWhitespace = (index: number): number => skipJsonWhitespace(bytes, index, end);
  const unexpected = (index: number): never => fail(index, index >= end ? 'end-of-input' : 'unexpected-character');

  const readEscape = (index: number): { next: number; unit: number } => {
    const escaped = at(index + 1);
    if (escaped === undefined) return fail(end, 'end-of-input');
    if (escaped !== 0x75) {
      // " \ / b f n r t
      if ([0x22, 0x5c, 0x2f, 0x62, 0x66, 0x6e, 0x72, 0x74].includes(escaped)) return { next: index + 2, unit: -1 };
      return fail(index, 'bad-escape');
    }
    let unit = 0;
    for (let k = 2; k < 6; k++) {
      const digit = hexValue(at(index + k));
      if (digit < 0) return fail(index + k >= end ? end : index, index + k >= end ? 'end-of-input' : 'bad-escape');
      unit = unit * 16 + digit;
    }
    return { next: index + 6, unit };
  };

  const readString = (index: number): number => {
    let i = index + 1;
    let pendingHigh = -1;
    for (;;) {
      if (i >= end) return fail(end, 'end-of-input');
      const byte = bytes[i]!;
      if (byte === 0x5c) {
        const { next, unit } = readEscape(i);
        if (pendingHigh >= 0 && !(unit >= 0xdc00 && unit <= 0xdfff)) fail(pendingHigh, 'lone-surrogate');
        if (pendingHigh < 0 && unit >= 0xdc00 && unit <= 0xdfff) fail(i, 'lone-surrogate');
        pendingHigh = unit >= 0xd800 && unit <= 0xdbff ? i : -1;
        i = next;
        continue;
      }
      if (pendingHigh >= 0) fail(pendingHigh, 'lone-surrogate');
      if (byte === 0x22) return i + 1;
      if (byte < 0x20) fail(i, 'control-character');
      i += gbk && byte >= 0x81 && i + 1 < end && isGbkTrail(bytes[i + 1]!) ? 2 : 1;
    }
  };

  const readNumber = (index: number): number => {
    let i = index;
    if (at(i) === 0x2d) i++;
    if (at(i) === 0x30) i++;
    else if (isDigit(at(i))) while (isDigit(at(i))) i++;
    else return fail(i, i >= end ? 'end-of-input' : 'bad-number');
    if (at(i) === 0x2e) {
      i++;
      if (!isDigit(at(i))) return fail(i, i >= end ? 'end-of-input' : 'bad-number');
      while (isDigit(at(i))) i++;
    }
    if (at(i) === 0x65 || at(i) === 0x45) {
      i++;
      if (at(i) === 0x2b || at(i) === 0x2d) i++;
      if (!isDigit(at(i))) return fail(i, i >= end ? 'end-of-input' : 'bad-number');
      while (isDigit(at(i))) i++;
    }
    return i;
  };

  const readLiteral = (index: number, word: string): number => {
    for (let k = 0; k < word.length; k++) {
      const byte = at(index + k);
      if (byte === undefined) return fail(end, 'end-of-input');
      if (byte !== word.charCodeAt(k)) return fail(index + k, 'bad-literal');
    }
    return index + word.length;
  };

  const readKey = (index: number, depth: number): number => {
    if (at(index) !== 0x22) return unexpected(index);
    const after = readString(index);
    if (keys !== undefined && depth === 1) {
      const text = (gbk ? gbkKeyDecoder() : keyDecoder).decode(bytes.subarray(index, after));
      keys.push({ name: JSON.parse(text) as string, offset: index });
    }
    const colon = skipWhitespace(after);
    if (at(colon) !== 0x3a) return unexpected(colon);
    return colon + 1;
  };

  try {
    const stack: number[] = [];
    let i = start;
    for (;;) {
      // A value is expected at i.
      i = skipWhitespace(i);
      const byte = at(i);
      if (byte === 0x7b) {
        const inner = skipWhitespace(i + 1);
        if (at(inner) === 0x7d) i = inner + 1;
        else {
          stack.push(OBJECT);
          i = readKey(inner, stack.length);
          continue;
        }
      } else if (byte === 0x5b) {
        const inner = skipWhitespace(i + 1);
        if (at(inner) === 0x5d) i = inner + 1;
        else {
          stack.push(ARRAY);
          i = inner;
          continue;
        }
      } else if (byte === 0x22) i = readString(i);
      else if (byte === 0x2d || isDigit(byte)) i = readNumber(i);
      else if (byte === 0x74) i = readLiteral(i, 'true');
      else if (byte === 0x66) i = readLiteral(i, 'false');
      else if (byte === 0x6e) i = readLiteral(i, 'null');
      else unexpected(i);

      // After a value: close containers or move to the next member.
      for (;;) {
        const container = stack[stack.length - 1];
        i = skipWhitespace(i);
        if (container === undefined) {
          return i < end ? { offset: i, reason: 'unexpected-character' } : undefined;
        }
        const next = at(i);
        if (next === (container === OBJECT ? 0x7d : 0x5d)) {
          stack.pop();
          i++;
          continue;
        }
        if (next !== 0x2c) unexpected(i);
        const member = skipWhitespace(i + 1);
        const closer = at(member);
        if (closer === (container === OBJECT ? 0x7d : 0x5d)) fail(i, 'trailing-comma');
        i = container === OBJECT ? readKey(member, stack.length) : member;
        break;
      }
    }
  } catch (caught) {
    if (caught instanceof Failure) return caught.error;
    throw caught;
  }
}
