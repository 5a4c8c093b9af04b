import type { ReadAt } from '../input/chunks.js';
import type { FieldRules } from '../rules/field-check.js';
import type { IssueCollector } from '../report/issue.js';
import { shownPrimaryKey } from '../report/mask.js';
import type { FileCharset } from '../scan/charset-bytes.js';
import {
  FileScanner,
  OFFER_END,
  OFFER_LINE,
  OFFER_LINE_START,
  OFFER_SLOTS,
  OFFER_START,
  RECORD_HAS_NON_ASCII,
  RECORD_HAS_UNICODE_ESCAPE,
  RECORD_NOT_GBK,
  type ScanListener,
  type StructureProblem,
} from '../scan/file-scanner.js';
import { FlatRecordShape } from '../scan/flat-record-shape.js';
import { findJsonError } from '../scan/json-syntax.js';
import type { PartHash, ScannedBytes } from '../split/part-hash.js';
import { PartPlanner, type PrimaryKeyAt, type PrimaryKeyOf } from '../split/part-plan.js';
import { bilingual, recordMark } from '../report/issue.js';
import { CharsetChecks } from './charset-checks.js';
import { HoldBackList } from './hold-back.js';
import { DuplicateConfirmer } from './duplicate-confirmer.js';
import { KeyStaging } from './key-staging.js';
import { RecordIssues, type IssueLocation, type RecordPlace } from './record-issues.js';
import { RecordRules, textOfByteString, type FlatValues } from './record-rules.js';
import { rereadRecord } from './reread.js';
import { structureIssue } from './structure-messages.js';

// Records decoded and parsed by one `JSON.parse('[' + records + ']')`: a quarter less time than one
// call per record, while a batch stays small enough (≈ 16 KB of loan records) to sit in the CPU cache.
const BATCH_RECORDS = 64;

// A record waiting in the batch buffer is BATCH_SLOTS numbers from `k * BATCH_SLOTS`: its buffer start
// and end, its key/value pairs (the scanner's colon count), the scanner's RECORD_* flags, the line it
// starts on and that line's file offset.
const BATCH_SLOTS = 6;
const BATCH_START = 0;
const BATCH_END = 1;
const BATCH_COLONS = 2;
const BATCH_FLAGS = 3;
const BATCH_LINE = 4;
const BATCH_LINE_START = 5;

// What runtime GBK decoders make of bytes 0x80 and 0xFF, which GBK lacks (WHATWG: €; ICU: € and U+F8F5).
// A batch holding them goes the byte scan, which reports those bytes.
const OUTSIDE_GBK = /[\u20ac\uf8f5]/;

/**
 * Called with each batch of records `JSON.parse` made while validating, in file order: `records[i]` is
 * record `firstRecordIndex + i`.
 *
 * @example
 * ```ts
 * const onRecords: RecordsListener = ({ records, firstRecordIndex }) => console.log(firstRecordIndex, records.length);
 * ```
 */
export type RecordsListener = (batch: { records: readonly unknown[]; firstRecordIndex: number }) => void;

/**
 * The batch parsing strategy of a file's records: takes a whole batch the scanner offers, split at each
 * next `}` without a byte scan, when the split is proved exact — from the bytes alone for flat
 * string-valued UTF-8 records (`FlatRecordShape`: no decode, no parse), else by one `JSON.parse` —
 * otherwise each record the scanner finds, parsing 64 records with one `JSON.parse` and falling back to
 * one record alone when a batch fails; it runs the record rules, the charset checks and the key staging
 * on each. Findings go to the collector.
 *
 * @example
 * ```ts
 * const parser = new BatchParser({ charset: 'UTF-8', columns, primaryKeyColumns, rules: {}, sensitiveFields: [], collector, maxRecordBytes: 1 << 20, expectedRecords: 0 });
 * parser.scanner.push(bytes);
 * parser.scanner.finish();
 * await parser.duplicates.confirm();
 * ```
 */
