import { decodeText } from '@zhima/core';
import { validateFeedbackParams, validateRecords, type FieldRules, type Issue } from '@zhima/validator';
import { businessFailure, success, type Answer } from '../gateway/answers.js';
import type { UploadedFile } from '../gateway/read-request.js';
import type { RecordStore, StoredRecord } from '../store.js';

/**
 * The method this module serves.
 *
 * @example
 * ```ts
 * if (params.method === BATCH_FEEDBACK) await batchFeedback({ appId, params, files, store });
 * ```
 */
export const BATCH_FEEDBACK = 'zhima.data.batch.feedback';

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

function rejectFirstError(issues: readonly Issue[]): void {
  const first = issues.find((issue) => issue.severity === 'error');
  if (first !== undefined) throw businessFailure({ subCode: first.code, subMsg: first.message });
}

/**
 * `zhima.data.batch.feedback`: checks the business params and the file with `@zhima/validator`, answers
 * `40004` with the gateway's sub_code and the first problem's message, upserts accepted records by
 * primary key and logs the upload. The file bytes are dropped as soon as the records are parsed.
 *
 * @example
 * ```ts
 * const answer = await batchFeedback({ appId, params, files, store });
 * ```
 */
export async function batchFeedback({
  appId,
  params,
  files,
  store,
  rules,
}: {
  appId: string;
  params: Record<string, string>;
  files: ReadonlyMap<string, UploadedFile>;
  store: RecordStore;
  /** Template rules the file must also pass (`INVALID_PARAMETER` otherwise), e.g. `loanTemplateRules`. */
  rules?: FieldRules | undefined;
}): Promise<Answer> {
  rejectFirstError(validateFeedbackParams(params).issues);
  const file = files.get('file');
  if (file === undefined) {
    throw businessFailure({
      subCode: 'INVALID_DATA_ARGUMENTS',
      subMsg: params.file === undefined ? '缺少文件参数 file / The file part "file" is missing' : '参数 file 须以文件上传（带 filename）/ "file" must be sent as a file part (with a filename)',
    });
  }
  // The params passed above, so both lists are present and every key column is a column.
  const primaryKeyColumns = params.primary_key_columns!.split(',');
  const fileCharset = params.file_charset?.toUpperCase() === 'GBK' ? 'GBK' : 'UTF-8';
  const report = await validateRecords(file.body, { columns: params.columns!, primaryKeyColumns, records: params.records, fileCharset, rules });
  rejectFirstError(report.issues);
  const text = decodeText({ bytes: file.body, charset: fileCharset });
  // The validator tolerates a BOM (with a warning); JSON.parse does not.
  const { records } = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text) as { records: StoredRecord[] };
  store.upsert({ appId, primaryKeyColumns, records });
  store.logUpload({ appId, upload: { fileName: file.filename, records: records.length, bytes: file.body.length, sha256: await sha256Hex(file.body) } });
  return success();
}
