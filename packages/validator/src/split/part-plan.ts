import { ZhimaError } from '@zhima/core';
import type { ReadAt } from '../input/chunks.js';

/**
 * A run of whole, consecutive records of the source, copied as they are: `length` bytes from `offset`,
 * the records `firstRecordIndex` to `firstRecordIndex + records - 1` (and the separators between them).
 *
 * @example
 * ```ts
 * const span: RecordSpan = { offset: 12, length: 2048, firstRecordIndex: 0, records: 8 };
 * ```
 */
export interface RecordSpan {
  offset: number;
  length: number;
  firstRecordIndex: number;
  records: number;
}

/**
 * One file of a split plan: `{"records":[` + its spans joined by `,` + `]}`, exactly `bytes` long,
 * holding `records` records (the `records` param to send with it). Read it with `readPart`.
 *
 * @example
 * ```ts
 * const part: RecordsPart = { index: 0, bytes: 2062, records: 8, firstRecordIndex: 0, spans: [{ offset: 12, length: 2048, firstRecordIndex: 0, records: 8 }] };
 * ```
 */
export interface RecordsPart {
  /** 0-based number of the part in the plan. */
  index: number;
  /** Exact size of the part's bytes. */
  bytes: number;
  /** The `records` param: how many records the part holds. */
  records: number;
  /** Index in the source of the part's first record. */
  firstRecordIndex: number;
  spans: readonly RecordSpan[];
}

/**
 * How to split: each part at most `maxFileBytes` (default the validation's `maxFileBytes`, 50 MiB; the
 * gateway's 52428800 is the most) and at most `maxRecordsPerFile` records.
 *
 * @example
 * ```ts
 * const split: SplitOptions = { maxFileBytes: 50 * 1024 * 1024, maxRecordsPerFile: 200_000 };
 * ```
 */
export interface SplitOptions {
  maxFileBytes?: number | undefined;
  maxRecordsPerFile?: number | undefined;
}

/**
 * The bytes every part opens with, `{"records":[` (the same in UTF-8 and GBK).
 *
 * @example
 * ```ts
 * sink.write(PART_OPENING);
 * ```
 */
export const PART_OPENING = new TextEncoder().encode('{"records":[');
/** @see PART_OPENING @example `sink.write(PART_CLOSING); // ]}` */
export const PART_CLOSING = new TextEncoder().encode(']}');
const FRAME_BYTES = PART_OPENING.length + PART_CLOSING.length;
/**
 * The gateway's bound on one uploaded file (52428800 bytes): no part may be larger.
 *
 * @example
 * ```ts
 * if (split.maxFileBytes > MAX_PART_BYTES) throw new Error('too large');
 * ```
 */
export const MAX_PART_BYTES = 52_428_800;
// Separators between records are a comma and whitespace: reads of this many bytes find one at once.
const SEPARATOR_WINDOW = 256;

interface OpenSpan extends RecordSpan {
  /** File offset just past the last record. */
  end: number;
}

interface OpenPart {
  bytes: number;
  records: number;
  spans: OpenSpan[];
  /** The records planned into the part, first and last: fixed even as records are taken out. */
  first: number;
  last: number;
}

function emptyPart(): OpenPart {
  return { bytes: FRAME_BYTES, records: 0, spans: [], first: 0, last: -1 };
}

function isWhitespace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

function changed(): ZhimaError {
  return new ZhimaError({ code: 'PARAM_INVALID', message: 'The records file changed while it was split: the bytes between two records are not a comma and whitespace any more.', hint: '拆分期间不要修改文件 / Do not change the file while it is validated and split.' });
}

/**
 * The split plan of a records file, made from the record boundaries the scanner finds (no second
 * scan): records in file order go into the current part while it stays within both bounds, consecutive
 * records as one span (the separators between them copied too), so a part is a few byte ranges of the
 * source. Records held back are left out; a record that repeats a key is taken out after the scan
 * ({@link exclude}), which only shrinks its part. Same input, same plan.
 *
 * @example
 * ```ts
 * const planner = new PartPlanner({ maxFileBytes: 50 * 1024 * 1024, maxRecordsPerFile: Infinity });
 * planner.add(0, 12, 260);
 * planner.add(1, 261, 509);
 * const parts = planner.finish();
 * ```
 */
export class PartPlanner {
  private readonly maxFileBytes: number;
  private readonly maxRecordsPerFile: number;
  private readonly parts: OpenPart[] = [];
  private current: OpenPart = emptyPart();
  private lastRecord = -2;

  constructor({ maxFileBytes, maxRecordsPerFile }: { maxFileBytes: number; maxRecordsPerFile: number }) {
    this.maxFileBytes = maxFileBytes;
    this.maxRecordsPerFile = maxRecordsPerFile;
  }

  /** True when a record of `length` bytes fits in a part of its own. */
  fits(length: number): boolean {
    return FRAME_BYTES + length <= this.maxFileBytes;
  }

