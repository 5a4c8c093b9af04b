import { ZhimaError } from '@zhima/core';
import type { ReadAt } from '../input/chunks.js';
import { PART_CLOSING, PART_OPENING } from './part-frame.js';
import { PartHasher, type PartHash, type ScannedBytes } from './part-hash.js';
import { isJsonWhitespace } from '../scan/json-whitespace.js';

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
 * holding `records` records (the `records` param to send with it). Read it with `readPart`. Its first
 * and last record are named by index and by primary key (masked as in issues, with `maskValue`): what
 * a receipt or a log line needs to say which records a part carried, without reading it again.
 *
 * @example
 * ```ts
 * const part: RecordsPart = {
 *   index: 0, bytes: 2062, records: 8, firstRecordIndex: 0, lastRecordIndex: 7,
 *   firstPrimaryKey: { order_no: 'LN1', pay_month: '2025-01' }, lastPrimaryKey: { order_no: 'LN8', pay_month: '2025-01' },
 *   spans: [{ offset: 12, length: 2048, firstRecordIndex: 0, records: 8 }],
 * };
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
  /** Index in the source of the part's last record (records held back between the two are not in the part). */
  lastRecordIndex: number;
  /** The primary key values of the part's first record by column, masked as issues mask them (`maskValue`). */
  firstPrimaryKey: Readonly<Record<string, string>>;
  /** The primary key values of the part's last record, masked the same way. */
  lastPrimaryKey: Readonly<Record<string, string>>;
  spans: readonly RecordSpan[];
  /**
   * With `split.hash`: the hash (hex) of the part's exact bytes, computed as the validator read them.
   * Undefined when the part changed after the scan (a repeated key taken out) or its bytes were not
   * all seen at once (a separator of kilobytes of whitespace): hash `readPart` then.
   */
  sha256?: string;
}

/**
 * A record's primary key as a part names it (masked), from its parsed value; `fromBytes` when its
 * strings were parsed from a byte string (see `BatchParser`).
 *
 * @example
 * ```ts
 * const keyOf: PrimaryKeyOf = (record) => ({ order_no: String(record?.['order_no']) });
 * ```
 */
export type PrimaryKeyOf = (record: Readonly<Record<string, unknown>> | undefined, fromBytes: boolean) => Readonly<Record<string, string>>;

/**
 * The primary key (masked, as {@link PrimaryKeyOf} gives it) of the record at file offsets
 * `[start, end)`, read from the bytes the scanner holds: for records planned without a parsed value.
 *
 * @example
 * ```ts
 * const keyAt: PrimaryKeyAt = (start, end) => keyOf(JSON.parse(decoder.decode(scanner.buf.subarray(start - scanner.base, end - scanner.base))), false);
 * ```
 */
export type PrimaryKeyAt = (start: number, end: number) => Readonly<Record<string, string>>;

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
  /**
   * Hash each part while validating (`part.sha256`), and the whole input while it is within
   * `maxFileBytes` (`report.sha256`): no second read to key a journal. On Node: `createSha256` from
   * `@zhima/validator/node`.
   */
  hash?: (() => PartHash) | undefined;
}

export { PART_CLOSING, PART_OPENING } from './part-frame.js';
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
  /** The primary keys of the part's first and last record as it stands (the last is set when the part closes). */
  firstKey: Readonly<Record<string, string>>;
  lastKey: Readonly<Record<string, string>>;
  /** While the part is open: its last record, whose key is taken only when the part closes. */
  lastRecord: Readonly<Record<string, unknown>> | undefined;
  lastFromBytes: boolean;
  /**
   * While the part is open and its last record came without a value (`addScanned`): that record's file
   * offsets, for `keyAt`; `lastStart` is -1 otherwise.
   */
  lastStart: number;
  lastEnd: number;
  /** `lastKey` already holds the last record's key (taken before the scanner let its bytes go). */
  lastKeyed: boolean;
  sha256: string | undefined;
}

const NO_KEY: Readonly<Record<string, string>> = Object.freeze({});

function emptyPart(): OpenPart {
  return { bytes: FRAME_BYTES, records: 0, spans: [], first: 0, last: -1, firstKey: NO_KEY, lastKey: NO_KEY, lastRecord: undefined, lastFromBytes: false, lastStart: -1, lastEnd: -1, lastKeyed: false, sha256: undefined };
}

/** Index of the part's last record as it stands. */
function lastIndexOf(part: OpenPart): number {
  const span = part.spans[part.spans.length - 1]!;
  return span.firstRecordIndex + span.records - 1;
}

function changed(what = 'the bytes between two records are not a comma and whitespace any more'): ZhimaError {
  return new ZhimaError({ code: 'PARAM_INVALID', message: `The records file changed while it was split: ${what}.`, hint: '拆分期间不要修改文件 / Do not change the file while it is validated and split.' });
}

/**
 * The split plan of a records file, made from the record boundaries the scanner finds (no second
 * scan): records in file order go into the current part while it stays within both bounds, consecutive
 * records as one span (the separators between them copied too), so a part is a few byte ranges of the
 * source. Records held back are left out; a record that repeats a key is taken out after the scan
 * ({@link exclude}), which only shrinks its part. Same input, same plan. Each part's first and last
 * primary key come from the records as they pass (only a part's first record and, when it closes, its
 * last are keyed); a record placed without a parsed value ({@link addScanned}) is keyed from the scanned
 * bytes (`keyAt`) only if it bounds a part: at once as a part's first, and as the open part's last when
 * the part closes or the scanner is about to let its bytes go ({@link pause}). A boundary record taken
 * out is replaced by its neighbour, read again with `recordAt`.
 *
 * @example
 * ```ts
 * const planner = new PartPlanner({ maxFileBytes: 50 * 1024 * 1024, maxRecordsPerFile: Infinity, primaryKeyOf, keyAt, recordAt });
 * planner.add(0, 12, 260, record0, false);
 * planner.add(1, 261, 509, record1, false);
 * const parts = planner.finish();
 * ```
 */
export class PartPlanner {
  private readonly maxFileBytes: number;
  private readonly maxRecordsPerFile: number;
  private readonly primaryKeyOf: PrimaryKeyOf;
  private readonly keyAt: PrimaryKeyAt;
  private readonly recordAt: (recordIndex: number) => Promise<unknown>;
  private readonly hasher: PartHasher | undefined;
  private readonly parts: OpenPart[] = [];
  private current: OpenPart = emptyPart();
  private lastRecord = -2;

  constructor(options: {
    maxFileBytes: number;
    maxRecordsPerFile: number;
    primaryKeyOf: PrimaryKeyOf;
    /** The key of a record placed with {@link addScanned}, while the scanner holds its bytes. */
    keyAt: PrimaryKeyAt;
    /** Record `recordIndex` parsed again from the source (for a boundary record taken out), undefined if it cannot be. */
    recordAt: (recordIndex: number) => Promise<unknown>;
    /** Hash each part from the bytes the scanner holds (`source`) as records are placed. */
    hash?: { create: () => PartHash; source: ScannedBytes } | undefined;
  }) {
    this.maxFileBytes = options.maxFileBytes;
    this.maxRecordsPerFile = options.maxRecordsPerFile;
    this.primaryKeyOf = options.primaryKeyOf;
    this.keyAt = options.keyAt;
    this.recordAt = options.recordAt;
    this.hasher = options.hash === undefined ? undefined : new PartHasher(options.hash);
  }

  /**
   * The scanner is about to let go of its buffer (see {@link PartHasher.pause}): the open part's last
   * record, if placed without a value, is keyed while its bytes are there.
   */
  pause(): void {
    this.hasher?.pause();
    const part = this.current;
    if (part.lastStart >= 0) {
      part.lastKey = this.keyAt(part.lastStart, part.lastEnd);
      part.lastKeyed = true;
      part.lastStart = -1;
    }
  }

  /** True when a record of `length` bytes fits in a part of its own. */
  fits(length: number): boolean {
    return FRAME_BYTES + length <= this.maxFileBytes;
  }

  /**
   * Adds record `recordIndex`, at file offsets `[start, end)`, to the plan (records come in file order),
   * with its parsed value for the part's first and last primary key.
   */
  add(recordIndex: number, start: number, end: number, record: Readonly<Record<string, unknown>> | undefined, fromBytes: boolean): void {
    const part = this.place(recordIndex, start, end);
    if (part.records === 1) part.firstKey = this.primaryKeyOf(record, fromBytes);
    part.lastRecord = record;
    part.lastFromBytes = fromBytes;
    part.lastStart = -1;
    part.lastKeyed = false;
  }

  /**
   * Adds record `recordIndex` as {@link add} does, without its parsed value: its key, if it bounds a
   * part, is read from the scanned bytes with `keyAt`.
   */
  addScanned(recordIndex: number, start: number, end: number): void {
    const part = this.place(recordIndex, start, end);
    if (part.records === 1) part.firstKey = this.keyAt(start, end);
    part.lastRecord = undefined;
    part.lastStart = start;
    part.lastEnd = end;
    part.lastKeyed = false;
  }

  /** Places a record in the current part, or in a new one when it would pass a bound; returns the part. */
  private place(recordIndex: number, start: number, end: number): OpenPart {
    let part = this.current;
    let last = part.spans[part.spans.length - 1];
    // A record right after the part's last one extends its span: the separator between them comes too.
    let added = last !== undefined && this.lastRecord === recordIndex - 1 ? end - last.end : 1 + end - start;
    if (part.records > 0 && (part.bytes + added > this.maxFileBytes || part.records >= this.maxRecordsPerFile)) {
      this.seal(part);
      part = this.current = emptyPart();
      last = undefined;
    }
    if (part.records === 0) {
      added = end - start;
      part.first = recordIndex;
      this.hasher?.open(start, end);
    }
    part.last = recordIndex;
    if (last !== undefined && this.lastRecord === recordIndex - 1) {
      last.end = end;
      last.length = end - last.offset;
      last.records++;
      this.hasher?.extend(end);
    } else {
      if (part.records > 0) this.hasher?.span(start, end);
      part.spans.push({ offset: start, length: end - start, end, firstRecordIndex: recordIndex, records: 1 });
    }
    part.bytes += added;
    part.records++;
    this.lastRecord = recordIndex;
    return part;
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
    const wasFirst = recordIndex === part.spans[0]!.firstRecordIndex;
    const wasLast = recordIndex === lastIndexOf(part);
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
    part.sha256 = undefined;
    part.bytes = FRAME_BYTES + part.spans.reduce((sum, one) => sum + one.length, 0) + Math.max(part.spans.length - 1, 0);
    if (part.records === 0) return;
    if (wasFirst) part.firstKey = await this.keyOfRecord(part.spans[0]!.firstRecordIndex);
    if (wasLast) part.lastKey = await this.keyOfRecord(lastIndexOf(part));
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
        lastRecordIndex: lastIndexOf(part),
        firstPrimaryKey: part.firstKey,
        lastPrimaryKey: part.lastKey,
        spans: part.spans.map(({ offset, length, firstRecordIndex, records }) => ({ offset, length, firstRecordIndex, records })),
        ...(part.sha256 === undefined ? {} : { sha256: part.sha256 }),
      }));
  }

  private close(): void {
    if (this.current.records > 0) {
      this.seal(this.current);
      this.current = emptyPart();
    }
  }

  /** Closes a part: its last record's key is taken, and the record let go. */
  private seal(part: OpenPart): void {
    if (part.lastStart >= 0) part.lastKey = this.keyAt(part.lastStart, part.lastEnd);
    else if (!part.lastKeyed) part.lastKey = this.primaryKeyOf(part.lastRecord, part.lastFromBytes);
    part.lastRecord = undefined;
    part.lastStart = -1;
    part.sha256 = this.hasher?.seal();
    this.parts.push(part);
  }

  /** The key of a record read again from the source (its strings decoded in full). */
  private async keyOfRecord(recordIndex: number): Promise<Readonly<Record<string, string>>> {
    const record = await this.recordAt(recordIndex);
    if (typeof record !== 'object' || record === null || Array.isArray(record)) throw changed(`record number ${recordIndex + 1} no longer reads back as a record`);
    return this.primaryKeyOf(record as Readonly<Record<string, unknown>>, false);
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
      if (isJsonWhitespace(byte)) continue;
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
      if (isJsonWhitespace(byte)) continue;
      if (byte === 0x2c && !comma) comma = true;
      else if (comma) return from + i;
      else throw changed();
    }
  }
}
