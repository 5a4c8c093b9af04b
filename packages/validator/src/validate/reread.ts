import type { ReadAt } from '../input/chunks.js';
import { isGbkTrail, type FileCharset } from '../scan/charset-bytes.js';
import { scanElement, type ScannedElement } from '../scan/file-scanner.js';

/**
 * Every 2^SPARSE_SHIFT-th record's start offset is remembered: enough to find any record again by
 * re-scanning at most 31 records, at 8 bytes per 32 records.
 *
 * @example
 * ```ts
 * const groupStart = sparseOffsets[recordIndex >>> SPARSE_SHIFT];
 * ```
 */
export const SPARSE_SHIFT = 5;

// 32 loan records are ≈ 8 KB: one 64 KiB read almost always holds the whole group; it doubles otherwise.
const FIRST_WINDOW = 64 * 1024;

function isSeparator(byte: number): boolean {
  return byte === 0x2c || byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

/**
 * A record read again: its parsed value (undefined when it no longer parses) and where it lies.
 *
 * @example
 * ```ts
 * const again: RereadRecord = { value: { order_no: 'LN1' }, byteOffset: 12, byteLength: 18 };
 * ```
 */
export interface RereadRecord {
  value: unknown;
  byteOffset: number;
  byteLength: number;
}

/**
 * Reads record `recordIndex` again through `readAt`: from the remembered start offset of its group of
 * 32 records, skipping elements with the same byte scan the validator uses. Returns the record and its
 * place, or undefined if it cannot be read back (the bytes changed under us).
 *
 * @example
 * ```ts
 * const earlier = await rereadRecord({ readAt, sparseOffsets, recordIndex: 40, charset: 'UTF-8' });
 * ```
 */
export async function rereadRecord({
  readAt,
  sparseOffsets,
  recordIndex,
  charset,
}: {
  readAt: ReadAt;
  sparseOffsets: Float64Array;
  recordIndex: number;
  charset: FileCharset;
}): Promise<RereadRecord | undefined> {
  const offset = sparseOffsets[recordIndex >>> SPARSE_SHIFT]!;
  const skip = recordIndex & ((1 << SPARSE_SHIFT) - 1);
  const into: ScannedElement = { end: -1, colons: 0, flags: 0, lineFeeds: 0, lastLineStart: 0 };
  const gbk = charset === 'GBK';
  for (let length = FIRST_WINDOW; ; length *= 2) {
    const bytes = await readAt({ offset, length });
    const final = bytes.length < length;
    let at = 0;
    for (let k = 0; k <= skip; k++) {
      while (k > 0 && at < bytes.length && isSeparator(bytes[at]!)) at++;
      if (at >= bytes.length) break;
      scanElement({ bytes, start: at, end: bytes.length, gbk, final, into });
      if (into.end < 0) break;
      if (k === skip) {
        let value: unknown;
        try {
          value = JSON.parse(new TextDecoder(gbk ? 'gbk' : 'utf-8').decode(bytes.subarray(at, into.end)));
        } catch {
          value = undefined;
        }
        return { value, byteOffset: offset + at, byteLength: into.end - at };
      }
      at = into.end;
    }
    if (final) return undefined;
  }
}

// Reads of a long line (a one-line file) go 1 MiB at a time: bounded memory, few calls.
const COLUMN_WINDOW = 1024 * 1024;

/**
 * Column (1-based, in characters) of `byteOffset` on the line starting at `lineStart`, counted by reading
 * the line again through `readAt`: for the rare duplicate whose column was not counted while its bytes
 * were at hand (see `DuplicateConfirmer`). Counts as `countChars` does, with a GBK pair split across
 * two reads counted once.
 *
 * @example
 * ```ts
 * const column = await columnByRereading({ readAt, lineStart: 0, byteOffset: 1200, charset: 'UTF-8' });
 * ```
 */
export async function columnByRereading({
  readAt,
  lineStart,
  byteOffset,
  charset,
}: {
  readAt: ReadAt;
  lineStart: number;
  byteOffset: number;
  charset: FileCharset;
}): Promise<number> {
  const gbk = charset === 'GBK';
  let chars = 0;
  let leadBefore = false;
  for (let at = lineStart; at < byteOffset; ) {
    const bytes = await readAt({ offset: at, length: Math.min(COLUMN_WINDOW, byteOffset - at) });
    if (bytes.length === 0) break;
    for (const byte of bytes) {
      if (gbk) {
        // The trail of a pair was counted with its lead.
        if (leadBefore && isGbkTrail(byte)) {
          leadBefore = false;
          continue;
        }
        leadBefore = byte >= 0x81;
        chars++;
      } else if ((byte & 0xc0) !== 0x80) chars++;
    }
    at += bytes.length;
  }
  return 1 + chars;
}
