import { ZhimaError, type FileCharset } from '@zhima/core';
import { normalizeFileCharset, parseColumnList } from '@zhima/core/internal';
import { readAtOf, sizeOf, toChunks, type ReadAt, type RecordsInput } from '../input/chunks.js';
import { validateFeedbackParams } from '../params/validate-params.js';
import { bilingual, IssueCollector, type ValidationReport } from '../report/issue.js';
import { sensitiveFieldsWith } from '../report/mask.js';
import type { FieldRules } from '../rules/field-check.js';
import type { PartHash } from '../split/part-hash.js';
import { MAX_PART_BYTES, type SplitOptions } from '../split/part-plan.js';
import { BatchParser, type RecordsListener } from './batch-parser.js';
import type { HoldBackOptions } from './hold-back.js';

/**
 * What every validation takes, whatever the input: the request params the file goes with, template
 * rules and limits. {@link validateRecords} adds the input, `validateFile` (Node) the path.
 *
 * @example
 * ```ts
 * const options: ValidationOptions = { columns: 'order_no,pay_month,user_name', primaryKeyColumns: 'order_no,pay_month', records: 2 };
 * ```
 */
export interface ValidationOptions {
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
  /** Fields whose values are masked in messages, besides `DEFAULT_SENSITIVE_FIELDS` (names, ID numbers, contact details); ID-number- and phone-shaped values are masked in every field. */
  sensitiveFields?: readonly string[];
  /** Largest single record accepted; bounds memory on broken files. Default 1 MiB. */
  maxRecordBytes?: number;
  onProgress?: (progress: { bytes: number; records: number }) => void;
  /**
   * Plan parts while validating (`report.parts`): each at most `split.maxFileBytes` (default
   * `maxFileBytes`, at most the gateway's 52428800) and `split.maxRecordsPerFile` records, made of byte
   * spans of whole records of the input. The input may then be larger than `maxFileBytes`.
   */
  split?: SplitOptions;
  /**
   * Hold back records that fail template rules or record-level checks, and every copy of a repeated
   * primary key, instead of failing the file (`report.heldBack`; the parts leave them out). File-level
   * problems (syntax, charset, the opening, the params) still fail it. `true` or `{ maxRecords }`
   * (default 10000 held back at most). Needs random access: `validateFile`, bytes, or `readAt`.
   */
  holdBack?: boolean | HoldBackOptions;
  /**
   * Called with each batch of records as the validator parsed them (`JSON.parse`'s values: objects on
   * a valid file), in file order, each record once: `records[i]` is record `firstRecordIndex + i`. Keep
   * them to use the file without decoding and parsing it a second time — and use them only once the
   * report is `ok` (a duplicate key is known only at the end; with `holdBack`, leave out the records
   * `report.heldBack` names). A record whose syntax fails ends the file and is not handed on. Records
   * of the exact path and of the fast path come alike; on `validateFile` values are text either way.
   * Leave them unchanged until the validation settles (a split plan may still read one).
   *
   * @example
   * ```ts
   * const records: unknown[] = [];
   * const report = await validateRecords({ input: bytes, columns, primaryKeyColumns, onRecords: (batch) => records.push(...batch.records) });
   * if (report.ok) store(records as Record<string, string>[]);
   * ```
   */
  onRecords?: RecordsListener;
}

/**
 * The argument of {@link validateRecords}: the input and the {@link ValidationOptions}.
 *
 * @example
 * ```ts
 * const options: ValidateRecordsOptions = { input: bytes, columns: 'order_no,pay_month', primaryKeyColumns: 'order_no,pay_month', records: 2 };
 * ```
 */
export interface ValidateRecordsOptions extends ValidationOptions {
  /** The records file: its bytes, a `Blob`/`File`, a web stream or an async iterable of byte chunks. */
  input: RecordsInput;
  /** Random access to the same bytes; confirms primary-key hash matches exactly on stream input (bytes and a `Blob` have it). */
  readAt?: ReadAt;
  /** Size of the input when known (`validateFile`, in-memory input and a `Blob` set it): sizes the key index early. */
  totalBytes?: number;
}

