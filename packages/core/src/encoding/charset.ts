import { kindOf } from '../errors/argument-checks.js';
import { ZhimaError } from '../errors/zhima-error.js';
import { encodeGbk } from './gbk.js';
import { unsupportedCharset } from './unsupported-charset.js';

/**
 * The request charsets the gateway accepts, normalised to lower case.
 *
 * @example
 * ```ts
 * const charset: Charset = 'gbk';
 * ```
 */
export type Charset = 'utf-8' | 'gbk' | 'gb2312';

const ALIASES: Record<string, Charset> = { 'utf-8': 'utf-8', utf8: 'utf-8', gbk: 'gbk', gb2312: 'gb2312', cp936: 'gbk' };

/**
 * Accepts `UTF-8`, `utf8`, `GBK`, `gb2312` in any case; throws `PARAM_INVALID` for anything else.
 *
 * @example
 * ```ts
 * normalizeCharset({ charset: 'UTF-8' }); // 'utf-8'
 * ```
 */
export function normalizeCharset({ charset }: { charset: string }): Charset {
  const found = typeof charset === 'string' ? ALIASES[charset.trim().toLowerCase()] : undefined;
  if (found === undefined) {
    throw new ZhimaError({
      code: 'PARAM_INVALID',
      message: typeof charset === 'string' ? `Unsupported charset "${charset}".` : `charset must be a string, got ${kindOf(charset)}.`,
      hint: '网关支持 utf-8、gbk、gb2312，推荐 utf-8 / The gateway accepts utf-8, gbk and gb2312; utf-8 is recommended.',
      option: 'charset',
    });
  }
  return found;
}

const utf8Encoder = new TextEncoder();

/**
 * Encodes text in a request charset. Characters the charset cannot hold are an error, never a silent `?`.
 *
 * @example
 * ```ts
 * encodeText({ text: '张三', charset: 'gbk' }); // Uint8Array [0xd5, 0xc5, 0xc8, 0xfd]
 * ```
 */
export function encodeText({ text, charset }: { text: string; charset: Charset | string }): Uint8Array {
  const normalized = normalizeCharset({ charset });
  return normalized === 'utf-8' ? utf8Encoder.encode(text) : encodeGbk({ text, gb2312Only: normalized === 'gb2312' });
}

/**
 * Decodes bytes in a request charset, failing on malformed bytes rather than inserting U+FFFD.
 *
 * @example
 * ```ts
 * decodeText({ bytes: new Uint8Array([0xd5, 0xc5]), charset: 'gbk' }); // '张'
 * ```
 */
export function decodeText({ bytes, charset }: { bytes: Uint8Array; charset: Charset | string }): string {
  const normalized = normalizeCharset({ charset });
  const decoder = fatalDecoder(normalized);
  const invalid = (cause?: unknown) => new ZhimaError({ code: 'PARAM_INVALID', message: `The bytes are not valid ${normalized}.`, cause });
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch (cause) {
    throw invalid(cause);
  }
  // ICU's GBK decoder maps some invalid sequences (e.g. FF FF) to private-use characters even when
  // fatal; bytes that do not survive a round trip are not GBK by the WHATWG rules the gateway follows.
  if (normalized !== 'utf-8' && !gbkRoundTrips(text, bytes)) throw invalid();
  return text;
}

// One fatal decoder per charset, made on first use (a runtime without GBK fails only when GBK is
// asked for): a decode without `stream` keeps no state between calls.
const fatalDecoders = new Map<string, TextDecoder>();

function fatalDecoder(charset: Charset): TextDecoder {
  const label = charset === 'utf-8' ? 'utf-8' : 'gbk';
  let decoder = fatalDecoders.get(label);
  if (decoder === undefined) {
    try {
      decoder = new TextDecoder(label, { fatal: true });
    } catch (cause) {
      throw unsupportedCharset(charset, cause);
    }
    fatalDecoders.set(label, decoder);
  }
  return decoder;
}

function gbkRoundTrips(text: string, bytes: Uint8Array): boolean {
  try {
    const again = encodeGbk({ text });
    return again.length === bytes.length && again.every((byte, i) => byte === bytes[i]);
  } catch {
    return false;
  }
}
