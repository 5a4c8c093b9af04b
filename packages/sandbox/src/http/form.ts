import { decodeText, isAbsentParamValue, type Charset } from '@zhima/core/internal';
import { invalidParam } from '../gateway/answers.js';

/**
 * One `key=value` pair of a query or urlencoded body, percent-decoded to bytes but not yet to text.
 *
 * @example
 * ```ts
 * const pair: RawPair = { key: new TextEncoder().encode('user_name'), value: Uint8Array.of(0xd5, 0xc5) };
 * ```
 */
export interface RawPair {
  key: Uint8Array;
  value: Uint8Array;
}

const AMPERSAND = 0x26;
const EQUALS = 0x3d;
const PLUS = 0x2b;
const PERCENT = 0x25;

function hexValue(byte: number | undefined): number {
  if (byte === undefined) return -1;
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  if (byte >= 0x41 && byte <= 0x46) return byte - 0x37;
  if (byte >= 0x61 && byte <= 0x66) return byte - 0x57;
  return -1;
}

const PLACE = { query: '查询串 / query', body: '请求体 / body' } as const;

function percentDecode(bytes: Uint8Array, where: 'query' | 'body'): Uint8Array {
  const out = new Uint8Array(bytes.length);
  let length = 0;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]!;
    if (byte === PLUS) {
      out[length++] = 0x20;
    } else if (byte === PERCENT) {
      const high = hexValue(bytes[i + 1]);
      const low = hexValue(bytes[i + 2]);
      if (high < 0 || low < 0) {
        throw invalidParam({ subCode: 'isv.invalid-parameter', subMsg: `非法的百分号编码 / Malformed percent-encoding (${PLACE[where]})` });
      }
      out[length++] = high * 16 + low;
      i += 2;
    } else {
      out[length++] = byte;
    }
  }
  return out.subarray(0, length);
}

/**
 * Splits `a=1&b=%D5%C5` into pairs of decoded bytes: the text is decoded only once the request charset
 * is known (the `charset` param itself is ASCII, so it can be read first).
 *
 * @example
 * ```ts
 * splitForm({ bytes: new TextEncoder().encode('a=%D5%C5'), where: 'query' }); // [{ key: [0x61], value: [0xd5, 0xc5] }]
 * ```
 */
export function splitForm({ bytes, where }: { bytes: Uint8Array; where: 'query' | 'body' }): RawPair[] {
  const pairs: RawPair[] = [];
  let start = 0;
  while (start <= bytes.length) {
    let end = bytes.indexOf(AMPERSAND, start);
    if (end === -1) end = bytes.length;
    if (end > start) {
      const field = bytes.subarray(start, end);
      const equals = field.indexOf(EQUALS);
      const key = equals === -1 ? field : field.subarray(0, equals);
      const value = equals === -1 ? new Uint8Array() : field.subarray(equals + 1);
      pairs.push({ key: percentDecode(key, where), value: percentDecode(value, where) });
    }
    start = end + 1;
  }
  return pairs;
}

const ascii = new TextDecoder('latin1');
const utf8 = new TextDecoder('utf-8');

/**
 * The value of a pair whose key is plain ASCII, read before the charset is known (`charset` itself);
 * `undefined` when absent or blank.
 *
 * @example
 * ```ts
 * findAsciiValue({ pairs, key: 'charset' }); // 'GBK'
 * ```
 */
export function findAsciiValue({ pairs, key }: { pairs: RawPair[]; key: string }): string | undefined {
  const found = pairs.find((pair) => ascii.decode(pair.key) === key);
  // Read as UTF-8 (ASCII is the same), so that an ideographic space is blank too: blank is absent, as
  // for every param (see addParam).
  const value = found === undefined ? undefined : utf8.decode(found.value);
  return value === undefined || isAbsentParamValue(value) ? undefined : value;
}

/**
 * Decodes every pair in the request charset. Bytes invalid in the charset answer `isv.invalid-charset`;
 * a key given twice with different values answers `isv.invalid-parameter`.
 *
 * @example
 * ```ts
 * decodePairs({ pairs, charset: 'gbk' }); // { user_name: '张三' }
 * ```
 */
export function decodePairs({ pairs, charset }: { pairs: RawPair[]; charset: Charset }): Record<string, string> {
  const params: Record<string, string> = {};
  for (const pair of pairs) {
    addParam({ params, key: decodeOrReject(pair.key, charset), value: decodeOrReject(pair.value, charset) });
  }
  return params;
}

/**
 * Adds one param, refusing a second, different value for the same key (the gateway would have to pick
 * one, and which one is signed is then ambiguous). A value the gateway reads as absent (`''` or only
 * Java whitespace, core's `isAbsentParamValue`) is not added: a required param sent as `'   '` is
 * missing, and it is never part of the sign content.
 *
 * @example
 * ```ts
 * addParam({ params, key: 'app_auth_token', value: token });
 * ```
 */
export function addParam({ params, key, value }: { params: Record<string, string>; key: string; value: string }): void {
  if (isAbsentParamValue(value)) return;
  if (Object.hasOwn(params, key) && params[key] !== value) {
    throw invalidParam({ subCode: 'isv.invalid-parameter', subMsg: `参数 ${key} 出现多次且取值不同 / Parameter ${key} is given twice with different values` });
  }
  params[key] = value;
}

/**
 * Text in the request charset, or `40002 isv.invalid-charset` naming the charset.
 *
 * @example
 * ```ts
 * decodeOrReject(bytes, 'gbk');
 * ```
 */
export function decodeOrReject(bytes: Uint8Array, charset: Charset): string {
  try {
    return decodeText({ bytes, charset });
  } catch {
    throw invalidParam({ subCode: 'isv.invalid-charset', subMsg: `参数不是合法的 ${charset} 编码 / A parameter is not valid ${charset}` });
  }
}