const MIB = 1024 * 1024;

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
 * const input = new TextEncoder().encode('{"records":[{"order_no":"LN1","pay_month":"2025-01"}]}');
 * const report = await validateRecords({ input, columns: 'order_no,pay_month', primaryKeyColumns: 'order_no,pay_month', records: 1 });
 * console.log(report.ok, report.recordCount); // true 1
 * ```
 */
export async function validateRecords(options: ValidateRecordsOptions): Promise<ValidationReport> {
  return validateRecordsWith({ options });
}

/**
 * {@link validateRecords} with what a runtime adds: `byteString` (see `BatchParser`). The Node subpath
 * passes one; everywhere else the portable path runs.
 *
 * @example
 * ```ts
 * const report = await validateRecordsWith({ options: { input: bytes, columns, primaryKeyColumns }, byteString: utf8AsByteString });
 * ```
 */
export async function validateRecordsWith({
  options,
  byteString,
  readInto,
}: {
  options: ValidateRecordsOptions;
  byteString?: (bytes: Uint8Array) => string | undefined;
  /**
   * Reads the input's next bytes straight into the scanner's buffer (`validateFile`'s positioned reads),
   * instead of `options.input`'s chunks: the bytes read or 0 at the end. Saves copying every chunk.
   */
  readInto?: (target: Uint8Array) => Promise<number>;
}): Promise<ValidationReport> {
  if (typeof options !== 'object' || options === null || options instanceof Uint8Array || !('input' in options)) {
    throw new ZhimaError({
      code: 'PARAM_INVALID',
      message: 'validateRecords takes one object: the input and the options together.',
      hint: '写作 validateRecords({ input: bytes, columns, primaryKeyColumns }) / Write validateRecords({ input: bytes, columns, primaryKeyColumns }).',
    });
  }
  const input = options.input;
  const charset = normalizeFileCharset({ fileCharset: options.fileCharset ?? 'UTF-8' });
  const columns = parseColumnList({ value: options.columns, name: 'columns' });
  const primaryKeyColumns = parseColumnList({ value: options.primaryKeyColumns, name: 'primaryKeyColumns' });
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

  const readAt: ReadAt | undefined = options.readAt ?? readAtOf({ input });
  const split = options.split === undefined ? undefined : splitBoundsOf({ split: options.split, maxFileBytes: options.maxFileBytes });
  const holdBack = holdBackOf(options.holdBack);
  if (options.onRecords !== undefined && typeof options.onRecords !== 'function') throw new ZhimaError({ code: 'PARAM_INVALID', message: 'onRecords must be a function ({ records, firstRecordIndex }) => void.' });
  if (holdBack !== undefined && readAt === undefined) {
    throw new ZhimaError({
      code: 'PARAM_INVALID',
      message: 'holdBack needs random access to the input: every copy of a repeated key is found by reading it again.',
      hint: '用 validateFile，或传入字节或 Blob，或提供 readAt / Use validateFile, pass the bytes or a Blob, or give readAt.',
    });
  }
  const checker = new BatchParser({
    charset,
    columns,
    primaryKeyColumns,
    rules: options.rules ?? {},
    sensitiveFields: sensitiveFieldsWith({ sensitiveFields: options.sensitiveFields }),
    collector,
    maxRecordBytes,
    expectedRecords: declaredRecords ?? 0,
    totalBytes: options.totalBytes === undefined ? sizeOf({ input }) : positiveInteger('totalBytes', options.totalBytes, true),
    ...(readAt === undefined ? {} : { readAt }),
    ...(byteString === undefined ? {} : { byteString }),
    ...(split === undefined ? {} : { split }),
    ...(holdBack === undefined ? {} : { holdBack }),
    ...(options.onRecords === undefined ? {} : { onRecords: options.onRecords }),
  });
  const { scanner, duplicates, planner } = checker;
  // The whole input's hash, while it may still go as it is (within one part's bound).
  let inputHash = split?.hash === undefined || (options.totalBytes ?? 0) > split.maxFileBytes ? undefined : split.hash();
  let bytes = 0;
  const chunks = readInto === undefined ? toChunks({ input }) : readIntoScanner({ scanner, readInto });
  for await (const chunk of chunks) {
    bytes += chunk.length;
    if (inputHash !== undefined && bytes > split!.maxFileBytes) inputHash = undefined;
    // A hash that reads the source itself is told where the chunk is, as the parts' hashes are.
    if (inputHash?.updateRange !== undefined) inputHash.updateRange({ offset: bytes - chunk.length, length: chunk.length });
    else inputHash?.update(chunk);
    // Bytes read into the scanner's buffer are taken where they are; a caller's chunk is copied there.
    if (readInto === undefined) scanner.push(chunk);
    else scanner.commit(chunk.length);
    if (duplicates.waiting) await duplicates.confirm();
    options.onProgress?.({ bytes, records: checker.recordCount });
  }
  scanner.finish();
  await duplicates.confirm();
  checker.finishCharsetSample();
  options.onProgress?.({ bytes, records: checker.recordCount });

  const heldBack = checker.holdBack === undefined ? undefined : await checker.holdBack.finish({ planner, readAt: readAt!, primaryKeyColumns: checker.primaryKeyColumns, sensitiveFields: checker.sensitiveFields });
  // Split, the input may be larger than one upload: each part keeps to the bound.
  if (bytes > maxFileBytes && planner === undefined) {
    collector.add({
      code: 'INVALID_FILE_TYPE',
      rule: 'file-too-large',
      severity: 'error',
      message: bilingual(`文件 ${bytes} 字节，超过上限 ${maxFileBytes} 字节；校验时传入 split 即可拆分为多个上传（或用 createRecordsFileWriter 重新生成）`, `the file is ${bytes} bytes, over the ${maxFileBytes}-byte limit: validate it with split to get parts to upload (or write it again with createRecordsFileWriter)`),
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
  // The keys' memory goes back now, before the caller's next step (an upload, say), not at some later collection.
  checker.releaseKeys();
  return {
    ok: collector.errorCount === 0,
    recordCount: checker.recordCount,
    bytes,
    issues: collector.issues,
    truncated: collector.truncated,
    errorCount: collector.errorCount,
    warningCount: collector.warningCount,
    ...(planner !== undefined && collector.errorCount === 0 ? { parts: planner.finish() } : {}),
    ...(inputHash !== undefined && collector.errorCount === 0 ? { sha256: inputHash.digest() } : {}),
    ...(heldBack === undefined ? {} : { heldBack }),
  };
}

// Each read asks for this much room in the scanner's buffer: as `validateFile` read before.
const READ_INTO_BYTES = MIB;

/** The bytes `readInto` puts into the scanner's buffer, each view valid until the scanner commits it. */
async function* readIntoScanner({ scanner, readInto }: { scanner: BatchParser['scanner']; readInto: (target: Uint8Array) => Promise<number> }): AsyncGenerator<Uint8Array> {
  for (;;) {
    const target = scanner.reserve(READ_INTO_BYTES);
    const read = await readInto(target);
    if (read === 0) return;
    yield target.subarray(0, read);
  }
}

function holdBackOf(holdBack: boolean | HoldBackOptions | undefined): { maxRecords?: number } | undefined {
  if (holdBack === undefined || holdBack === false) return undefined;
  if (holdBack === true) return {};
  if (typeof holdBack !== 'object' || holdBack === null) throw new ZhimaError({ code: 'PARAM_INVALID', message: 'holdBack must be true or { maxRecords }.' });
  return holdBack.maxRecords === undefined ? {} : { maxRecords: positiveInteger('holdBack.maxRecords', holdBack.maxRecords, true) };
}

function splitBoundsOf({ split, maxFileBytes }: { split: SplitOptions; maxFileBytes: number | undefined }): { maxFileBytes: number; maxRecordsPerFile: number; hash: (() => PartHash) | undefined } {
  if (typeof split !== 'object' || split === null) throw new ZhimaError({ code: 'PARAM_INVALID', message: 'split must be { maxFileBytes?, maxRecordsPerFile? }.' });
  const partBytes = positiveInteger('split.maxFileBytes', split.maxFileBytes ?? Math.min(maxFileBytes ?? 50 * MIB, MAX_PART_BYTES), false);
  if (partBytes > MAX_PART_BYTES) {
    throw new ZhimaError({
      code: 'PARAM_INVALID',
      message: `split.maxFileBytes is ${partBytes}, over the gateway's ${MAX_PART_BYTES}-byte limit for one file.`,
      hint: '网关单个文件上限 52428800 字节 / The gateway takes at most 52428800 bytes per file.',
    });
  }
  const maxRecordsPerFile = split.maxRecordsPerFile === undefined ? Number.POSITIVE_INFINITY : positiveInteger('split.maxRecordsPerFile', split.maxRecordsPerFile, false);
  if (split.hash !== undefined && typeof split.hash !== 'function') throw new ZhimaError({ code: 'PARAM_INVALID', message: 'split.hash must be a function returning { update(bytes), digest() }, e.g. createSha256 from @zhima/validator/node.' });
  return { maxFileBytes: partBytes, maxRecordsPerFile, hash: split.hash };
}
