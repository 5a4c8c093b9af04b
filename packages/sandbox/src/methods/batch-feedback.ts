import { decodeText } from '@zhima/core';
import { validateFeedbackParams, validateRecords, type Issue } from '@zhima/validator';
import { businessFailure, success, type Answer } from '../gateway/answers.js';
import type { UploadedFile } from '../gateway/read-request.js';
import type { RecordStore, StoredRecord } from '../store.js';

/** The method this module serves. */
export const BATCH_FEEDBACK = 'zhima.data.batch.feedback';

function splitList(value: string | undefined): string[] {
  return value === undefined || value === '' ? [] : value.split(',');
}

function rejectFirstError(issues: readonly Issue[]): void {
  const first = issues.find((issue) => issue.severity === 'error');
  if (first !== undefined) throw businessFailure({ subCode: first.code, subMsg: first.message });
}

/**
 * `zhima.data.batch.feedback`: checks the business params and the file with `@zhima/validator`, answers
 * `40004` with the gateway's sub_code and the first problem's message, and upserts accepted records
 * by primary key. The file bytes are dropped as soon as the records are parsed.
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
}: {
  appId: string;
  params: Record<string, string>;
  files: ReadonlyMap<string, UploadedFile>;
  store: RecordStore;
}): Promise<Answer> {
  rejectFirstError(validateFeedbackParams(params).issues);
  const file = files.get('file');
  if (file === undefined) {
    throw businessFailure({
      subCode: 'INVALID_DATA_ARGUMENTS',
      subMsg: params.file === undefined ? '缺少文件参数 file / The file part "file" is missing' : '参数 file 须以文件上传（带 filename）/ "file" must be sent as a file part (with a filename)',
    });
  }
  const columns = splitList(params.columns);
  const primaryKeyColumns = splitList(params.primary_key_columns);
  const fileCharset = params.file_charset?.toUpperCase() === 'GBK' ? 'GBK' : 'UTF-8';
  const report = await validateRecords(file.body, { columns, primaryKeyColumns, records: Number(params.records), fileCharset });
  rejectFirstError(report.issues);
  const text = decodeText({ bytes: file.body, charset: fileCharset });
  // The validator tolerates a BOM (with a warning); JSON.parse does not.
  const { records } = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text) as { records: StoredRecord[] };
  store.upsert({ appId, primaryKeyColumns, records });
  return success();
}
