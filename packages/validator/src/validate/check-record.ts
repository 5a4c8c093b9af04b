import { ZhimaError } from '@zhima/core';
import { encodeText, MAX_SINGLE_DATA_LENGTH, normalizeCharset, parseColumnList } from '@zhima/core/internal';
import { validateFeedbackParams } from '../params/validate-params.js';
import { bilingual, IssueCollector, type Issue } from '../report/issue.js';
import { sensitiveFieldsWith, shownPrimaryKey } from '../report/mask.js';
import type { FieldRules } from '../rules/field-check.js';
import { countChars } from '../scan/charset-bytes.js';
import { findJsonError, type ObjectKey } from '../scan/json-syntax.js';
import { RecordIssues, type RecordPlace } from './record-issues.js';
import { RecordRules } from './record-rules.js';
import { structureIssue } from './structure-messages.js';

/**
 * The argument of {@link checkRecord}: one record and the template it must fit.
 *
 * @example
 * ```ts
 * const options: CheckRecordOptions = { record: { order_no: 'LN1', pay_month: '2025-01' }, columns: 'order_no,pay_month', primaryKeyColumns: 'order_no,pay_month' };
 * ```
 */
export interface CheckRecordOptions {
  /** The record as an object (as `JSON.parse` gives it). */
  record: unknown;
  /** The `primary_key_columns` param (`primary_keys` of a single upload). */
  primaryKeyColumns: string | readonly string[];
  /**
   * The `columns` param: the record's keys must be exactly these. Omitted: the record's own keys are its
   * columns (a single upload declares no columns), and a primary key column it lacks is an
   * `INVALID_PRIMARY_ARGUMENTS` error (`primary-key-not-field`), as the gateway answers it.
   */
  columns?: string | readonly string[];
  /** Template rules per field, as for a file. */
  rules?: FieldRules;
  /** Fields masked in messages besides `DEFAULT_SENSITIVE_FIELDS`. */
  sensitiveFields?: readonly string[];
  /** How issues name the record: its index in the batch it belongs to. Default 0. */
  recordIndex?: number;
}

/**
 * The argument of {@link checkRecordText}: one record as JSON text, e.g. the `data` of
 * `zhima.merchant.single.data.upload`.
 *
 * @example
 * ```ts
 * const options: CheckRecordTextOptions = { text: '{"order_no":"LN1","pay_month":"2025-01"}', primaryKeyColumns: 'order_no,pay_month', charset: 'utf-8' };
 * ```
 */
export interface CheckRecordTextOptions extends Omit<CheckRecordOptions, 'record'> {
  text: string;
  /** The request charset the text travels in (the `charset` param: `utf-8`, `gbk`, `gb2312`). Default `utf-8`. */
  charset?: string;
  /** Longest text accepted, in characters and in bytes of `charset` both. Default 4096, the single upload's `data`. */
  maxLength?: number;
}

/**
 * What a record check found: the same record-level issues (rules, codes, messages, masking) a file
 * report gives for that record, with `recordIndex`, `recordNumber` and the masked primary key.
 *
 * @example
 * ```ts
 * const { ok, issues }: RecordCheck = checkRecord({ record, ...loanTemplate });
 * ```
 */
export interface RecordCheck {
  /** No error (warnings allowed). */
  ok: boolean;
  issues: Issue[];
  errorCount: number;
  warningCount: number;
}

/**
 * What {@link checkRecordText} found, and the record it read (when the text is a JSON object).
 *
 * @example
 * ```ts
 * const { ok, record }: RecordTextCheck = checkRecordText({ text, primaryKeyColumns: 'order_no' });
 * ```
 */
export interface RecordTextCheck extends RecordCheck {
  record?: Record<string, unknown>;
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** A record given as an object has no text to point into. */
const NO_TEXT: RecordPlace = { charset: 'UTF-8', recordBytes: () => undefined, locate: () => ({}) };

/** Line and column (1-based, columns in characters) of byte `at` in a record's own text. */
function locateInText(bytes: Uint8Array, at: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < at; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: 1 + countChars({ bytes, start: lineStart, end: at, charset: 'UTF-8' }) };
}

/** A record's own text, as UTF-8 bytes: findings are located by line and column in it. */
function textPlace(bytes: Uint8Array): RecordPlace {
  return { charset: 'UTF-8', recordBytes: () => bytes, locate: (at) => locateInText(bytes, at) };
}

function isRecordObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The column lists, refused as the writer refuses them when the gateway would refuse the params. */
function templateOf({ columns, primaryKeyColumns }: { columns: string | readonly string[]; primaryKeyColumns: string | readonly string[] }): { columns: string[]; primaryKeyColumns: string[] } {
  const names = parseColumnList({ value: columns, name: 'columns' });
  const keys = parseColumnList({ value: primaryKeyColumns, name: 'primaryKeyColumns' });
  const params = validateFeedbackParams({ columns: names, primary_key_columns: keys, records: '1', file_type: 'json_data', file_charset: 'UTF-8' });
  const errors = params.issues.filter((issue) => issue.severity === 'error');
  if (errors.length > 0) throw new ZhimaError({ code: 'PARAM_INVALID', message: `Invalid columns: ${errors.map((issue) => issue.message).join('; ')}`, hint: '检查 columns 与 primaryKeyColumns / Check columns and primaryKeyColumns.' });
  return { columns: names, primaryKeyColumns: keys };
}

/** Runs the record rules, the one home of every record-level check, on one parsed record. */
function runRules({
  value,
  colons,
  place,
  end,
  options,
  ownKeys,
  collector,
}: {
  value: unknown;
  colons: number;
  place: RecordPlace;
  end: number;
  options: Omit<CheckRecordOptions, 'record'>;
  ownKeys: readonly string[];
  collector: IssueCollector;
}): void {
  const sensitiveFields = sensitiveFieldsWith({ sensitiveFields: options.sensitiveFields });
  let template: { columns: string[]; primaryKeyColumns: string[] };
  // Without columns, a key column the record lacks is a primary key outside its fields (as the gateway
  // answers a single upload: INVALID_PRIMARY_ARGUMENTS); a record that is no object has no fields to name.
  let outside: string[] = [];
  if (options.columns === undefined) {
    // The record's keys are its columns.
    const keys = parseColumnList({ value: options.primaryKeyColumns, name: 'primaryKeyColumns' });
    if (isRecordObject(value)) outside = [...new Set(keys.filter((key) => !ownKeys.includes(key)))];
    template = { columns: [...new Set([...ownKeys, ...keys.filter((key) => !outside.includes(key))])], primaryKeyColumns: keys.filter((key) => !outside.includes(key)) };
  } else template = templateOf({ columns: options.columns, primaryKeyColumns: options.primaryKeyColumns });
  // Every key column is a column here (templateOf refuses others; the record's own keys took them in).
  const primaryKeyColumns = [...new Set(template.primaryKeyColumns)];
  const issues = new RecordIssues({ place, sink: collector, primaryKeyOf: (record) => shownPrimaryKey({ record, primaryKeyColumns, sensitiveFields }) });
  const rules = new RecordRules({ ...template, rules: options.rules ?? {}, sensitiveFields, issues, stage: () => {}, rows: 1 });
  issues.beginRecord(recordIndexOf(options), 0, end);
  rules.check(value, colons);
  for (const key of outside) {
    issues.recordIssue('error', 'INVALID_PRIMARY_ARGUMENTS', 'primary-key-not-field', bilingual(`主键 ${key} 不是记录中的字段`, `primary key ${key} is not a field of the record`), key);
  }
  issues.endRecord(isRecordObject(value) ? value : undefined);
}

function recordIndexOf({ recordIndex = 0 }: { recordIndex?: number }): number {
  if (!Number.isSafeInteger(recordIndex) || recordIndex < 0) throw new ZhimaError({ code: 'PARAM_INVALID', message: `recordIndex must be a non-negative integer, got ${String(recordIndex)}.` });
  return recordIndex;
}

function resultOf(collector: IssueCollector): RecordCheck {
  return { ok: collector.errorCount === 0, issues: collector.issues, errorCount: collector.errorCount, warningCount: collector.warningCount };
}

/**
 * Checks one record as a file report would check it — shape, columns, value types, primary key values
 * present and not blank, template rules — with the same rules, codes and masked messages: for a
 * quarantine that holds back single records, or a record built in code before it joins a file.
 * (Uniqueness of the primary key is a property of a file: see `validateRecords`.) Findings are data;
 * throws `ZhimaError` `PARAM_INVALID` only for unusable column lists.
 *
 * @example
 * ```ts
 * import { checkRecord, loanTemplate } from '@zhima/validator';
 *
 * const { ok, issues } = checkRecord({ record: { ...loan, user_credentials_no: '110105194912310021' }, ...loanTemplate, recordIndex: 41 });
 * // ok false; issues[0]: { rule: 'prc-id', recordNumber: 42, primaryKey: { order_no: 'LN1', pay_month: '2025-01' }, message: '身份证号 "110***********0021" 校验位错误 / …' }
 * ```
 */
export function checkRecord(options: CheckRecordOptions): RecordCheck {
  const collector = new IssueCollector({ maxIssues: Number.MAX_SAFE_INTEGER });
  const record = options.record;
  const ownKeys = isRecordObject(record) ? Object.keys(record) : [];
  runRules({ value: record, colons: ownKeys.length, place: NO_TEXT, end: 0, options, ownKeys, collector });
  return resultOf(collector);
}