export class BatchParser implements ScanListener, RecordPlace {
  readonly scanner: FileScanner;
  readonly charset: FileCharset;
  /** The fields masked in messages (the defaults and the caller's). */
  readonly sensitiveFields: readonly string[];
  recordCount = 0;
  /** Candidate duplicate primary keys found while scanning; the caller awaits their confirmation. */
  readonly duplicates: DuplicateConfirmer;
  readonly charsets: CharsetChecks;
  /** With hold-back: what it took out of the file (see `finish`). */
  readonly holdBack: HoldBackList | undefined;
  /** With a split: the plan, fed each record that stays. */
  readonly planner: PartPlanner | undefined;
  private readonly rules: RecordRules;
  private readonly issues: RecordIssues;
  private readonly keys: KeyStaging;
  private readonly decoder: TextDecoder;
  private readonly collector: IssueCollector;
  private readonly batch = new Float64Array(BATCH_RECORDS * BATCH_SLOTS);
  private batchSize = 0;
  /** Index of the batch's first record: a record's batch position is its index minus this. */
  private batchFirstRecord = 0;
  /** See the `onRecords` option. */
  private readonly onRecords: RecordsListener | undefined;
  /** See the `byteString` option; undefined where it does not apply. */
  private readonly byteString: ((bytes: Uint8Array) => string | undefined) | undefined;
  /** The byte-level proof of offered records, where nothing needs their parsed values (see `tryBytes`). */
  private readonly shape: FlatRecordShape | undefined;
  /** Primary key value ranges of the records `shape` matched, per batch position. */
  private readonly keyRanges: Float64Array;
  /** With template rules: every value's span of the records `shape` matched (see `FlatRecordShape.match`). */
  private readonly valueSpans: Int32Array;
  /** Per batch position: 1 when every template check passed on the matched record's bytes (see `RecordRules.passesFlat`). */
  private readonly passedOnBytes = new Uint8Array(BATCH_RECORDS);
  /** The `byteString` option, for the values template rules read on the byte path. */
  private readonly shapeByteString: ((bytes: Uint8Array) => string | undefined) | undefined;
  private flushing = false;
  /** A record's syntax error ended parsing. */
  private stopped = false;
  /** Line and line start of the record being checked. */
  private recordLine = 1;
  private recordLineStart = 0;
  /** File offset just past the last record begun: how far the records have been read. */
  private recordsEndOffset = 0;

