import { ZhimaError, type FileCharset } from '@zhima/core';
import { encodeText, isAbsentParamValue, normalizeFileCharset, parseColumnList } from '@zhima/core/internal';
import { validateFeedbackParams } from '../params/validate-params.js';
import { PrimaryKeyIndex } from '../unique/primary-key-index.js';

/**
 * Options of {@link createRecordsFileWriter}.
 *
 * @example
 * ```ts
 * const options: RecordsFileWriterOptions = { columns: ['order_no', 'pay_month', 'user_name'], primaryKeyColumns: 'order_no,pay_month', fileCharset: 'GBK' };
 * ```
 */
export interface RecordsFileWriterOptions {
  columns: string | readonly string[];
  primaryKeyColumns: string | readonly string[];
  /** Default `UTF-8`. */
  fileCharset?: FileCharset | string;
  /** Split bound per file, default 50 MiB. */
  maxFileBytes?: number;
  /** Optional record-count bound per file. */
  maxRecordsPerFile?: number;
}

/**
 * One complete, valid records file and the params that go with it.
 *
 * @example
 * ```ts
 * await client.batchFeedback({ file: file.bytes, records: file.records, fileCharset: file.fileCharset, columns, primaryKeyColumns });
 * ```
 */
export interface RecordsFile {
  /** 0-based number of this file in the run. */
  index: number;
  bytes: Uint8Array;
  /** The `records` param: how many records this file holds. */
  records: number;
  /** Index (in the whole run) of this file's first record. */
  firstRecordIndex: number;
  fileCharset: FileCharset;
  /** The bytes as a web stream, for transports that upload streams. */
  stream(): ReadableStream<Uint8Array>;
}

/**
 * Builds records files from record objects; see {@link createRecordsFileWriter}.
 *
 * @example
 * ```ts
 * for await (const file of writer.files({ records })) await upload(file);
 * ```
 */
export interface RecordsFileWriter {
  /** The files holding `records`, in order: each is complete and valid on its own. */
  files(options: { records: Iterable<Record<string, unknown>> | AsyncIterable<Record<string, unknown>> }): AsyncGenerator<RecordsFile>;
}

const MIB = 1024 * 1024;
const OPENING = '{"records":[';
const CLOSING = ']}';
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const utf8 = new TextEncoder();

function invalid(message: string, hint?: string): ZhimaError {
  return new ZhimaError({ code: 'PARAM_INVALID', message, ...(hint === undefined ? {} : { hint }) });
}

