import type { FileCharset } from '@zhima/core';

// Core's type, the one definition of file_charset, re-exported for this package's scanners.
export type { FileCharset };

/**
 * True for a byte that may follow a GBK lead byte (0x81–0xFE). It includes 0x5C (`\`), which is why a
 * GBK-blind scanner misreads strings.
 *
 * @example
 * ```ts
 * isGbkTrail(0x5c); // true
 * ```
 */
export function isGbkTrail(byte: number): boolean {
  return byte >= 0x40 && byte <= 0xfe && byte !== 0x7f;
}

/**
 * Length of the well-formed UTF-8 sequence at `i` (WHATWG/Unicode rules: no overlongs, no surrogates,
 * nothing above U+10FFFF) ending before `end`, or 0.
 *
 * @example
 * ```ts
 * utf8SequenceLength(new TextEncoder().encode('张'), 0, 3); // 3
 * ```
 */
export function utf8SequenceLength(bytes: Uint8Array, i: number, end: number): number {
  const b = bytes[i]!;
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
  } else return 0;
  if (i + need >= end) return 0;
  const second = bytes[i + 1]!;
  if (second < low || second > high) return 0;
  for (let k = 2; k <= need; k++) {
    const next = bytes[i + k]!;
    if (next < 0x80 || next > 0xbf) return 0;
  }
  return need + 1;
}

let gbkPairDecoder: TextDecoder | undefined;

/**
 * Length of the GBK character at `i` (2: lead/trail shape and a mapping in the runtime's GBK table), or 0.
 * GB18030 four-byte sequences and the lone bytes 0x80/0xFF are not GBK: the gateway decodes GBK.
 */
function gbkSequenceLength(bytes: Uint8Array, i: number, end: number): number {
  const b = bytes[i]!;
  if (b === 0x80 || b === 0xff || i + 1 >= end || !isGbkTrail(bytes[i + 1]!)) return 0;
  gbkPairDecoder ??= new TextDecoder('gbk', { fatal: true });
  try {
    gbkPairDecoder.decode(bytes.subarray(i, i + 2));
  } catch {
    return 0;
  }
  return 2;
}

/**
 * Where the first byte sequence that is not a character in `charset` starts, or -1. ASCII is valid in both.
 *
 * @example
 * ```ts
 * firstInvalidByte({ bytes: Uint8Array.of(0x41, 0xd5, 0xc5), start: 0, end: 3, charset: 'UTF-8' }); // 1
 * firstInvalidByte({ bytes: Uint8Array.of(0xd5, 0xc5, 0x80), start: 0, end: 3, charset: 'GBK' }); // 2
 * ```
 */
export function firstInvalidByte({ bytes, start, end, charset }: { bytes: Uint8Array; start: number; end: number; charset: FileCharset }): number {
  const sequenceLength = charset === 'GBK' ? gbkSequenceLength : utf8SequenceLength;
  let i = start;
  while (i < end) {
    if (bytes[i]! < 0x80) {
      i++;
      continue;
    }
    const length = sequenceLength(bytes, i, end);
    if (length === 0) return i;
    i += length;
  }
  return -1;
}

// Words summed per lane before the lanes are added up: each lane counts at most one byte per word.
const LANE_WORDS = 255;

/**
 * UTF-8 continuation bytes (0b10xxxxxx) in a byte range, four bytes at a time: a one-line file has its
 * columns counted over every byte, so this runs over whole files.
 */
function continuationBytes(bytes: Uint8Array, start: number, end: number): number {
  let count = 0;
  let i = start;
  const firstWord = Math.min(bytes.byteOffset + end, (bytes.byteOffset + i + 3) & ~3) - bytes.byteOffset;
  for (; i < firstWord; i++) if ((bytes[i]! & 0xc0) === 0x80) count++;
  const wordCount = (end - i) >> 2;
  if (wordCount > 0) {
    const words = new Uint32Array(bytes.buffer, bytes.byteOffset + i, wordCount);
    for (let w = 0; w < wordCount; ) {
      const stop = Math.min(wordCount, w + LANE_WORDS);
      let lanes = 0;
      for (; w < stop; w++) {
        const word = words[w]!;
        // Bit 7 set and bit 6 clear in a byte, moved to bit 0 of its lane.
        lanes += ((word & ~(word << 1)) >>> 7) & 0x01010101;
      }
      count += (lanes & 0xff) + ((lanes >>> 8) & 0xff) + ((lanes >>> 16) & 0xff) + (lanes >>> 24);
    }
    i += wordCount * 4;
  }
  for (; i < end; i++) if ((bytes[i]! & 0xc0) === 0x80) count++;
  return count;
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
  if (charset === 'UTF-8') return end - start - continuationBytes(bytes, start, end);
  for (let i = start; i < end; i++, count++) if (bytes[i]! >= 0x81 && i + 1 < end && isGbkTrail(bytes[i + 1]!)) i++;
  return count;
}