  constructor(options: {
    charset: FileCharset;
    columns: readonly string[];
    primaryKeyColumns: readonly string[];
    rules: FieldRules;
    sensitiveFields: readonly string[];
    collector: IssueCollector;
    maxRecordBytes: number;
    expectedRecords: number;
    /** Input size when known: lets the key index guess the final record count early. */
    totalBytes?: number;
    /** Random access to the same bytes: confirms duplicate candidates exactly. */
    readAt?: ReadAt;
    /**
     * Valid UTF-8 bytes as a string of one character per byte, or undefined when they are not valid
     * UTF-8. Where the runtime checks UTF-8 without decoding it (Node), parsing such a string skips the
     * transcoding, the largest cost after `JSON.parse` itself. Used for batches of clean records only.
     */
    byteString?: (bytes: Uint8Array) => string | undefined;
    /** Plan parts of at most these bounds from the records that stay. */
    split?: { maxFileBytes: number; maxRecordsPerFile: number; hash?: (() => PartHash) | undefined };
    /** Hold back bad records instead of failing the file (needs `readAt`). */
    holdBack?: { maxRecords?: number | undefined };
    /** Handed each batch of parsed records, in file order (see `ValidationOptions.onRecords`). */
    onRecords?: RecordsListener;
  }) {
    this.charset = options.charset;
    this.onRecords = options.onRecords;
    this.sensitiveFields = options.sensitiveFields;
    this.collector = options.collector;
    this.holdBack =
      options.holdBack === undefined
        ? undefined
        : new HoldBackList({ collector: options.collector, maxRecords: options.holdBack.maxRecords, span: () => ({ byteOffset: this.scanner.base + this.issues.start, byteLength: this.issues.end - this.issues.start }) });
    this.decoder = new TextDecoder(options.charset === 'GBK' ? 'gbk' : 'utf-8', { fatal: true });
    // One masked reading of a record's primary key, for its issues and for the parts it bounds.
    const primaryKeyOf = (record: Readonly<Record<string, unknown>>, fromBytes: boolean) =>
      shownPrimaryKey({ record, primaryKeyColumns: this.rules.primaryKeyColumns, sensitiveFields: options.sensitiveFields, ...(fromBytes ? { decode: textOfByteString } : {}) });
    this.issues = new RecordIssues({ place: this, sink: this.holdBack ?? options.collector, primaryKeyOf });
    const partKeyOf: PrimaryKeyOf = (record, fromBytes) => (record === undefined ? undefined : primaryKeyOf(record, fromBytes)) ?? {};
    // A record the byte proof took (flat strings, no escapes, valid UTF-8) parses to what the exact path
    // parses; only the records bounding a part are parsed, one at a time.
    const partKeyAt: PrimaryKeyAt = (start, end) => {
      const { buf, base } = this.scanner;
      return partKeyOf(JSON.parse(this.decoder.decode(buf.subarray(start - base, end - base))) as Record<string, unknown>, false);
    };
    const readAt = options.readAt;
    // The scanner is made below; the hasher looks at its buffer only once records come.
    const scanner = () => this.scanner;
    const scanned: ScannedBytes = {
      get buf() {
        return scanner().buf;
      },
      get base() {
        return scanner().base;
      },
    };
    this.planner =
      options.split === undefined
        ? undefined
        : new PartPlanner({
            maxFileBytes: options.split.maxFileBytes,
            maxRecordsPerFile: options.split.maxRecordsPerFile,
            primaryKeyOf: partKeyOf,
            keyAt: partKeyAt,
            hash: options.split.hash === undefined ? undefined : { create: options.split.hash, source: scanned },
            // Only hold-back takes records out of a plan, and it needs readAt.
            recordAt: async (recordIndex) => (readAt === undefined ? undefined : (await rereadRecord({ readAt, sparseOffsets: this.keys.sparseOffsets, recordIndex, charset: options.charset }))?.value),
          });
    this.rules = new RecordRules({
      columns: options.columns,
      primaryKeyColumns: options.primaryKeyColumns,
      rules: options.rules,
      sensitiveFields: options.sensitiveFields,
      issues: this.issues,
      stage: (keyValues, recordIndex) => this.keys.stage(keyValues, recordIndex),
      rows: BATCH_RECORDS,
    });
    const primaryKeyColumns = this.rules.primaryKeyColumns;
    // Template rules need the real text of every value, and a non-ASCII column name would not match its
    // bytes. onRecords hands on text: making it from byte strings value by value costs more than decoding.
    this.byteString = options.charset === 'UTF-8' && !this.rules.hasChecks && this.rules.asciiColumns && options.onRecords === undefined ? options.byteString : undefined;
    // Without template rules nothing but the key needs a record's values: a plan keys only the records
    // bounding a part (read again from the buffer), hold-back takes out only records with issues (none
    // here) and repeated keys (found from the key index). onRecords needs every parsed value.
    const columns = this.rules.columns;
    // Template rules get the values as text and the record as an object built from them (an own `__proto__` would need more).
    const shapeFits =
      options.charset === 'UTF-8' &&
      this.rules.asciiColumns &&
      columns.length > 0 &&
      new Set(columns).size === columns.length &&
      !(this.rules.hasChecks && columns.includes('__proto__')) &&
      options.onRecords === undefined;
    this.shape = shapeFits ? new FlatRecordShape({ columns, keyPositions: primaryKeyColumns.map((key) => columns.indexOf(key)) }) : undefined;
    this.keyRanges = new Float64Array(shapeFits ? BATCH_RECORDS * primaryKeyColumns.length * 2 : 0);
    this.valueSpans = new Int32Array(shapeFits && this.rules.hasChecks ? BATCH_RECORDS * columns.length * 4 : 0);
    this.shapeByteString = options.byteString;
    const totalBytes = options.totalBytes;
    // The fewest bytes a record holding a primary key takes (braces, and `"k":"v",` per key column): the
    // most keys a file of `totalBytes` can hold, whatever its first records suggest.
    const minKeyedRecordBytes = primaryKeyColumns.reduce((sum, key) => sum + key.length + 6, 2);
    this.keys = new KeyStaging({
      keyColumns: primaryKeyColumns.length,
      batchRecords: BATCH_RECORDS,
      expectedRecords: options.expectedRecords,
      estimate: () => {
        const seen = this.recordsEndOffset;
        if (totalBytes === undefined || seen <= 0) return 0;
        // The average record so far, scaled to the whole input, 5 % over so the jump is the last one.
        return Math.min(Math.ceil(((this.recordCount * totalBytes) / seen) * 1.05), Math.ceil(totalBytes / minKeyedRecordBytes));
      },
    });
    this.duplicates = new DuplicateConfirmer({
      index: this.keys.index,
      collector: options.collector,
      readAt: options.readAt,
      charset: options.charset,
      primaryKeyColumns,
      sensitiveFields: options.sensitiveFields,
      sparseOffsets: () => this.keys.sparseOffsets,
      ...(this.holdBack === undefined ? {} : { holder: this.holdBack }),
    });
    this.charsets = new CharsetChecks({ charset: options.charset, issues: this.issues, collector: options.collector });
    this.scanner = new FileScanner({ charset: options.charset, maxRecordBytes: options.maxRecordBytes, listener: this });
  }

