import { isAbsentParamValue } from '@zhima/core';
import type { ReadAt } from '../input/chunks.js';
import type { FieldCheck, FieldCheckContext, FieldProblem, FieldRules } from '../rules/field-check.js';
import { bilingual, type Issue, type IssueCollector, type Severity } from '../report/issue.js';
import { showValue } from '../report/mask.js';
import { firstInvalidByte, type FileCharset } from '../scan/charset-bytes.js';
import {
  FileScanner,
  RECORD_HAS_NON_ASCII,
  RECORD_HAS_UNICODE_ESCAPE,
  RECORD_NOT_GBK,
  type ScanListener,
  type StructureProblem,
} from '../scan/file-scanner.js';
import { findJsonError, type ObjectKey } from '../scan/json-syntax.js';
import { PrimaryKeyIndex } from '../unique/primary-key-index.js';
import { DuplicateConfirmer } from './duplicate-confirmer.js';
import { SPARSE_SHIFT } from './reread.js';
import { structureIssue } from './structure-messages.js';

const GBK_SAMPLE_RECORDS = 64;
const BATCH_RECORDS = 64;

/**
 * The same text as the engine's own copy of a property name. Keys from `JSON.parse` are such copies, so
 * comparing a column with them is then one pointer check; column names split from a comma string are
 * not, and each comparison would walk the characters (the key check ran 2.5× slower).
 */
function asPropertyName(name: string): string {
  return Object.keys({ [name]: 0 })[0]!;
}

const NON_ASCII = /[\u0080-\uffff]/;
// What runtime GBK decoders make of bytes 0x80 and 0xFF, which GBK lacks (WHATWG: €; ICU: € and U+F8F5).
// A batch holding them goes the byte scan, which reports those bytes.
const OUTSIDE_GBK = /[\u20ac\uf8f5]/;
const UTF8 = new TextDecoder();

/** The text a value parsed from a byte string spells (its characters are UTF-8 bytes). */
function textOfByteString(value: string): string {
  return NON_ASCII.test(value) ? UTF8.decode(Uint8Array.from(value, (char) => char.charCodeAt(0))) : value;
}

/**
 * A primary-key value the gateway takes for empty: `''` or only Java whitespace (`isAbsentParamValue`,
 * the `StringUtils.isEmpty` rule). `fromBytes`: the value is a byte string (see the `byteString` option).
 */
function isBlankKey(value: string, fromBytes: boolean): boolean {
  const first = value.charCodeAt(0);
  // Printable ASCII is never whitespace: most keys are settled by their first character.
  if (first > 0x20 && first < 0x7f) return false;
  if (!fromBytes) return isAbsentParamValue(value);
  // Decode the first character alone first: a key starting with a CJK character is not blank.
  if (first >= 0x80 && !isAbsentParamValue(textOfByteString(value.slice(0, 3)).charAt(0))) return false;
  return isAbsentParamValue(textOfByteString(value));
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'array' : typeof value;
}

/**
 * Checks each record the scanner finds: charset, syntax (`JSON.parse` on 64 records at a time, on one
 * record alone when a batch fails), shape, columns, value types, primary keys and template rules.
 * Findings go to the collector.
 *
 * @example
 * ```ts
 * const checker = new RecordChecker({ charset: 'UTF-8', columns, primaryKeyColumns, rules: {}, sensitiveFields: [], collector, maxRecordBytes: 1 << 20, expectedRecords: 0 });
 * checker.scanner.push(bytes);
 * checker.scanner.finish();
 * ```
 */
export class RecordChecker implements ScanListener {
  readonly scanner: FileScanner;
  recordCount = 0;
  /** Start offsets of every 32nd record, for re-reading earlier records. */
  sparseOffsets = new Float64Array(1024);
  private readonly index: PrimaryKeyIndex;
  /** Candidate duplicate primary keys found while scanning; the caller awaits their confirmation. */
  readonly duplicates: DuplicateConfirmer;

