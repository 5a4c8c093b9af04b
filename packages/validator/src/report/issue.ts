import type { RecordsPart } from '../split/part-plan.js';
import type { HeldBack } from '../validate/hold-back.js';

/**
 * The business code the gateway would answer for a problem (`sub_code` of a `40004` answer).
 *
 * @example
 * ```ts
 * const code: GatewayCode = 'INVALID_PRIMARY_ARGUMENTS';
 * ```
 */
export type GatewayCode = 'JSON_PARSE_ERROR' | 'INVALID_DATA_ARGUMENTS' | 'INVALID_PRIMARY_ARGUMENTS' | 'INVALID_PARAMETER' | 'INVALID_FILE_TYPE';

/**
 * `error`: the gateway would reject the upload. `warning`: accepted today, but risky or off-spec.
 *
 * @example
 * ```ts
 * const severity: Severity = 'warning';
 * ```
 */
export type Severity = 'error' | 'warning';

/**
 * One finding. Location fields are present when they apply: `byteOffset` is 0-based in the file,
 * `line` and `column` are 1-based with columns counted in characters.
 *
 * @example
 * ```ts
 * const issue: Issue = {
 *   code: 'INVALID_PRIMARY_ARGUMENTS', rule: 'primary-key-duplicate', severity: 'error',
 *   message: '主键重复 / Duplicate primary key', recordIndex: 7, relatedRecordIndex: 2, field: 'order_no,pay_month',
 * };
 * ```
 */
export interface Issue {
  code: GatewayCode;
  /** Stable name of the check, e.g. `json-syntax`, `record-missing-column`, `prc-id`. */
  rule: string;
  severity: Severity;
  /** Chinese, then English. Personal data (names, ID numbers) is masked. */
  message: string;
  /** 0-based index of the record in the `records` array. */
  recordIndex?: number;
  /** 1-based number of the record (`recordIndex + 1`): the n-th record, as a person counts. */
  recordNumber?: number;
  /** The record's primary key values by column, masked where sensitive, when the record could be read. */
  primaryKey?: Readonly<Record<string, string>>;
  /** For duplicates: the earlier record holding the same primary key. */
  relatedRecordIndex?: number;
  /** The field (column) or request parameter concerned. */
  field?: string;
  line?: number;
  column?: number;
  byteOffset?: number;
}

/**
 * The outcome of {@link validateRecords}. `ok` is true when no error was found (warnings allowed);
 * the counts include issues left out of `issues` once `maxIssues` was reached.
 *
 * @example
 * ```ts
 * const report: ValidationReport = await validateRecords({ input: bytes, columns, primaryKeyColumns });
 * if (!report.ok) for (const issue of report.issues) console.error(issue.line, issue.message);
 * ```
 */
export interface ValidationReport {
  ok: boolean;
  /** Elements of the `records` array seen (up to the first fatal syntax error). */
  recordCount: number;
  bytes: number;
  /** In file order: at most `maxIssues`, plus every file-level error (one not about a single record). */
  issues: Issue[];
  /** True when more issues were found than `maxIssues` allows to keep (file-level errors are always kept). */
  truncated: boolean;
  errorCount: number;
  warningCount: number;
  /**
   * With `split`, when `ok`: the parts to upload, each within the bounds, holding the records that stay
   * (read them with `readPart`). Undefined otherwise.
   */
  parts?: RecordsPart[];
  /**
   * With `split.hash`, when `ok` and the input is within `split.maxFileBytes`: the hash (hex) of the
   * whole input's bytes as validated (what goes when the input is sent as it is).
   */
  sha256?: string;
  /** With `holdBack`: the records taken out of the file and why, and each repeated key. */
  heldBack?: HeldBack;
}

/**
 * Keeps at most `maxIssues` issues while counting all of them; file-level errors (those not about one
 * record: syntax, charset mismatch, size, count, params) are kept beyond that bound, so a report never
 * hides why the whole file fails. They are few: parsing stops at the first fatal one.
 *
 * @example
 * ```ts
 * const collector = new IssueCollector({ maxIssues: 10 });
 * collector.add({ code: 'INVALID_PARAMETER', rule: 'amount', severity: 'error', message: '…' });
 * ```
 */
export class IssueCollector {
  readonly issues: Issue[] = [];
  errorCount = 0;
  warningCount = 0;
  private readonly maxIssues: number;

  constructor({ maxIssues }: { maxIssues: number }) {
    this.maxIssues = maxIssues;
  }

  /** True once no more issues will be kept: callers skip building messages nobody will read. */
  get full(): boolean {
    return this.issues.length >= this.maxIssues;
  }

  /** How many more issues would be kept. */
  get room(): number {
    return Math.max(this.maxIssues - this.issues.length, 0);
  }

  /** How many more issues of a severity would be kept: the same {@link room} for both. */
  roomFor(_severity: Severity): number {
    return this.room;
  }

  get truncated(): boolean {
    return this.errorCount + this.warningCount > this.issues.length;
  }

  add(issue: Issue): void {
    this.count(issue.severity);
    if (this.issues.length < this.maxIssues || (issue.severity === 'error' && issue.recordIndex === undefined)) this.issues.push(issue);
  }

  /** Counts an issue without building it (used once the collector is full). */
  count(severity: Severity): void {
    if (severity === 'error') this.errorCount++;
    else this.warningCount++;
  }
}

/**
 * Joins the Chinese and English text of a message.
 *
 * @example
 * ```ts
 * bilingual('缺少列', 'missing column'); // '缺少列 / missing column'
 * ```
 */
export function bilingual(zh: string, en: string): string {
  return `${zh} / ${en}`;
}

/**
 * How a message names a record: `#` and its number as a person counts (from 1, as `recordNumber`).
 *
 * @example
 * ```ts
 * recordMark(0); // '#1'
 * ```
 */
export function recordMark(recordIndex: number): string {
  return `#${recordIndex + 1}`;
}