  /** Adds record `recordIndex`, at file offsets `[start, end)`, to the plan (records come in file order). */
  add(recordIndex: number, start: number, end: number): void {
    let part = this.current;
    let last = part.spans[part.spans.length - 1];
    // A record right after the part's last one extends its span: the separator between them comes too.
    let added = last !== undefined && this.lastRecord === recordIndex - 1 ? end - last.end : 1 + end - start;
    if (part.records > 0 && (part.bytes + added > this.maxFileBytes || part.records >= this.maxRecordsPerFile)) {
      this.parts.push(part);
      part = this.current = emptyPart();
      last = undefined;
    }
    if (part.records === 0) {
      added = end - start;
      part.first = recordIndex;
    }
    part.last = recordIndex;
    if (last !== undefined && this.lastRecord === recordIndex - 1) {
      last.end = end;
      last.length = end - last.offset;
      last.records++;
    } else part.spans.push({ offset: start, length: end - start, end, firstRecordIndex: recordIndex, records: 1 });
    part.bytes += added;
    part.records++;
    this.lastRecord = recordIndex;
  }

  /**
   * Takes record `recordIndex` (at `[start, end)`) out of the plan, if it is in it: its span is cut
   * around it, at the separators read through `readAt`. Call after the scan, in any order.
   */
  async exclude({ recordIndex, start, end, readAt }: { recordIndex: number; start: number; end: number; readAt: ReadAt }): Promise<void> {
    this.close();
    const part = this.partOf(recordIndex);
    if (part === undefined) return;
    const k = part.spans.findIndex((span) => recordIndex >= span.firstRecordIndex && recordIndex < span.firstRecordIndex + span.records);
    const span = part.spans[k]!;
    const before = recordIndex - span.firstRecordIndex;
    const after = span.records - before - 1;
    const kept: OpenSpan[] = [];
    if (before > 0) {
      const lastEnd = await endBefore({ readAt, offset: start });
      kept.push({ offset: span.offset, end: lastEnd, length: lastEnd - span.offset, firstRecordIndex: span.firstRecordIndex, records: before });
    }
    if (after > 0) {
      const nextStart = await startAfter({ readAt, offset: end });
      kept.push({ offset: nextStart, end: span.end, length: span.end - nextStart, firstRecordIndex: recordIndex + 1, records: after });
    }
    part.spans.splice(k, 1, ...kept);
    part.records--;
    part.bytes = FRAME_BYTES + part.spans.reduce((sum, one) => sum + one.length, 0) + Math.max(part.spans.length - 1, 0);
  }

  /** The plan: parts in order, empty ones (every record taken out) left out. */
  finish(): RecordsPart[] {
    this.close();
    return this.parts
      .filter((part) => part.records > 0)
      .map((part, index) => ({
        index,
        bytes: part.bytes,
        records: part.records,
        firstRecordIndex: part.spans[0]!.firstRecordIndex,
        spans: part.spans.map(({ offset, length, firstRecordIndex, records }) => ({ offset, length, firstRecordIndex, records })),
      }));
  }

  private close(): void {
    if (this.current.records > 0) {
      this.parts.push(this.current);
      this.current = emptyPart();
    }
  }

  /** The part whose records include `recordIndex` (parts hold increasing record ranges). */
  private partOf(recordIndex: number): OpenPart | undefined {
    let low = 0;
    let high = this.parts.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const part = this.parts[middle]!;
      if (recordIndex > part.last) low = middle + 1;
      else if (recordIndex < part.first) high = middle - 1;
      else return part.spans.some((span) => recordIndex >= span.firstRecordIndex && recordIndex < span.firstRecordIndex + span.records) ? part : undefined;
    }
    return undefined;
  }
}

/** The file offset just past the record that ends before the separator ending at `offset`. */
async function endBefore({ readAt, offset }: { readAt: ReadAt; offset: number }): Promise<number> {
  let comma = false;
  for (let to = offset; to > 0; ) {
    const from = Math.max(0, to - SEPARATOR_WINDOW);
    const bytes = await readAt({ offset: from, length: to - from });
    if (bytes.length !== to - from) throw changed();
    for (let i = bytes.length - 1; i >= 0; i--) {
      const byte = bytes[i]!;
      if (isWhitespace(byte)) continue;
      if (byte === 0x2c && !comma) comma = true;
      else if (comma) return from + i + 1;
      else throw changed();
    }
    to = from;
  }
  throw changed();
}

/** The file offset where the record after the separator starting at `offset` begins. */
async function startAfter({ readAt, offset }: { readAt: ReadAt; offset: number }): Promise<number> {
  let comma = false;
  for (let from = offset; ; from += SEPARATOR_WINDOW) {
    const bytes = await readAt({ offset: from, length: SEPARATOR_WINDOW });
    if (bytes.length === 0) throw changed();
    for (let i = 0; i < bytes.length; i++) {
      const byte = bytes[i]!;
      if (isWhitespace(byte)) continue;
      if (byte === 0x2c && !comma) comma = true;
      else if (comma) return from + i;
      else throw changed();
    }
  }
}
