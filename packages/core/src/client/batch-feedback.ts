import { kindOf, requireOptions } from '../errors/argument-checks.js';
import { ZhimaError } from '../errors/zhima-error.js';
import type { FileContent } from '../http/multipart.js';
import { parseColumnList } from '../params/column-list.js';
import { jsonParam } from '../params/param-value.js';
import { normalizeFileCharset, type FileCharset } from '../params/file-charset.js';
import type { GatewayCall } from '../request/gateway-request.js';
import { BATCH_FEEDBACK_METHOD } from './methods.js';

/**
 * The parameters of `zhima.data.batch.feedback` (批量数据反馈), in SDK form.
 *
 * @example
 * ```ts
 * const input: BatchFeedbackInput = {
 *   file: new TextEncoder().encode('{"records":[{"order_no":"A1","pay_month":"2024-01"}]}'),
 *   columns: ['order_no', 'pay_month'],
 *   primaryKeyColumns: ['order_no', 'pay_month'],
 *   records: 1,
 * };
 * ```
 */
export interface BatchFeedbackInput {
  /** The `{"records":[…]}` file: bytes, a `Blob` (e.g. `fs.openAsBlob(path)`), or `{ stream, size }`. */
  file: FileContent;
  /** Default `records.json`. */
  fileName?: string;
  /** Field codes from the merchant's feedback template, as an array or a comma-separated string (each name trimmed). */
  columns: string | readonly string[];
  primaryKeyColumns: string | readonly string[];
  /** The number of records in the file: at least 1 (an empty file is refused, there is nothing to send). */
  records: number;
  /** The file's charset: `UTF-8` (default) or `GBK`, in any spelling `normalizeFileCharset` reads (`utf8`, `gbk`, …). */
  fileCharset?: FileCharset | string;
  fileType?: 'json_data';
  fileDescription?: string;
  /** A JSON string, or an object to serialise. */
  bizExtParams?: string | Record<string, unknown>;
}

function paramError(message: string): ZhimaError<'PARAM_INVALID'> {
  return new ZhimaError({ code: 'PARAM_INVALID', message, hint: '上传前可用 @zhima/validator 检查参数与文件 / Check params and file with @zhima/validator before upload.' });
}

/**
 * Turns batch-feedback input into a gateway call, rejecting with `PARAM_INVALID` what the gateway
 * would reject for sure (no columns, a primary key outside the columns, a record count that is not a
 * count) and what is not an upload at all (`records: 0`: nothing to send).
 *
 * @example
 * ```ts
 * const request = await client.buildRequest(batchFeedbackCall({ file, columns, primaryKeyColumns, records: 1 }));
 * ```
 */
export function batchFeedbackCall(input: BatchFeedbackInput): GatewayCall {
  requireOptions(input, 'batchFeedback');
  const columns = parseColumnList({ value: input.columns, name: 'columns' });
  const primaryKeyColumns = parseColumnList({ value: input.primaryKeyColumns, name: 'primaryKeyColumns' });
  const outside = primaryKeyColumns.filter((column) => !columns.includes(column));
  if (outside.length > 0) throw paramError(`Primary key columns ${outside.join(', ')} are not among the columns.`);
  if (!Number.isSafeInteger(input.records) || input.records < 0) {
    throw paramError(`records must be a positive integer (the number of records in the file), got ${typeof input.records === 'number' ? input.records : kindOf(input.records)}.`);
  }
  if (input.records === 0) {
    throw new ZhimaError({
      code: 'PARAM_INVALID',
      message: 'records is 0: there is nothing to send. An empty file is not an upload, so none was made.',
      hint: '没有记录时跳过本次上传：当日无变化即无需反馈 / Skip the upload when there are no records: a day without changes needs no feedback.',
    });
  }
  const fileCharset = normalizeFileCharset({ fileCharset: input.fileCharset ?? 'UTF-8' });
  const { fileType = 'json_data' } = input;
  return {
    method: BATCH_FEEDBACK_METHOD,
    params: {
      file_charset: fileCharset,
      columns: columns.join(','),
      file_type: fileType,
      records: String(input.records),
      biz_ext_params: jsonParam({ value: input.bizExtParams, name: 'bizExtParams' }),
      primary_key_columns: primaryKeyColumns.join(','),
      file_description: input.fileDescription,
    },
    files: [{ name: 'file', fileName: input.fileName ?? 'records.json', content: input.file }],
  };
}