  /** The primary key columns the key index holds (those among `columns`, without repeats). */
  get primaryKeyColumns(): readonly string[] {
    return this.rules.primaryKeyColumns;
  }

  recordBytes(): Uint8Array {
    return this.scanner.buf;
  }

  /** File location of a buffer index inside the current record. */
  locate(at: number): IssueLocation {
    const scanner = this.scanner;
    const byteOffset = scanner.base + at;
    return { byteOffset, ...scanner.locateInRecord(scanner.base + this.issues.start, byteOffset, this.recordLine, this.recordLineStart) };
  }

  onProblem(problem: StructureProblem): void {
    // Records scanned before the problem come first in the report; a problem after a record's own
    // syntax error (found while flushing) lies beyond the first error and is dropped.
    if (!this.flushing) {
      this.flush();
      if (this.stopped) return;
    }
    // The record that failed reports its own findings (say a bad byte) before its syntax error.
    this.issues.endRecord(undefined);
    this.collector.add(structureIssue({ problem, charset: this.charset }));
  }

  onRecord(start: number, end: number, colons: number, flags: number): void {
    const slot = this.batchSize++ * BATCH_SLOTS;
    const batch = this.batch;
    batch[slot + BATCH_START] = start;
    batch[slot + BATCH_END] = end;
    batch[slot + BATCH_COLONS] = colons;
    batch[slot + BATCH_FLAGS] = flags;
    batch[slot + BATCH_LINE] = this.scanner.recordLine;
    batch[slot + BATCH_LINE_START] = this.scanner.recordLineStart;
    if (this.batchSize === BATCH_RECORDS) this.flush();
  }

  onPause(): void {
    this.flush();
    this.planner?.pause();
  }

