// The parameters every records-file upload shares (zhima.data.batch.feedback and its successor
// zhima.merchant.closeloop.data.upload): one reading of the columns, keys, count, charset and file part.
import { kindOf } from '../errors/argument-checks.js';
import { ZhimaError } from '../errors/zhima-error.js';
import type { FileContent } from '../http/multipart.js';
import { parseColumnList } from '../params/column-list.js';
import { normalizeFileCharset, type FileCharset } from '../params/file-charset.js';
import { isAbsentParamValue, isJsonObjectText, jsonParam } from '../params/param-value.js';
import type { GatewayFile } from '../request/gateway-request.js';

/**
 * The default multipart file name: the API page's `INVALID_FILE_TYPE` row says 目前只支持txt文件 (only
 * txt files are supported), so the name ends in `.txt`.
 *
 * @example
 * ```ts
 * const fileName = input.fileName ?? DEFAULT_FILE_NAME; // 'records.txt'
 * ```
 */
export const DEFAULT_FILE_NAME = 'records.txt';

/**
 * The file part's limit on zhima.merchant.closeloop.data.upload (50 MiB).
 *
 * @example
 * ```ts
 * if (file.size > MAX_RECORDS_FILE_BYTES) console.log('split the file first');
 * ```
 */
export const MAX_RECORDS_FILE_BYTES = 52_428_800;

const CHECK_HINT = '上传前可用 @zhima/validator 检查参数与文件 / Check params and file with @zhima/validator before upload.';

/** @internal A `PARAM_INVALID` naming the input field at fault. */
export function inputError({ message, option, hint = CHECK_HINT }: { message: string; option: string; hint?: string }): ZhimaError<'PARAM_INVALID'> {
  return new ZhimaError({ code: 'PARAM_INVALID', message, hint, option });
}

/** @internal What the two records-file uploads take alike. */
export interface RecordsFileInput {
  file: FileContent;
  fileName?: string | undefined;
  columns: string | readonly string[];
  primaryKeyColumns: string | readonly string[];
  records: number;
  fileCharset?: FileCharset | string | undefined;
}

function fileSize(file: FileContent): number | undefined {
  if (file instanceof Uint8Array || file instanceof Blob) return file instanceof Uint8Array ? file.length : file.size;
  const size = (file as { size?: unknown } | null)?.size;
  return typeof size === 'number' ? size : undefined;
}

/**
 * @internal The text params and the file part of a records-file upload, refusing with `PARAM_INVALID`
 * what the gateway refuses for sure: no columns, a primary key outside the columns, a record count that
 * is not a count, nothing to send (`records: 0`), a file name the gateway's file-type check refuses, a
 * file over `maxFileBytes`.
 */
export function recordsFileParams(input: RecordsFileInput, { maxFileBytes }: { maxFileBytes?: number } = {}): { params: Record<string, string>; file: GatewayFile } {
  const columns = parseColumnList({ value: input.columns, name: 'columns' });
  const primaryKeyColumns = parseColumnList({ value: input.primaryKeyColumns, name: 'primaryKeyColumns' });
  const outside = primaryKeyColumns.filter((column) => !columns.includes(column));
  if (outside.length > 0) throw inputError({ message: `Primary key columns ${outside.join(', ')} are not among the columns.`, option: 'primaryKeyColumns' });
  if (!Number.isSafeInteger(input.records) || input.records < 0) {
    throw inputError({ message: `records must be a positive integer (the number of records in the file), got ${typeof input.records === 'number' ? input.records : kindOf(input.records)}.`, option: 'records' });
  }
  if (input.records === 0) {
    throw inputError({
      message: 'records is 0: there is nothing to send. An empty file is not an upload, so none was made.',
      option: 'records',
      hint: '没有记录时跳过本次上传：当日无变化即无需反馈 / Skip the upload when there are no records: a day without changes needs no feedback.',
    });
  }
  const fileName = input.fileName ?? DEFAULT_FILE_NAME;
  // The gateway's INVALID_FILE_TYPE: "only txt files"; .json names were accepted by public integrations.
  if (typeof fileName === 'string' && /\.[^./\\]*$/.test(fileName) && !/\.(?:txt|json)$/i.test(fileName)) {
    throw inputError({
      message: `fileName ${JSON.stringify(fileName)} does not end in .txt: the gateway answers INVALID_FILE_TYPE (目前只支持txt文件).`,
      option: 'fileName',
      hint: `文件名请以 .txt 结尾，或省略 fileName（默认 ${DEFAULT_FILE_NAME}）/ Name the file *.txt, or leave fileName out (default ${DEFAULT_FILE_NAME}).`,
    });
  }
  const size = fileSize(input.file);
  if (maxFileBytes !== undefined && size !== undefined && size > maxFileBytes) {
    throw inputError({
      message: `The file is ${size} bytes, over the gateway's limit of ${maxFileBytes} bytes per file.`,
      option: 'file',
      hint: '按 50 MB 拆分为多个文件分别上传（@zhima/validator 的写入器可拆分）/ Split the records into files of at most 50 MB and upload each (the @zhima/validator writer splits them).',
    });
  }
  return {
    params: {
      file_charset: normalizeFileCharset({ fileCharset: input.fileCharset ?? 'UTF-8' }),
      columns: columns.join(','),
      records: String(input.records),
      primary_key_columns: primaryKeyColumns.join(','),
    },
    file: { name: 'file', fileName, content: input.file },
  };
}

/**
 * @internal `biz_ext_params` as the gateway takes it: a JSON object's text (an object is serialised),
 * at most `max` characters when the method states a limit.
 */
export function bizExtParamsText({ value, max }: { value: string | Record<string, unknown> | undefined; max?: number }): string | undefined {
  const text = jsonParam({ value, name: 'bizExtParams' });
  if (text === undefined || isAbsentParamValue(text)) return undefined;
  if (!isJsonObjectText({ text })) {
    throw inputError({ message: 'bizExtParams is not the text of a JSON object.', option: 'bizExtParams', hint: 'Give an object, e.g. { extparam1: "value" }, or its JSON text.' });
  }
  if (max !== undefined && text.length > max) throw inputError({ message: `bizExtParams is ${text.length} characters as JSON, over the limit of ${max}.`, option: 'bizExtParams' });
  return text;
}
