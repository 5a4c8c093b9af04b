/**
 * The two file charsets the gateway accepts for `file_charset`.
 *
 * @example
 * ```ts
 * const charset: FileCharset = 'GBK';
 * ```
 */
export type FileCharset = 'UTF-8' | 'GBK';

/** True for a byte that may follow a GBK lead byte (0x81–0xFE). */
export function isGbkTrail(byte: number): boolean {
  return byte >= 0x40 && byte <= 0xfe && byte !== 0x7f;
}

/**
 * Where the first byte sequence that is not well-formed UTF-8 starts, or -1. Follows the WHATWG/Unicode
 * rules TextDecoder applies: no overlongs, no surrogates, nothing above U+10FFFF.
 *
 * @example
 * ```ts
 * firstInvalidUtf8({ bytes: Uint8Array.of(0x41, 0xd5, 0xc5), start: 0, end: 3 }); // 1
 * ```
 */
export function firstInvalidUtf8({ bytes, start, end }: { bytes: Uint8Array; start: number; end: number }): number {
  let i = start;
  while (i < end) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let low = 0x80;
    let high = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) low = 0xa0;
      if (b === 0xed) high = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) low = 0x90;
      if (b === 0xf4) high = 0x8f;
    } else return i;
    if (i + need >= end) return i;
    const second = bytes[i + 1]!;
    if (second < low || second > high) return i;
    for (let k = 2; k <= need; k++) {
      const next = bytes[i + k]!;
      if (next < 0x80 || next > 0xbf) return i;
    }
    i += need + 1;
  }
  return -1;
}

let gbkPairDecoder: TextDecoder | undefined;

/**
 * Where the first byte sequence that is not a GBK character starts, or -1. Single bytes must be ASCII;
 * pairs must have GBK's lead/trail shape and a mapping in the runtime's GBK table. GB18030 four-byte
 * sequences and the lone bytes 0x80/0xFF are rejected: the gateway decodes `file_charset` GBK, not GB18030.
 *
 * @example
 * ```ts
 * firstInvalidGbk({ bytes: Uint8Array.of(0xd5, 0xc5, 0x80), start: 0, end: 3 }); // 2
 * ```
 */
export function firstInvalidGbk({ bytes, start, end }: { bytes: Uint8Array; start: number; end: number }): number {
  let i = start;
  while (i < end) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    if (b === 0x80 || b === 0xff || i + 1 >= end || !isGbkTrail(bytes[i + 1]!)) return i;
    gbkPairDecoder ??= new TextDecoder('gbk', { fatal: true });
    try {
      gbkPairDecoder.decode(bytes.subarray(i, i + 2));
    } catch {
      return i;
    }
    i += 2;
  }
  return -1;
}

/**
 * Counts the characters (code points) in a byte range, for editor-style column numbers.
 *
 * @example
 * ```ts
 * countChars({ bytes: new TextEncoder().encode('张三ab'), start: 0, end: 8, charset: 'UTF-8' }); // 4
 * ```
 */
export function countChars({ bytes, start, end, charset }: { bytes: Uint8Array; start: number; end: number; charset: FileCharset }): number {
  let count = 0;
  if (charset === 'UTF-8') {
    for (let i = start; i < end; i++) if ((bytes[i]! & 0xc0) !== 0x80) count++;
    return count;
  }
  for (let i = start; i < end; i++, count++) if (bytes[i]! >= 0x81 && i + 1 < end && isGbkTrail(bytes[i + 1]!)) i++;
  return count;
}