  /**
   * Decodes and parses the waiting records in one call each (`[` + records + `]`: the bytes between
   * records are commas and whitespace the scanner already checked). Any failure in the batch (bad
   * bytes, syntax) sends it through the exact per-record path.
   */
  private flush(): void {
    const count = this.batchSize;
    if (count === 0 || this.stopped) return;
    this.batchSize = 0;
    this.flushing = true;
    const batch = this.batch;
    const bytes = this.scanner.buf;
    let values: unknown[] | undefined;
    try {
      values = JSON.parse(`[${this.decoder.decode(bytes.subarray(batch[BATCH_START]!, batch[(count - 1) * BATCH_SLOTS + BATCH_END]!))}]`) as unknown[];
    } catch {
      values = undefined;
    }
    const firstRecordIndex = this.recordCount;
    // Only the records read to the end are handed on: a record failing its syntax stops the file.
    const parsed: unknown[] | undefined = this.onRecords === undefined ? undefined : [];
    this.beginBatch();
    for (let k = 0; k < count && !this.stopped; k++) {
      const slot = k * BATCH_SLOTS;
      const flags = batch[slot + BATCH_FLAGS]!;
      this.beginRecord(batch[slot + BATCH_START]!, batch[slot + BATCH_END]!, batch[slot + BATCH_LINE]!, batch[slot + BATCH_LINE_START]!);
      // A batch parse maps 0x80/0xFF to characters: records holding them are decoded alone, which reports them.
      const value = values !== undefined && (flags & RECORD_NOT_GBK) === 0 ? values[k] : this.parseAlone(flags);
      if (this.stopped) break;
      this.checkRecord(value, batch[slot + BATCH_COLONS]!, flags);
      if (parsed !== undefined && !this.stopped) parsed.push(value);
    }
    this.keys.insertStaged(this.onKeyMatch);
    this.flushing = false;
    if (parsed !== undefined && parsed.length > 0) this.onRecords!({ records: parsed, firstRecordIndex });
  }

  /**
   * Takes the scanner's offer of records split at each next `}` without a byte scan, when it can prove
   * the split exact and the records clean; otherwise returns false and the records go the exact way.
   *
   * The proof: `JSON.parse` accepts `[` + the whole stretch + `]` and finds as many records as offered.
   * An offered end is never after the true end of its record, so a wrong split adds records; the counts
   * match only when every split is right. Then each record must have exactly the columns, in order, with
   * string values, and the stretch must be exactly as long as the records' plain text (keys, values,
   * quotes, colons, commas, braces): a duplicate key, whitespace inside a record, or an escape (always
   * longer than the character it stands for) would make it longer.
   */
  tryBatch(records: Float64Array, count: number): boolean {
    this.flush();
    if (this.stopped) return false;
    if (this.shape !== undefined && this.tryBytes(records, count)) return true;
    const start = records[OFFER_START]!;
    const end = records[(count - 1) * OFFER_SLOTS + OFFER_END]!;
    const byteString = this.byteString;
    const rules = this.rules;
    let text: string | undefined;
    let values: unknown[];
    try {
      const bytes = this.scanner.buf.subarray(start, end);
      text = byteString === undefined ? this.decoder.decode(bytes) : byteString(bytes);
      if (text === undefined || (this.charset === 'GBK' && OUTSIDE_GBK.test(text))) return false;
      values = JSON.parse(`[${text}]`) as unknown[];
    } catch {
      return false;
    }
    if (values.length !== count) return false;
    // The bytes between records are commas and whitespace: as many characters as bytes. (From a byte
    // string every length below is in bytes, which the same argument holds for.)
    let plainChars = end - start + count * rules.fixedChars;
    for (let k = 0; k < count; k++) {
      const valueChars = rules.readInOrder(values[k] as Record<string, unknown>, k, byteString !== undefined);
      if (valueChars < 0) return false;
      plainChars += valueChars - (records[k * OFFER_SLOTS + OFFER_END]! - records[k * OFFER_SLOTS + OFFER_START]!);
    }
    if (plainChars !== text.length) return false;
    // Nor whitespace inside a record: the offered lines, which count no line feed inside one, are right.

    // Proved: the batch buffer takes the records as the exact scan would have queued them (every
    // record clean: as many pairs as columns, no flags), so a key match can locate its record.
    const charsets = this.charsets;
    const issues = this.issues;
    const planner = this.planner;
    this.beginBatch();
    for (let k = 0; k < count; k++) {
      this.beginOffered(records, k);
      if (charsets.sampling) charsets.sample(this.scanner.buf, issues.start, issues.end);
      const record = values[k] as Record<string, unknown>;
      rules.acceptInOrder(record, issues.recordIndex, k, byteString !== undefined);
      // Only template rules report here: without a plan, most records have nothing more to do.
      if (planner !== undefined || issues.waiting) this.finishRecord(record, byteString !== undefined);
    }
    this.keys.insertStaged(this.onKeyMatch);
    if (this.onRecords !== undefined) this.onRecords({ records: values, firstRecordIndex: this.batchFirstRecord });
    return true;
  }