function toText(value: unknown, recordIndex: number, field: string): string {
  if (typeof value === 'string') {
    if (LONE_SURROGATE.test(value)) throw invalid(`Record ${recordIndex} field ${field} holds an unpaired surrogate, which no charset can store.`);
    return value;
  }
  if ((typeof value === 'number' && Number.isFinite(value)) || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  throw invalid(`Record ${recordIndex} field ${field} must be text (or a number/boolean), got ${value === null ? 'null' : typeof value}.`);
}

/**
 * The error for a record the charset cannot hold, naming the field and the first character without a
 * code (the value itself may be personal data, so it is not shown).
 */
function unencodable({
  recordIndex,
  columns,
  values,
  fileCharset,
  encode,
  cause,
}: {
  recordIndex: number;
  columns: readonly string[];
  values: readonly string[];
  fileCharset: FileCharset;
  encode: (text: string) => Uint8Array;
  cause: unknown;
}): ZhimaError {
  const fails = (text: string): boolean => {
    try {
      encode(text);
      return false;
    } catch {
      return true;
    }
  };
  const c = values.findIndex(fails);
  const char = c < 0 ? undefined : [...values[c]!].find(fails);
  const what = char === undefined ? '' : ` field ${columns[c]!} holds ${JSON.stringify(char)} (U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}), which`;
  return new ZhimaError({
    code: 'PARAM_INVALID',
    message: `Record ${recordIndex}${what} cannot be encoded as ${fileCharset}.`,
    hint: `${fileCharset} 无法表示该字符：请改用 UTF-8，或替换该字符 / ${fileCharset} has no code for it: use fileCharset UTF-8, or replace the character.`,
    cause,
  });
}

function concat(parts: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/**
 * Turns record objects into one or more valid records files: keys in `columns` order, every value a JSON
 * string (numbers and booleans converted), escaping by `JSON.stringify`, GBK encoding when asked, split
 * before a file would pass `maxFileBytes` (or `maxRecordsPerFile`); no records give no file (nothing to
 * send). Throws `ZhimaError` `PARAM_INVALID` for a record the gateway would reject: a missing or extra
 * column, an empty (or whitespace-only) or duplicate primary key (across the whole run), a value that is
 * not text, or text the charset cannot encode.
 *
 * @example
 * ```ts
 * import { createRecordsFileWriter } from '@zhima/validator';
 *
 * const writer = createRecordsFileWriter({ columns: 'order_no,pay_month,user_name', primaryKeyColumns: 'order_no,pay_month', fileCharset: 'GBK' });
 * for await (const file of writer.files({ records: [{ order_no: 'LN1', pay_month: '2025-01', user_name: '张三' }] })) {
 *   console.log(file.records, file.bytes.length); // 1 68
 * }
 * ```
 */
export function createRecordsFileWriter(options: RecordsFileWriterOptions): RecordsFileWriter {
  const columns = parseColumnList({ value: options.columns, name: 'columns' });
  const primaryKeyColumns = parseColumnList({ value: options.primaryKeyColumns, name: 'primaryKeyColumns' });
  const fileCharset = normalizeFileCharset({ fileCharset: options.fileCharset ?? 'UTF-8' });
  const maxFileBytes = options.maxFileBytes ?? 50 * MIB;
  const maxRecordsPerFile = options.maxRecordsPerFile ?? Number.POSITIVE_INFINITY;
  if (!(maxFileBytes > OPENING.length + CLOSING.length) || !(maxRecordsPerFile >= 1)) throw invalid('maxFileBytes and maxRecordsPerFile must leave room for at least one record.');
  const params = validateFeedbackParams({ columns, primary_key_columns: primaryKeyColumns, records: '1', file_type: 'json_data', file_charset: fileCharset });
  const errors = params.issues.filter((issue) => issue.severity === 'error');
  if (errors.length > 0) throw invalid(`Invalid columns: ${errors.map((issue) => issue.message).join('; ')}`);
  const columnSet = new Set(columns);
  const keyNames = columns.map((column) => `${JSON.stringify(column)}:`);
  const encode = (text: string): Uint8Array => (fileCharset === 'UTF-8' ? utf8.encode(text) : encodeText({ text, charset: 'gbk' }));
  const opening = encode(OPENING);
  const closing = encode(CLOSING);
  const comma = encode(',');

  async function* files({ records }: { records: Iterable<Record<string, unknown>> | AsyncIterable<Record<string, unknown>> }): AsyncGenerator<RecordsFile> {
    const index = new PrimaryKeyIndex();
    const keyValues = primaryKeyColumns.map(() => '');
    let parts: Uint8Array[] = [opening];
    let size = opening.length + closing.length;
    let count = 0;
    let fileIndex = 0;
    let firstRecordIndex = 0;
    let recordIndex = 0;
    const finish = (): RecordsFile => {
      parts.push(closing);
      const bytes = concat(parts, size);
      const file: RecordsFile = {
        index: fileIndex++,
        bytes,
        records: count,
        firstRecordIndex,
        fileCharset,
        stream: () => new ReadableStream({ start: (controller) => (controller.enqueue(bytes), controller.close()) }),
      };
      firstRecordIndex += count;
      parts = [opening];
      size = opening.length + closing.length;
      count = 0;
      return file;
    };

    for await (const record of records) {
      if (typeof record !== 'object' || record === null || Array.isArray(record)) throw invalid(`Record ${recordIndex} must be a plain object.`);
      const extra = Object.keys(record).filter((key) => !columnSet.has(key));
      if (extra.length > 0) throw invalid(`Record ${recordIndex} has keys not in columns: ${extra.join(', ')}.`, '请在 columns 中声明，或删除这些键 / Declare them in columns or drop them.');
      const values = columns.map((column) => {
        if (!Object.hasOwn(record, column)) throw invalid(`Record ${recordIndex} lacks column ${column}.`);
        return toText(record[column], recordIndex, column);
      });
      primaryKeyColumns.forEach((column, k) => {
        const value = values[columns.indexOf(column)]!;
        // The gateway's empty: '' or only whitespace (Java StringUtils.isEmpty).
        if (isAbsentParamValue(value)) throw invalid(`Record ${recordIndex} has an empty or whitespace-only primary key column ${column}.`);
        keyValues[k] = value;
      });
      const [earlier] = index.matching(keyValues);
      if (earlier !== undefined) throw invalid(`Record ${recordIndex} repeats the primary key of record ${earlier} (${primaryKeyColumns.join(',')}).`, '主键须在整个上传批次中唯一 / Primary keys must be unique across the whole run.');
      index.add(keyValues, recordIndex);

      const json = `{${values.map((value, c) => keyNames[c] + JSON.stringify(value)).join(',')}}`;
      let bytes: Uint8Array;
      try {
        bytes = encode(json);
      } catch (cause) {
        throw unencodable({ recordIndex, columns, values, fileCharset, encode, cause });
      }
      if (opening.length + closing.length + bytes.length > maxFileBytes) throw invalid(`Record ${recordIndex} alone is ${bytes.length} bytes, more than maxFileBytes allows.`);
      if (count > 0 && (size + comma.length + bytes.length > maxFileBytes || count >= maxRecordsPerFile)) yield finish();
      if (count > 0) {
        parts.push(comma);
        size += comma.length;
      }
      parts.push(bytes);
      size += bytes.length;
      count++;
      recordIndex++;
    }
    // No records, no file: an empty records file is not an upload (validateRecords refuses it).
    if (count > 0) yield finish();
  }

  return { files };
}
