import type { FieldCheck, FieldProblem } from '../rules/field-check.js';
import type { Issue, Severity } from '../report/issue.js';
import type { FileCharset } from '../scan/charset-bytes.js';
import { findJsonError, type ObjectKey } from '../scan/json-syntax.js';

/**
 * Where a finding is: byte offset, line and column, each present when known.
 *
 * @example
 * ```ts
 * const where: IssueLocation = { byteOffset: 120, line: 3, column: 9 };
 * ```
 */
export type IssueLocation = Pick<Issue, 'byteOffset' | 'line' | 'column'>;

/**
 * Where the record being checked lies: the bytes holding it (a scanner's buffer, a record's own text,
 * or none for a record given as an object) and how to locate an index in them.
 *
 * @example
 * ```ts
 * const place: RecordPlace = { charset: 'UTF-8', recordBytes: () => undefined, locate: () => ({}) };
 * ```
 */
export interface RecordPlace {
  readonly charset: FileCharset;
  recordBytes(): Uint8Array | undefined;
  locate(at: number): IssueLocation;
}

/**
 * Where finished issues go: an `IssueCollector`, or the hold-back list in front of one.
 *
 * @example
 * ```ts
 * const sink: IssueSink = new IssueCollector({ maxIssues: 1000 });
 * ```
 */
export interface IssueSink {
  /** How many more issues of `severity` would be kept: issues beyond it are counted, never built. */
  roomFor(severity: Severity): number;
  add(issue: Issue): void;
  count(severity: Severity): void;
}

/**
 * The record-level findings of one record at a time: built only while they will be kept (the rest are
 * counted), located in the record's bytes (its keys are listed only when a finding needs one), and
 * handed on when the record ends with its 1-based number and its primary key values, masked.
 *
 * @example
 * ```ts
 * issues.beginRecord(7, start, end);
 * issues.recordIssue('error', 'INVALID_DATA_ARGUMENTS', 'record-missing-column', message, 'memo');
 * issues.endRecord(record);
 * ```
 */
export class RecordIssues {
  /** The record being checked: its index and its bytes `[start, end)` in `place.recordBytes()`. */
  recordIndex = 0;
  start = 0;
  end = 0;
  private readonly sink: IssueSink;
  private readonly place: RecordPlace;
  private readonly primaryKeyOf: (record: Readonly<Record<string, unknown>>, fromBytes: boolean) => Record<string, string> | undefined;
  private keys: ObjectKey[] | undefined;
  /** Findings of the current record not yet handed on (they get its primary key first). */
  private pending: Issue[] = [];

  constructor(options: {
    place: RecordPlace;
    sink: IssueSink;
    /** The record's primary key values as shown in reports (masked), or undefined when it has none. */
    primaryKeyOf: (record: Readonly<Record<string, unknown>>, fromBytes: boolean) => Record<string, string> | undefined;
  }) {
    this.place = options.place;
    this.sink = options.sink;
    this.primaryKeyOf = options.primaryKeyOf;
  }

  /** True while the current record has findings waiting for {@link endRecord}. */
  get waiting(): boolean {
    return this.pending.length > 0;
  }

  beginRecord(recordIndex: number, start: number, end: number): void {
    this.recordIndex = recordIndex;
    this.start = start;
    this.end = end;
    this.keys = undefined;
  }

  /**
   * Hands on the current record's findings, each with `recordNumber` and (when `record` was parsed)
   * its primary key values. Safe to call more than once.
   */
  endRecord(record: Readonly<Record<string, unknown>> | undefined, fromBytes = false): void {
    const pending = this.pending;
    if (pending.length === 0) return;
    this.pending = [];
    const primaryKey = record === undefined ? undefined : this.primaryKeyOf(record, fromBytes);
    for (const issue of pending) this.sink.add(primaryKey === undefined ? issue : { ...issue, primaryKey });
  }

  /** Builds a finding only if it will be kept; otherwise only counts it. */
  add(severity: Severity, build: () => Issue): void {
    if (this.sink.roomFor(severity) > this.pending.length) this.pending.push(build());
    else this.sink.count(severity);
  }

  recordIssue(severity: Severity, code: Issue['code'], rule: string, message: string, field?: string): void {
    this.add(severity, () => ({ code, rule, severity, message, ...this.where(), ...(field === undefined ? {} : { field }), ...this.locate(this.start) }));
  }

  fieldIssue(field: string, severity: Severity, code: Issue['code'], rule: string, message: string): void {
    this.add(severity, () => {
      const key = this.keysOfRecord().find((candidate) => candidate.name === field);
      return { code, rule, severity, message, ...this.where(), field, ...this.locate(key?.offset ?? this.start) };
    });
  }

  ruleIssue(field: string, check: FieldCheck, problem: FieldProblem | string): void {
    const found = typeof problem === 'string' ? { message: problem } : problem;
    this.fieldIssue(field, found.severity ?? 'error', 'INVALID_PARAMETER', found.rule ?? `custom:${check.name || 'anonymous'}`, found.message);
  }

  /** Reports each key the record's text holds more than once (`JSON.parse` keeps only the last). */
  duplicateKeys(message: (key: string) => string): void {
    const seen = new Set<string>();
    for (const key of this.keysOfRecord()) {
      if (seen.has(key.name)) {
        this.add('error', () => ({ code: 'INVALID_DATA_ARGUMENTS', rule: 'record-duplicate-key', severity: 'error', message: message(key.name), ...this.where(), field: key.name, ...this.locate(key.offset) }));
      }
      seen.add(key.name);
    }
  }

  /** The location of an index into the record's bytes (nothing for a record without text). */
  locate(at: number): IssueLocation {
    return this.place.recordBytes() === undefined ? {} : this.place.locate(at);
  }

  /** The record's index and 1-based number, for an issue about it. */
  where(): Pick<Issue, 'recordIndex' | 'recordNumber'> {
    return { recordIndex: this.recordIndex, recordNumber: this.recordIndex + 1 };
  }

  private keysOfRecord(): ObjectKey[] {
    if (this.keys === undefined) {
      const keys: ObjectKey[] = [];
      const bytes = this.place.recordBytes();
      if (bytes !== undefined) findJsonError({ bytes, start: this.start, end: this.end, charset: this.place.charset, keys });
      this.keys = keys;
    }
    return this.keys;
  }
}
