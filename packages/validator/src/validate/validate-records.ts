import { normalizeCharset, ZhimaError } from '@zhima/core';
import { toChunks, type ReadAt, type RecordsInput } from '../input/chunks.js';
import { toColumnNames } from '../params/column-list.js';
import { validateFeedbackParams } from '../params/validate-params.js';
import { bilingual, IssueCollector, type ValidationReport } from '../report/issue.js';
import { DEFAULT_SENSITIVE_FIELDS } from '../report/mask.js';
import type { FieldRules } from '../rules/field-check.js';
import type { FileCharset } from '../scan/charset-bytes.js';
import { RecordChecker } from './record-checker.js';

/**
 * Options of {@link validateRecords}.
 *
 * @example
 * ```ts
 * const options: ValidateRecordsOptions = { columns: 'order_no,pay_month,user_name', primaryKeyColumns: 'order_no,pay_month', records: 2 };
 * ```
 */
export interface ValidateRecordsOptions {
  /** The `columns` param: every record's keys must be exactly these. */
  columns: string | readonly string[];
  /** The `primary_key_columns` param: values present, non-empty and unique across the file. */
  primaryKeyColumns: string | readonly string[];
  /** The `records` param, when known: must equal the number of records. */
  records?: number | string;
  /** The `file_charset` param: `UTF-8` (default) or `GBK`. */
  fileCharset?: FileCharset | string;
  /** Template rules per field. See `loanTemplateRules` and the built-in checks. */
  rules?: FieldRules;
  /** Default 50 MiB, the documented per-file bound. */
  maxFileBytes?: number;
  /** Issues kept in the report (the rest are counted). Default 1000. */
  maxIssues?: number;
  /** Fields whose values are masked in messages. Default: names, ID numbers, contact details. */
  sensitiveFields?: readonly string[];
  /** Random access to the same bytes; confirms primary-key hash matches exactly on stream input. */
  readAt?: ReadAt;
  /** Size of the input when known (`validateFile` and in-memory input set it): sizes the key index early. */
  totalBytes?: number;
  /** Largest single record accepted; bounds memory on broken files. Default 1 MiB. */
  maxRecordBytes?: number;
  onProgress?: (progress: { bytes: number; records: number }) => void;
}

const MIB = 1024 * 1024;

function toFileCharset(value: string): FileCharset {
  const charset = normalizeCharset({ charset: value });
  if (charset === 'utf-8') return 'UTF-8';
  if (charset === 'gbk') return 'GBK';
  throw new ZhimaError({ code: 'PARAM_INVALID', message: `fileCharset must be UTF-8 or GBK, got "${value}".`, hint: '网关的 file_charset 只接受 UTF-8 或 GBK / The gateway accepts file_charset UTF-8 or GBK only.' });
}

function positiveInteger(name: string, value: number, allowZero: boolean): number {
  if (!Number.isSafeInteger(value) || value < (allowZero ? 0 : 1)) {
    throw new ZhimaError({ code: 'PARAM_INVALID', message: `${name} must be a ${allowZero ? 'non-negative' : 'positive'} integer, got ${String(value)}.` });
  }
  return value;
}

/**
 * Validates a `zhima.data.batch.feedback` records file before upload, streaming: a byte scanner finds
 * record boundaries and `JSON.parse` runs on small batches of records (never the whole file), so memory
 * stays flat and speed stays near whole-file `JSON.parse`. Finds everything the gateway would reject (charset, `{"records":`
 * opening, strict JSON syntax with line/column, record shape, columns, primary keys, record count, size)
 * plus template rules. Findings are data; it throws `ZhimaError` (`PARAM_INVALID`) only for unusable options.
 *
 * @example
 * ```ts
 * import { validateRecords, loanTemplate } from '@zhima/validator';
 *
 * const file = new TextEncoder().encode('{"records":[{"order_no":"LN1","pay_month":"2025-01"}]}');
 * const report = await validateRecords(file, { columns: 'order_no,pay_month', primaryKeyColumns: 'order_no,pay_month', records: 1 });
 * console.log(report.ok, report.recordCount); // true 1
 * ```
 */
export async function validateRecords(input: RecordsInput, options: ValidateRecordsOptions): Promise<ValidationReport> {
  return validateRecordsWith({ input, options });
}

/**
 * {@link validateRecords} with what a runtime adds: `byteString` (see `RecordChecker`). The Node subpath
 * passes one; everywhere else the portable path runs.
 *
 * @example
 * ```ts
 * const report = await validateRecordsWith({ input: bytes, options, byteString: utf8AsByteString });
 * ```
 */