  /**
   * The offer proved from its bytes alone (see `FlatRecordShape`): every record exactly the columns in
   * order with plain string values and a non-blank key, so the record checks pass without a parse and
   * only the key, hashed from its bytes, goes on (and, with a plan, the record's place: the plan keys
   * the records bounding a part from the buffer). Any record of another shape, or too large for a part
   * (a finding the exact path reports), leaves the whole offer to the parsing proof.
   */
  private tryBytes(records: Float64Array, count: number): boolean {
    const shape = this.shape!;
    const bytes = this.scanner.buf;
    const keyRanges = this.keyRanges;
    const keyColumns = shape.keyColumns;
    const rules = this.rules;
    const planner = this.planner;
    const columns = rules.columns.length;
    const spans = rules.hasChecks ? this.valueSpans : undefined;
    shape.extraBytes = 0;
    shape.lineFeeds = 0;
    for (let k = 0; k < count; k++) {
      const start = records[k * OFFER_SLOTS + OFFER_START]!;
      const end = records[k * OFFER_SLOTS + OFFER_END]!;
      if (planner !== undefined && !planner.fits(end - start)) return false;
      if (!shape.match(bytes, start, end, keyRanges, k * keyColumns * 2, spans, k * columns * 4)) return false;
      // Checked now, while the record's bytes are in the CPU cache; reported once the whole offer is proved.
      if (spans !== undefined) this.passedOnBytes[k] = rules.passesFlat(bytes, spans, k * columns * 4) ? 1 : 0;
    }
    // The offered lines count no line feed inside a record (pretty-printed files have them).
    if (shape.lineFeeds > 0) this.scanner.locateOffer(records, count);
    if (spans !== undefined) {
      this.acceptWithRules(records, count, spans);
      return true;
    }
    const keys = this.keys;
    const issues = this.issues;
    const base = this.scanner.base;
    this.beginBatch();
    for (let k = 0; k < count; k++) {
      this.beginOffered(records, k);
      if (keyColumns > 0) keys.stageBytes(bytes, keyRanges, k * keyColumns * 2, issues.recordIndex);
      // No issues, so nothing held back here: a repeated key is taken out of the plan after the scan.
      if (planner !== undefined) planner.addScanned(issues.recordIndex, base + issues.start, base + issues.end);
    }
    keys.insertStaged(this.onKeyMatch);
    return true;
  }

