import { requireOptions } from '../errors/argument-checks.js';
import type { FileContent } from '../http/multipart.js';
import type { FileCharset } from '../params/file-charset.js';
import type { GatewayCall } from '../request/gateway-request.js';
import { BATCH_FEEDBACK_METHOD } from './methods.js';
import { bizExtParamsText, recordsFileParams } from './records-file-params.js';

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
  /** The `{"records":[…]}` file: bytes, a `Blob` (e.g. `fs.openAsBlob(path)`), `{ open, size }` (read again for a retry), or a one-shot `{ stream, size }`. */
  file: FileContent;
  /** The multipart file name. Default `records.txt` (the gateway: 目前只支持txt文件); a name ending in another extension than `.txt` or `.json` is refused. */
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
  /** A JSON object, or its text. */
  bizExtParams?: string | Record<string, unknown>;
}

/**
 * Turns batch-feedback input into a gateway call, rejecting with `PARAM_INVALID` (its `option` naming the
 * field) what the gateway would reject for sure — no columns, a primary key outside the columns, a
 * record count that is not a count, a file name that is not `.txt`/`.json`, `bizExtParams` that is not a
 * JSON object — and what is not an upload at all (`records: 0`: nothing to send).
 *
 * @example
 * ```ts
 * const { signContent } = await client.buildSignedRequest(batchFeedbackCall({ file, columns, primaryKeyColumns, records: 1 }));
 * ```
 */
export function batchFeedbackCall(input: BatchFeedbackInput): GatewayCall {
  requireOptions(input, 'batchFeedback');
  const { params, file } = recordsFileParams(input);
  const { fileType = 'json_data' } = input;
  return {
    method: BATCH_FEEDBACK_METHOD,
    params: {
      file_charset: params.file_charset,
      columns: params.columns,
      file_type: fileType,
      records: params.records,
      biz_ext_params: bizExtParamsText({ value: input.bizExtParams }),
      primary_key_columns: params.primary_key_columns,
      file_description: input.fileDescription,
    },
    files: [file],
  };
}