export async function validateRecordsWith({
  input,
  options,
  byteString,
}: {
  input: RecordsInput;
  options: ValidateRecordsOptions;
  byteString?: (bytes: Uint8Array) => string | undefined;
}): Promise<ValidationReport> {
  const charset = toFileCharset(options.fileCharset ?? 'UTF-8');
  const columns = toColumnNames({ value: options.columns, name: 'columns' });
  const primaryKeyColumns = toColumnNames({ value: options.primaryKeyColumns, name: 'primaryKeyColumns' });
  const maxIssues = positiveInteger('maxIssues', options.maxIssues ?? 1000, true);
  const maxFileBytes = positiveInteger('maxFileBytes', options.maxFileBytes ?? 50 * MIB, false);
  const maxRecordBytes = positiveInteger('maxRecordBytes', options.maxRecordBytes ?? MIB, false);
  const collector = new IssueCollector({ maxIssues });

  const params = validateFeedbackParams({
    columns,
    primary_key_columns: primaryKeyColumns,
    records: options.records ?? '1',
    file_type: 'json_data',
    file_charset: charset,
  });
  for (const issue of params.issues) if (options.records !== undefined || issue.field !== 'records') collector.add(issue);
  // A `records` of 0 is refused above, and is still a count to compare with the file.
  const declaredRecords =
    options.records !== undefined && !params.issues.some((issue) => issue.field === 'records' && issue.severity === 'error' && issue.rule !== 'records-empty') ? Number(options.records) : undefined;

  const readAt: ReadAt | undefined = options.readAt ?? (input instanceof Uint8Array ? async ({ offset, length }) => input.subarray(offset, offset + length) : undefined);
  const checker = new RecordChecker({
    charset,
    columns,
    primaryKeyColumns,
    rules: options.rules ?? {},
    sensitiveFields: options.sensitiveFields ?? DEFAULT_SENSITIVE_FIELDS,
    collector,
    maxRecordBytes,
    expectedRecords: declaredRecords ?? 0,
    totalBytes: options.totalBytes === undefined ? (input instanceof Uint8Array ? input.length : undefined) : positiveInteger('totalBytes', options.totalBytes, true),
    ...(readAt === undefined ? {} : { readAt }),
    ...(byteString === undefined ? {} : { byteString }),
  });
  const scanner = checker.scanner;
  const duplicates = checker.duplicates;
  let bytes = 0;
  for await (const chunk of toChunks({ input })) {
    bytes += chunk.length;
    scanner.push(chunk);
    if (duplicates.waiting) await duplicates.confirm();
    options.onProgress?.({ bytes, records: checker.recordCount });
  }
  scanner.finish();
  await duplicates.confirm();
  checker.finishCharsetSample();
  options.onProgress?.({ bytes, records: checker.recordCount });

  if (bytes > maxFileBytes) {
    collector.add({
      code: 'INVALID_FILE_TYPE',
      rule: 'file-too-large',
      severity: 'error',
      message: bilingual(`文件 ${bytes} 字节，超过上限 ${maxFileBytes} 字节；请用 createRecordsFileWriter 拆分`, `the file is ${bytes} bytes, over the ${maxFileBytes}-byte limit: split it with createRecordsFileWriter`),
      byteOffset: maxFileBytes,
    });
  }
  if (!scanner.failed && checker.recordCount === 0 && declaredRecords !== 0) {
    collector.add({
      code: 'INVALID_DATA_ARGUMENTS',
      rule: 'records-empty',
      severity: 'error',
      message: bilingual('文件中没有记录（records 是空数组）：没有可上传的数据，一次上传至少要有 1 条记录', 'the file holds no records (records is an empty array): there is nothing to send; an upload needs at least one record'),
    });
  }
  if (declaredRecords !== undefined && !scanner.failed && declaredRecords !== checker.recordCount) {
    collector.add({
      code: 'INVALID_DATA_ARGUMENTS',
      rule: 'records-count',
      severity: 'error',
      field: 'records',
      message: bilingual(`records 参数为 ${declaredRecords}，文件实际有 ${checker.recordCount} 条记录`, `records says ${declaredRecords} but the file holds ${checker.recordCount} records`),
    });
  }
  return {
    ok: collector.errorCount === 0,
    recordCount: checker.recordCount,
    bytes,
    issues: collector.issues,
    truncated: collector.truncated,
    errorCount: collector.errorCount,
    warningCount: collector.warningCount,
  };
}