  /**
   * The matched offer with template rules: a record whose checks all passed on its bytes when matched
   * (`RecordRules.passesFlat`) has nothing to report; the others are checked again to report (see
   * `RecordRules.checkFlat`): a value is made a string only for a check that needs its text, and the
   * record an object only for a check that reads it or a record with findings. Keys are staged from bytes.
   */
  private acceptWithRules(records: Float64Array, count: number, spans: Int32Array): void {
    const bytes = this.scanner.buf;
    const stretchStart = records[OFFER_START]!;
    const stretchEnd = records[(count - 1) * OFFER_SLOTS + OFFER_END]!;
    // Proved UTF-8 already: the decode cannot fail. Where a byte string is cheap (Node), ASCII values
    // are slices of it and only the others are decoded, one by one: less than decoding it all to UTF-16.
    // Either is made once per offer, when a first value is wanted as text.
    const byteString = this.shapeByteString;
    const fromBytes = byteString !== undefined;
    const decoder = this.decoder;
    let text: string | undefined;
    const values: FlatValues = {
      bytes,
      spans,
      at: 0,
      text(c) {
        const at = values.at + c * 4;
        const start = spans[at]!;
        const end = spans[at + 1]!;
        const extraBefore = spans[at + 2]!;
        const extraAfter = spans[at + 3]!;
        if (fromBytes && extraAfter !== extraBefore) return decoder.decode(bytes.subarray(start, end));
        text ??= byteString?.(bytes.subarray(stretchStart, stretchEnd)) ?? decoder.decode(bytes.subarray(stretchStart, stretchEnd));
        return fromBytes ? text.slice(start - stretchStart, end - stretchStart) : text.slice(start - stretchStart - extraBefore, end - stretchStart - extraAfter);
      },
    };
    const rules = this.rules;
    const columns = rules.columns.length;
    const issues = this.issues;
    const keys = this.keys;
    const keyColumns = this.shape!.keyColumns;
    const planner = this.planner;
    const base = this.scanner.base;
    const passedOnBytes = this.passedOnBytes;
    this.beginBatch();
    for (let k = 0; k < count; k++) {
      this.beginOffered(records, k);
      values.at = k * columns * 4;
      if (passedOnBytes[k] === 0) rules.checkFlat(values, issues.recordIndex);
      if (keyColumns > 0) keys.stageBytes(bytes, this.keyRanges, k * keyColumns * 2, issues.recordIndex);
      // A record with findings may be held back; one without joins the plan by its place alone (see tryBytes).
      if (issues.waiting) this.finishRecord(rules.currentRecord(), false);
      else if (planner !== undefined) planner.addScanned(issues.recordIndex, base + issues.start, base + issues.end);
    }
    keys.insertStaged(this.onKeyMatch);
  }

  /**
   * Queues record `k` of a proved offer in the batch buffer as the exact scan would have (every record
   * clean: as many pairs as columns, no flags), so a key match can locate it, and begins it.
   */
  private beginOffered(records: Float64Array, k: number): void {
    const offer = k * OFFER_SLOTS;
    const slot = k * BATCH_SLOTS;
    const batch = this.batch;
    const recordStart = records[offer + OFFER_START]!;
    const recordEnd = records[offer + OFFER_END]!;
    batch[slot + BATCH_START] = recordStart;
    batch[slot + BATCH_END] = recordEnd;
    batch[slot + BATCH_COLONS] = this.rules.columns.length;
    batch[slot + BATCH_FLAGS] = 0;
    batch[slot + BATCH_LINE] = records[offer + OFFER_LINE]!;
    batch[slot + BATCH_LINE_START] = records[offer + OFFER_LINE_START]!;
    this.beginRecord(recordStart, recordEnd, records[offer + OFFER_LINE]!, records[offer + OFFER_LINE_START]!);
  }

  /** A staged primary key whose fingerprint is already held: a candidate duplicate, confirmed later. */
  private readonly onKeyMatch = (recordIndex: number): void => {
    const k = recordIndex - this.batchFirstRecord;
    const slot = k * BATCH_SLOTS;
    const batch = this.batch;
    const scanner = this.scanner;
    const byteOffset = scanner.base + batch[slot + BATCH_START]!;
    const lineStart = batch[slot + BATCH_LINE_START]!;
    this.duplicates.add({
      recordIndex,
      values: this.keys.stagedValues(k),
      byteOffset,
      byteLength: batch[slot + BATCH_END]! - batch[slot + BATCH_START]!,
      line: batch[slot + BATCH_LINE]!,
      lineStart,
      column: this.duplicates.wantsLocation ? scanner.columnOf(byteOffset, lineStart) : 0,
    });
  };