/**
 * Checks one record given as JSON text, e.g. the `data` of `zhima.merchant.single.data.upload`: at most
 * `maxLength` (4096) characters and at most that many bytes in the request `charset` (the API page gives
 * no unit, so both are held to it), text the charset can encode, strict JSON (line and column of the
 * first error), then everything {@link checkRecord} checks, plus keys that appear twice (which
 * `JSON.parse` would silently merge). Locations are lines and columns in the text.
 *
 * @example
 * ```ts
 * import { checkRecordText } from '@zhima/validator';
 *
 * const data = JSON.stringify({ order_no: 'LN1', pay_month: '2025-01', user_name: '张三' });
 * const { ok, issues, record } = checkRecordText({ text: data, primaryKeyColumns: 'order_no,pay_month', charset: 'gbk' });
 * if (ok) await upload({ data, primaryKeys: 'order_no,pay_month' });
 * ```
 */
export function checkRecordText(options: CheckRecordTextOptions): RecordTextCheck {
  const { text } = options;
  if (typeof text !== 'string') throw new ZhimaError({ code: 'PARAM_INVALID', message: 'text must be the record as a JSON string.', hint: '例如 checkRecordText({ text: JSON.stringify(record), primaryKeyColumns }) / For example checkRecordText({ text: JSON.stringify(record), primaryKeyColumns }).' });
  const charset = normalizeCharset({ charset: options.charset ?? 'utf-8' });
  const maxLength = options.maxLength ?? MAX_SINGLE_DATA_LENGTH;
  if (!Number.isSafeInteger(maxLength) || maxLength < 2) throw new ZhimaError({ code: 'PARAM_INVALID', message: `maxLength must be an integer of at least 2, got ${String(maxLength)}.` });
  const recordIndex = recordIndexOf(options);
  const where = { recordIndex, recordNumber: recordIndex + 1 };
  const collector = new IssueCollector({ maxIssues: Number.MAX_SAFE_INTEGER });

  let requestBytes: number | undefined;
  if (!LONE_SURROGATE.test(text)) {
    try {
      requestBytes = encodeText({ text, charset }).length;
    } catch {
      requestBytes = undefined;
    }
  }
  if (requestBytes === undefined) {
    const char = [...text].find((one) => LONE_SURROGATE.test(one) || !canEncode(one, charset));
    const point = char === undefined ? '' : ` U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
    collector.add({
      code: 'INVALID_PARAMETER',
      rule: 'charset-invalid',
      severity: 'error',
      message: bilingual(`记录中有请求字符集 ${charset} 无法表示的字符${point}`, `the record holds a character${point} that the request charset ${charset} cannot encode`),
      ...where,
    });
  }
  if (text.length > maxLength || (requestBytes ?? 0) > maxLength) {
    const bytesText = requestBytes === undefined ? '' : `、${requestBytes} 字节（${charset}）`;
    const bytesTextEn = requestBytes === undefined ? '' : ` and ${requestBytes} bytes in ${charset}`;
    collector.add({
      code: 'INVALID_PARAMETER',
      rule: 'record-too-long',
      severity: 'error',
      message: bilingual(`记录为 ${text.length} 个字符${bytesText}，超过上限 ${maxLength}`, `the record is ${text.length} characters${bytesTextEn}, over the limit of ${maxLength}`),
      ...where,
    });
  }

  const bytes = new TextEncoder().encode(text);
  const keys: ObjectKey[] = [];
  const syntax = findJsonError({ bytes, start: 0, end: bytes.length, charset: 'UTF-8', keys });
  if (syntax !== undefined) {
    // Located in the text (a byte offset in its UTF-8 form would mean nothing to the caller).
    const { byteOffset: _inText, ...issue } = structureIssue({ problem: { rule: 'json-syntax', reason: syntax.reason, fatal: true, byteOffset: syntax.offset, ...locateInText(bytes, syntax.offset) }, charset: 'UTF-8' });
    collector.add({ ...issue, ...where });
    return resultOf(collector);
  }
  const value: unknown = JSON.parse(text);
  const ownKeys = [...new Set(keys.map((key) => key.name))];
  runRules({ value, colons: keys.length, place: textPlace(bytes), end: bytes.length, options, ownKeys, collector });
  return { ...resultOf(collector), ...(isRecordObject(value) ? { record: value } : {}) };
}

function canEncode(char: string, charset: string): boolean {
  try {
    encodeText({ text: char, charset });
    return true;
  } catch {
    return false;
  }
}
