import { requireOptions } from '../errors/argument-checks.js';
import type { FileContent } from '../http/multipart.js';
import type { FileCharset } from '../params/file-charset.js';
import type { GatewayCall } from '../request/gateway-request.js';
import { dataUploadParams, requiredText } from './data-upload-params.js';
import { CLOSELOOP_DATA_UPLOAD_METHOD } from './methods.js';
import { MAX_RECORDS_FILE_BYTES, recordsFileParams } from './records-file-params.js';

/**
 * The parameters of `zhima.merchant.closeloop.data.upload` (批量数据传入), the documented successor of
 * batch feedback: the same `{"records":[…]}` file, per scene. It has no `fileType` or `fileDescription`.
 *
 * @example
 * ```ts
 * const input: CloseloopDataUploadInput = {
 *   file: new TextEncoder().encode('{"records":[{"order_no":"A1","pay_month":"2024-01"}]}'),
 *   columns: ['order_no', 'pay_month'],
 *   primaryKeyColumns: ['order_no', 'pay_month'],
 *   records: 1,
 *   fileCharset: 'UTF-8',
 *   sceneCode: '8',
 * };
 * ```
 */
export interface CloseloopDataUploadInput {
  /** The `{"records":[…]}` file, at most 52 428 800 bytes: bytes, a `Blob` (e.g. `fs.openAsBlob(path)`), `{ open, size }` (read again for a retry), or a one-shot `{ stream, size }`. */
  file: FileContent;
  /** The multipart file name. Default `records.txt`; a name ending in another extension than `.txt` or `.json` is refused. */
  fileName?: string;
  /** Field codes of the scene's template, as an array or a comma-separated string. */
  columns: string | readonly string[];
  primaryKeyColumns: string | readonly string[];
  /** The number of records in the file: at least 1. */
  records: number;
  /** The file's charset, `UTF-8` or `GBK` (any spelling `utf8`, `gbk`, …). */
  fileCharset: FileCharset | string;
  /** The scene (场景码) whose template the records follow: `8` 数据反馈, `32` 骑行, `CAR_RENTING`, … */
  sceneCode: string;
  /** 服务商模式: the 二级商户 PID the data belongs to (at most 16 characters). */
  linkedMerchantId?: string;
  /** A JSON object (or its text) of at most 256 characters; the answer echoes it. */
  bizExtParams?: string | Record<string, unknown>;
}

/**
 * Turns closeloop-upload input into a gateway call, refusing with `PARAM_INVALID` (its `option` naming
 * the field) what the gateway refuses for sure: the records-file rules of {@link batchFeedbackCall}, a
 * file over 52 428 800 bytes, a blank `sceneCode`, a `linkedMerchantId` over 16 characters, a
 * `bizExtParams` that is not a JSON object of at most 256 characters.
 *
 * @example
 * ```ts
 * const { signContent } = await client.buildSignedRequest(
 *   closeloopDataUploadCall({ file, columns: 'order_no,pay_month', primaryKeyColumns: 'order_no,pay_month', records: 1, fileCharset: 'UTF-8', sceneCode: '8' }),
 * );
 * ```
 */
export function closeloopDataUploadCall(input: CloseloopDataUploadInput): GatewayCall {
  requireOptions(input, 'closeloopDataUpload');
  const { params, file } = recordsFileParams({ ...input, fileCharset: requiredText({ value: input.fileCharset, option: 'fileCharset', example: 'UTF-8' }) }, { maxFileBytes: MAX_RECORDS_FILE_BYTES });
  return {
    method: CLOSELOOP_DATA_UPLOAD_METHOD,
    params: {
      scene_code: requiredText({ value: input.sceneCode, option: 'sceneCode', example: "'8' (数据反馈)" }),
      ...params,
      ...dataUploadParams(input),
    },
    files: [file],
  };
}