  /** Frees the primary-key index once every duplicate is confirmed (see `PrimaryKeyIndex.release`). */
  releaseKeys(): void {
    this.keys.index.release();
  }

  /** Reports at most once: called after the scan to settle the GBK-declared-but-UTF-8 sample. */
  finishCharsetSample(): void {
    this.charsets.finish();
  }

  private beginBatch(): void {
    this.batchFirstRecord = this.recordCount;
    this.keys.beginBatch(this.recordCount);
  }

  private beginRecord(start: number, end: number, line: number, lineStart: number): void {
    const recordIndex = this.recordCount++;
    this.keys.remember(recordIndex, this.scanner.base + start);
    this.issues.beginRecord(recordIndex, start, end);
    this.recordsEndOffset = this.scanner.base + end;
    this.recordLine = line;
    this.recordLineStart = lineStart;
  }

  /** The exact path for one record: charset problems reported, then `JSON.parse`, or a syntax error. */
  private parseAlone(flags: number): unknown {
    const { start, end } = this.issues;
    const bytes = this.scanner.buf;
    let text: string;
    try {
      text = this.decoder.decode(bytes.subarray(start, end));
      if ((flags & RECORD_NOT_GBK) !== 0) text = this.charsets.invalidBytes(bytes);
    } catch {
      text = this.charsets.invalidBytes(bytes);
    }
    try {
      return JSON.parse(text);
    } catch {
      this.failRecord();
      return undefined;
    }
  }

  /** The exact path's byte checks, then the record rules. */
  private checkRecord(value: unknown, colons: number, flags: number): void {
    const issues = this.issues;
    const { start, end } = issues;
    const bytes = this.scanner.buf;
    // RECORD_HAS_NON_ASCII is set in GBK files only.
    if ((flags & RECORD_HAS_NON_ASCII) !== 0 && this.charsets.sampling) this.charsets.sample(bytes, start, end);
    // JSON.parse accepts unpaired surrogate escapes ("\ud800"); strict JSON for interchange (I-JSON) does not.
    if ((flags & RECORD_HAS_UNICODE_ESCAPE) !== 0 && findJsonError({ bytes, start, end, charset: this.charset }) !== undefined) {
      this.failRecord();
      return;
    }
    this.rules.check(value, colons);
    this.finishRecord(typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined, false);
  }

  /**
   * Ends the current record: a record no part can hold is a finding; its findings are handed on (with
   * hold-back, a record with errors is held back); a record that stays joins the plan.
   */
  private finishRecord(record: Record<string, unknown> | undefined, fromBytes: boolean): void {
    const { issues, planner } = this;
    const { start, end, recordIndex } = issues;
    if (planner !== undefined && !planner.fits(end - start)) {
      issues.recordIssue('error', 'INVALID_FILE_TYPE', 'record-too-large-for-part', bilingual(`记录 ${recordMark(recordIndex)} 有 ${end - start} 字节，单独成文件也超过拆分上限`, `record ${recordMark(recordIndex)} is ${end - start} bytes: even alone it would make a part over the split bound`));
    }
    issues.endRecord(record, fromBytes);
    if (planner !== undefined && this.holdBack?.holds(recordIndex) !== true) planner.add(recordIndex, this.scanner.base + start, this.scanner.base + end, record, fromBytes);
  }

  private failRecord(): void {
    this.stopped = true;
    this.scanner.failRecord(this.issues.start, this.issues.end, this.recordLine, this.recordLineStart);
  }
}