  private readonly charset: FileCharset;
  private readonly decoder: TextDecoder;
  private readonly columns: readonly string[];
  private readonly columnSet: ReadonlySet<string>;
  private readonly primaryKeyColumns: readonly string[];
  private readonly checks: (readonly FieldCheck[] | undefined)[];
  private readonly sensitiveFields: readonly string[];
  private readonly collector: IssueCollector;
  private readonly context: FieldCheckContext;
  private readonly keyValues: string[];
  private readonly primaryKeyPositions: number[];
  /** Values of records read in column order, one row of `columns.length` per batch position. */
  private readonly inOrder: string[];
  /** Characters of a record's plain text besides its values: braces, commas, quoted keys, colons. */
  private readonly fixedChars: number;
  private readonly hasChecks: boolean;
  private charsetHintGiven = false;
  private gbkSamples = 0;
  private gbkSamplesUtf8 = 0;
  private gbkFirstSample: Pick<Issue, 'byteOffset' | 'line' | 'column'> | undefined;
  // Records waiting for one decode + JSON.parse: start, end, colons, flags, line, line start.
  private readonly batch = new Float64Array(BATCH_RECORDS * 6);
  private batchSize = 0;
  /** Primary key values staged in this batch, by position: a key that matches is reported with them. */
  private readonly stagedKeys: string[];
  private batchFirstRecord = 0;
  /** See the `byteString` option; undefined where it does not apply. */
  private readonly byteString: ((bytes: Uint8Array) => string | undefined) | undefined;
  private flushing = false;
  /** A record's syntax error ended parsing. */
  private stopped = false;
  // The record being checked; its keys are listed lazily, only when a finding needs a field's location.
  private recordIndex = 0;
  private recordStart = 0;
  private recordEnd = 0;
  private recordLine = 1;
  private recordLineStart = 0;
  private recordKeys: ObjectKey[] | undefined;
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
  }) {
    this.charset = options.charset;
    this.decoder = new TextDecoder(options.charset === 'GBK' ? 'gbk' : 'utf-8', { fatal: true });
    this.columns = options.columns.map(asPropertyName);
    this.columnSet = new Set(options.columns);
    this.primaryKeyColumns = [...new Set(options.primaryKeyColumns)].filter((key) => this.columnSet.has(key));
    this.keyValues = this.primaryKeyColumns.map(() => '');
    this.primaryKeyPositions = this.primaryKeyColumns.map((key) => options.columns.indexOf(key));
    this.inOrder = new Array<string>(BATCH_RECORDS * this.columns.length).fill('');
    this.fixedChars = 2 + Math.max(this.columns.length - 1, 0) + this.columns.reduce((sum, column) => sum + column.length + 5, 0);
    this.checks = options.columns.map((column) => {
      const rule = Object.hasOwn(options.rules, column) ? options.rules[column] : undefined;
      if (rule === undefined) return undefined;
      return typeof rule === 'function' ? [rule] : rule;
    });
    this.hasChecks = this.checks.some((checks) => checks !== undefined);
    this.stagedKeys = new Array<string>(BATCH_RECORDS * this.primaryKeyColumns.length).fill('');
    // Template rules need the real text of every value, and a non-ASCII column name would not match its bytes.
    const asciiColumns = this.columns.every((column) => !NON_ASCII.test(column));
    this.byteString = options.charset === 'UTF-8' && !this.hasChecks && asciiColumns ? options.byteString : undefined;
    this.sensitiveFields = options.sensitiveFields;
    this.collector = options.collector;
    const totalBytes = options.totalBytes;
    // The fewest bytes a record holding a primary key takes (braces, and `"k":"v",` per key column): the
    // most keys a file of `totalBytes` can hold, whatever its first records suggest.
    const minKeyedRecordBytes = this.primaryKeyColumns.reduce((sum, key) => sum + key.length + 6, 2);
    this.index = new PrimaryKeyIndex({
      expected: options.expectedRecords,
      estimate: () => {
        const seen = this.recordsEndOffset;
        if (totalBytes === undefined || seen <= 0) return 0;
        return Math.min(Math.ceil(((this.recordCount * totalBytes) / seen) * 1.05), Math.ceil(totalBytes / minKeyedRecordBytes));
      },
    });
    this.duplicates = new DuplicateConfirmer({
      index: this.index,
      collector: options.collector,
      readAt: options.readAt,
      charset: options.charset,
      primaryKeyColumns: this.primaryKeyColumns,
      sensitiveFields: options.sensitiveFields,
      sparseOffsets: () => this.sparseOffsets,
    });
    const sensitiveFields = options.sensitiveFields;
    const context: FieldCheckContext = {
      value: '',
      field: '',
      record: {},
      recordIndex: 0,
      show: (value: string) => showValue({ value, field: context.field, sensitiveFields }),
    };
    this.context = context;
    this.scanner = new FileScanner({ charset: options.charset, maxRecordBytes: options.maxRecordBytes, listener: this });
  }

  onProblem(problem: StructureProblem): void {
    // Records scanned before the problem come first in the report; a problem after a record's own
    // syntax error (found while flushing) lies beyond the first error and is dropped.
    if (!this.flushing) {
      this.flush();
      if (this.stopped) return;
    }
    this.collector.add(structureIssue({ problem, charset: this.charset }));
  }

  onRecord(start: number, end: number, colons: number, flags: number): void {
    const k = this.batchSize++;
    const batch = this.batch;
    batch[k * 6] = start;
    batch[k * 6 + 1] = end;
    batch[k * 6 + 2] = colons;
    batch[k * 6 + 3] = flags;
    batch[k * 6 + 4] = this.scanner.recordLine;
    batch[k * 6 + 5] = this.scanner.recordLineStart;
    if (this.batchSize === BATCH_RECORDS) this.flush();
  }

  onPause(): void {
    this.flush();
  }

  /**
   * Decodes and parses the waiting records in one call each (`[` + records + `]`: the bytes between
   * records are commas and whitespace the scanner already checked), which costs a quarter less than one
   * call per record. Any failure in the batch (bad bytes, syntax) sends it through the exact per-record path.
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
      values = JSON.parse(`[${this.decoder.decode(bytes.subarray(batch[0]!, batch[(count - 1) * 6 + 1]!))}]`) as unknown[];
    } catch {
      values = undefined;
    }
    this.batchFirstRecord = this.recordCount;
    for (let k = 0; k < count && !this.stopped; k++) {
      const flags = batch[k * 6 + 3]!;
      this.beginRecord(batch[k * 6]!, batch[k * 6 + 1]!, batch[k * 6 + 4]!, batch[k * 6 + 5]!);
      const value = values !== undefined && (flags & RECORD_NOT_GBK) === 0 ? values[k] : this.parseAlone(flags);
      if (this.stopped) break;
      this.checkRecord(value, batch[k * 6 + 2]!, flags);
    }
    this.index.insertStaged(this.onKeyMatch);
    this.flushing = false;
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
    const start = records[0]!;
    const end = records[(count - 1) * 4 + 1]!;
    const byteString = this.byteString;
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
    let plainChars = end - start + count * this.fixedChars;
    for (let k = 0; k < count; k++) {
      const valueChars = this.readInOrder(values[k] as Record<string, unknown>, k, byteString !== undefined);
      if (valueChars < 0) return false;
      plainChars += valueChars - (records[k * 4 + 1]! - records[k * 4]!);
    }
    if (plainChars !== text.length) return false;

    const batch = this.batch;
    this.batchFirstRecord = this.recordCount;
    for (let k = 0; k < count; k++) {
      batch[k * 6] = records[k * 4]!;
      batch[k * 6 + 1] = records[k * 4 + 1]!;
      batch[k * 6 + 2] = this.columns.length;
      batch[k * 6 + 3] = 0;
      batch[k * 6 + 4] = records[k * 4 + 2]!;
      batch[k * 6 + 5] = records[k * 4 + 3]!;
      this.beginRecord(batch[k * 6]!, batch[k * 6 + 1]!, batch[k * 6 + 4]!, batch[k * 6 + 5]!);
      if (this.charset === 'GBK' && this.gbkSamples < GBK_SAMPLE_RECORDS) this.sampleGbk(batch[k * 6]!, batch[k * 6 + 1]!);
      this.acceptInOrder(values[k] as Record<string, unknown>, this.recordIndex, k, byteString !== undefined);
    }
    this.index.insertStaged(this.onKeyMatch);
    return true;
  }

  /** A staged primary key whose fingerprint is already held: a candidate duplicate, confirmed later. */
  private readonly onKeyMatch = (recordIndex: number): void => {
    const k = recordIndex - this.batchFirstRecord;
    const batch = this.batch;
    const scanner = this.scanner;
    const byteOffset = scanner.base + batch[k * 6]!;
    const lineStart = batch[k * 6 + 5]!;
    const keys = this.primaryKeyColumns.length;
    this.duplicates.add({
      recordIndex,
      values: this.stagedKeys.slice(k * keys, (k + 1) * keys),
      byteOffset,
      line: batch[k * 6 + 4]!,
      lineStart,
      column: this.duplicates.wantsLocation ? scanner.columnOf(byteOffset, lineStart) : 0,
    });
  };

  /** Reports at most once: called after the scan to settle the GBK-declared-but-UTF-8 sample. */
  finishCharsetSample(): void {
    if (this.gbkSamples > 0 && this.gbkSamplesUtf8 === this.gbkSamples && this.gbkFirstSample !== undefined) {
      this.add('error', () => ({
        code: 'INVALID_PARAMETER',
        rule: 'charset-mismatch',
        severity: 'error',
        message: bilingual('file_charset 声明为 GBK，但文件内容是 UTF-8 编码；请把 fileCharset 改为 UTF-8', 'file_charset says GBK but the bytes are UTF-8: declare fileCharset UTF-8'),
        ...this.gbkFirstSample,
      }));
    }
    this.gbkSamples = 0;
  }

  private beginRecord(start: number, end: number, line: number, lineStart: number): void {
    const recordIndex = this.recordCount++;
    if ((recordIndex & ((1 << SPARSE_SHIFT) - 1)) === 0) this.rememberOffset(recordIndex >>> SPARSE_SHIFT, this.scanner.base + start);
    this.recordIndex = recordIndex;
    this.recordStart = start;
    this.recordEnd = end;
    this.recordsEndOffset = this.scanner.base + end;
    this.recordLine = line;
    this.recordLineStart = lineStart;
    this.recordKeys = undefined;
  }

  /** The exact path for one record: charset problems reported, then `JSON.parse`, or a syntax error. */
  private parseAlone(flags: number): unknown {
    const { recordStart: start, recordEnd: end, recordIndex } = this;
    let text: string;
    try {
      text = this.decoder.decode(this.scanner.buf.subarray(start, end));
      if ((flags & RECORD_NOT_GBK) !== 0) text = this.charsetProblem(recordIndex);
    } catch {
      text = this.charsetProblem(recordIndex);
    }
    try {
      return JSON.parse(text);
    } catch {
      this.failRecord();
      return undefined;
    }
  }

  private failRecord(): void {
    this.stopped = true;
    this.scanner.failRecord(this.recordStart, this.recordEnd, this.recordLine, this.recordLineStart);
  }

  private checkRecord(value: unknown, colons: number, flags: number): void {
    const { recordStart: start, recordEnd: end, recordIndex } = this;
    if ((flags & RECORD_HAS_NON_ASCII) !== 0 && this.gbkSamples < GBK_SAMPLE_RECORDS) this.sampleGbk(start, end);
    // JSON.parse accepts unpaired surrogate escapes ("\ud800"); strict JSON for interchange (I-JSON) does not.
    if ((flags & RECORD_HAS_UNICODE_ESCAPE) !== 0 && findJsonError({ bytes: this.scanner.buf, start, end, charset: this.charset }) !== undefined) {
      this.failRecord();
      return;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      this.recordIssue(recordIndex, 'error', 'JSON_PARSE_ERROR', 'record-not-object', bilingual(`记录 #${recordIndex} 不是 JSON 对象（是 ${describe(value)}）`, `record #${recordIndex} is not a JSON object (it is ${describe(value)})`));
      return;
    }
    this.checkColumns(value as Record<string, unknown>, recordIndex, colons);
  }

  /**
   * `colons` is the number of key/value pairs in the record's text. When every declared column is present
   * and that number equals the columns found, there can be neither duplicate nor extra keys, so the
   * common case never lists the record's keys.
   */
  private checkColumns(record: Record<string, unknown>, recordIndex: number, colons: number): void {
    if (this.checkInOrder(record, recordIndex, colons)) return;
    const { columns, checks, context } = this;
    let present = 0;
    let missing: string[] | undefined;
    context.record = record;
    context.recordIndex = recordIndex;
    for (let c = 0; c < columns.length; c++) {
      const field = columns[c]!;
      const raw = record[field];
      let text: string;
      if (typeof raw === 'string') {
        present++;
        text = raw;
      } else {
        // Absent columns read as undefined, or as an Object.prototype member for names like "constructor".
        if (raw === undefined || !Object.hasOwn(record, field)) {
          (missing ??= []).push(field);
          continue;
        }
        present++;
        if (raw !== null && typeof raw === 'object') {
          const kind = Array.isArray(raw) ? ['数组', 'an array'] : ['对象', 'an object'];
          this.fieldIssue(recordIndex, field, 'error', 'INVALID_PARAMETER', 'value-nested', bilingual(`${field} 的值须为字符串，不能是${kind[0]}`, `${field} must be a string, not ${kind[1]}`));
          continue;
        }
        this.fieldIssue(recordIndex, field, 'warning', 'INVALID_PARAMETER', 'value-not-string', bilingual(`${field} 的值是 ${describe(raw)}，建议写成字符串`, `${field} is a ${describe(raw)}; write it as a string`));
        if (raw === null) continue;
        text = String(raw);
      }
      if (checks[c] !== undefined) this.runChecks(c, text);
    }
    if (missing !== undefined) {
      const names = missing.join(', ');
      this.recordIssue(recordIndex, 'error', 'INVALID_DATA_ARGUMENTS', 'record-missing-column', bilingual(`记录 #${recordIndex} 缺少列 ${names}`, `record #${recordIndex} lacks column(s) ${names}`), missing.join(','));
    }
    if (present !== colons) this.keyProblems(record, recordIndex, present, colons);
    this.checkPrimaryKey(record, recordIndex);
  }

  /**
   * The common case in one pass: keys exactly `columns`, in order, all values strings, primary key values
   * non-empty. `colons` (the key/value pairs in the record's text) rules out duplicate keys.
   */
  private checkInOrder(record: Record<string, unknown>, recordIndex: number, colons: number): boolean {
    if (colons !== this.columns.length || this.readInOrder(record, 0, false) < 0) return false;
    this.acceptInOrder(record, recordIndex, 0, false);
    return true;
  }

  /**
   * Reads a record whose keys are exactly `columns`, in order, with string values and non-blank primary
   * key values into row `row` of `inOrder`, and returns the total length of its values; returns -1,
   * having reported nothing, for any other record. `for…in` over a parsed record reads V8's enum cache by
   * position, far cheaper than a keyed lookup per column. `fromBytes`: parsed from a byte string.
   */
  private readInOrder(record: Record<string, unknown>, row: number, fromBytes: boolean): number {
    const { columns, inOrder, primaryKeyPositions } = this;
    const first = row * columns.length;
    let c = 0;
    let valueChars = 0;
    for (const key in record) {
      if (key !== columns[c]) return -1;
      const value = record[key];
      if (typeof value !== 'string') return -1;
      inOrder[first + c++] = value;
      valueChars += value.length;
    }
    if (c !== columns.length) return -1;
    for (let k = 0; k < primaryKeyPositions.length; k++) if (isBlankKey(inOrder[first + primaryKeyPositions[k]!]!, fromBytes)) return -1;
    return valueChars;
  }

  /**
   * Runs the template checks on row `row` of `inOrder` and stages the record's primary key; `fromBytes`:
   * the values were parsed from a byte string (see the `byteString` option).
   */
  private acceptInOrder(record: Record<string, unknown>, recordIndex: number, row: number, fromBytes: boolean): void {
    const { columns, inOrder, keyValues, primaryKeyPositions } = this;
    const first = row * columns.length;
    if (this.hasChecks) {
      this.context.record = record;
      this.context.recordIndex = recordIndex;
      for (let c = 0; c < columns.length; c++) if (this.checks[c] !== undefined) this.runChecks(c, inOrder[first + c]!);
    }
    if (primaryKeyPositions.length === 0) return;
    for (let k = 0; k < primaryKeyPositions.length; k++) {
      const value = inOrder[first + primaryKeyPositions[k]!]!;
      keyValues[k] = fromBytes ? textOfByteString(value) : value;
    }
    this.stageKey(recordIndex);
  }

  /** Stages the primary key in `keyValues` for the index, keeping the values for a match. */
  private stageKey(recordIndex: number): void {
    const { keyValues, stagedKeys } = this;
    const first = (recordIndex - this.batchFirstRecord) * keyValues.length;
    for (let k = 0; k < keyValues.length; k++) stagedKeys[first + k] = keyValues[k]!;
    this.index.stage(keyValues, recordIndex);
  }

  /** Runs the template checks of column `c` on one value of the current record. */
  private runChecks(c: number, text: string): void {
    const { context } = this;
    const field = this.columns[c]!;
    context.value = text;
    context.field = field;
    for (const check of this.checks[c]!) {
      const problem = check(context);
      if (problem !== undefined && problem !== null) this.ruleIssue(context.recordIndex, field, check, problem);
    }
  }

  /** Duplicate keys (the text holds more pairs than the object has keys) and keys outside `columns`. */
  private keyProblems(record: Record<string, unknown>, recordIndex: number, present: number, colons: number): void {
    const keys = Object.keys(record);
    if (keys.length !== colons) this.duplicateKeys(recordIndex);
    if (present !== keys.length) {
      const extra = keys.filter((key) => !this.columnSet.has(key));
      const names = extra.join(', ');
      this.recordIssue(recordIndex, 'error', 'INVALID_DATA_ARGUMENTS', 'record-extra-column', bilingual(`记录 #${recordIndex} 含有 columns 之外的列 ${names}`, `record #${recordIndex} has column(s) not in columns: ${names}`), extra.join(','));
    }
  }

  private checkPrimaryKey(record: Record<string, unknown>, recordIndex: number): void {
    const { primaryKeyColumns, keyValues } = this;
    if (primaryKeyColumns.length === 0) return;
    for (let k = 0; k < primaryKeyColumns.length; k++) {
      const field = primaryKeyColumns[k]!;
      const raw = record[field];
      if (typeof raw === 'string' && !isBlankKey(raw, false)) {
        keyValues[k] = raw;
        continue;
      }
      if (typeof raw === 'number' || typeof raw === 'boolean') {
        keyValues[k] = String(raw);
        continue;
      }
      // A missing column is reported as such; a present but empty, blank or non-text key value is reported here.
      if (Object.hasOwn(record, field)) {
        this.fieldIssue(recordIndex, field, 'error', 'INVALID_PRIMARY_ARGUMENTS', 'primary-key-empty', bilingual(`记录 #${recordIndex} 的主键列 ${field} 为空（或只有空白）或不是文本`, `record #${recordIndex} has an empty (or whitespace-only) or non-text primary key column ${field}`));
      }
      return;
    }
    this.stageKey(recordIndex);
  }

  private rememberOffset(slot: number, offset: number): void {
    if (slot >= this.sparseOffsets.length) {
      const grown = new Float64Array(this.sparseOffsets.length * 2);
      grown.set(this.sparseOffsets);
      this.sparseOffsets = grown;
    }
    this.sparseOffsets[slot] = offset;
  }

  /** Counts a record holding non-ASCII bytes towards the GBK-declared-but-UTF-8 sample. */
  private sampleGbk(start: number, end: number): void {
    const bytes = this.scanner.buf;
    let at = start;
    while (at < end && bytes[at]! < 0x80) at++;
    if (at === end) return;
    this.gbkSamples++;
    if (firstInvalidByte({ bytes, start, end, charset: 'UTF-8' }) >= 0) return;
    this.gbkSamplesUtf8++;
    this.gbkFirstSample ??= this.locate(at);
  }

  /** Reports bytes invalid in the declared charset and returns the record decoded leniently. */
  private charsetProblem(recordIndex: number): string {
    const { recordStart: start, recordEnd: end } = this;
    const bytes = this.scanner.buf;
    const gbk = this.charset === 'GBK';
    const bad = firstInvalidByte({ bytes, start, end, charset: this.charset });
    const at = bad < 0 ? start : bad;
    this.add('error', () => {
      let hint = '';
      if (!this.charsetHintGiven) {
        this.charsetHintGiven = true;
        const other = firstInvalidByte({ bytes, start, end, charset: gbk ? 'UTF-8' : 'GBK' });
        if (other < 0) hint = gbk ? bilingual('；内容像是 UTF-8，请检查 fileCharset', '; the bytes look like UTF-8: check fileCharset') : bilingual('；内容像是 GBK，请把 fileCharset 设为 GBK', '; the bytes look like GBK: set fileCharset to GBK');
      }
      const byte = bytes[at]!.toString(16).toUpperCase().padStart(2, '0');
      return {
        code: 'INVALID_PARAMETER',
        rule: 'charset-invalid',
        severity: 'error',
        message: bilingual(`记录 #${recordIndex} 含有非 ${this.charset} 字节 0x${byte}`, `record #${recordIndex} holds byte 0x${byte}, which is not valid ${this.charset}`) + hint,
        recordIndex,
        ...this.locate(at),
      };
    });
    return new TextDecoder(gbk ? 'gbk' : 'utf-8').decode(bytes.subarray(start, end));
  }

  private duplicateKeys(recordIndex: number): void {
    const seen = new Set<string>();
    for (const key of this.keysOfRecord()) {
      if (seen.has(key.name)) {
        this.add('error', () => ({
          code: 'INVALID_DATA_ARGUMENTS',
          rule: 'record-duplicate-key',
          severity: 'error',
          message: bilingual(`记录 #${recordIndex} 中键 ${key.name} 出现多次`, `record #${recordIndex} holds key ${key.name} more than once`),
          recordIndex,
          field: key.name,
          ...this.locate(key.offset),
        }));
      }
      seen.add(key.name);
    }
  }

  private keysOfRecord(): ObjectKey[] {
    if (this.recordKeys === undefined) {
      const keys: ObjectKey[] = [];
      findJsonError({ bytes: this.scanner.buf, start: this.recordStart, end: this.recordEnd, charset: this.charset, keys });
      this.recordKeys = keys;
    }
    return this.recordKeys;
  }

  /** File location of a buffer index inside the current record. */
  private locate(at: number): Pick<Issue, 'byteOffset' | 'line' | 'column'> {
    const scanner = this.scanner;
    const byteOffset = scanner.base + at;
    return { byteOffset, ...scanner.locateInRecord(scanner.base + this.recordStart, byteOffset, this.recordLine, this.recordLineStart) };
  }

  private add(severity: Severity, build: () => Issue): void {
    if (this.collector.full) this.collector.count(severity);
    else this.collector.add(build());
  }

  private recordIssue(recordIndex: number, severity: Severity, code: Issue['code'], rule: string, message: string, field?: string): void {
    this.add(severity, () => ({ code, rule, severity, message, recordIndex, ...(field === undefined ? {} : { field }), ...this.locate(this.recordStart) }));
  }

  private fieldIssue(recordIndex: number, field: string, severity: Severity, code: Issue['code'], rule: string, message: string): void {
    this.add(severity, () => {
      const key = this.keysOfRecord().find((candidate) => candidate.name === field);
      return { code, rule, severity, message, recordIndex, field, ...this.locate(key?.offset ?? this.recordStart) };
    });
  }

  private ruleIssue(recordIndex: number, field: string, check: FieldCheck, problem: FieldProblem | string): void {
    const found = typeof problem === 'string' ? { message: problem } : problem;
    const severity = found.severity ?? 'error';
    this.fieldIssue(recordIndex, field, severity, 'INVALID_PARAMETER', found.rule ?? `custom:${check.name || 'anonymous'}`, found.message);
  }
}
