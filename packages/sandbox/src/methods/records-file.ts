import { validateRecords, type FieldRules } from '@zhima/validator';
import { businessFailure } from '../gateway/answers.js';
import type { UploadedFile } from '../gateway/read-request.js';
import type { RecordPartition, RecordStore, StoredRecord } from '../store.js';
import { rejectFirstError } from './business-params.js';

/**
 * The largest file part accepted: 52428800 bytes (50 MiB), as the closeloop API page states; the same
 * bound as the validator's default for batch feedback.
 *
 * @example
 * ```ts
 * if (file.body.length > MAX_RECORDS_FILE_BYTES) … // refused by the validator
 * ```
 */
export const MAX_RECORDS_FILE_BYTES = 52_428_800;

// The API page's INVALID_FILE_TYPE row says only txt files are supported; public integrations used .json.
const ACCEPTED_EXTENSIONS = new Set(['txt', 'json']);

// The extension of the last path segment, lower-cased: '' for "records.", undefined for "records" or ".txt".
function fileExtension(fileName: string): string | undefined {
  const base = fileName.split(/[\\/]/).pop() ?? '';
  const dot = base.lastIndexOf('.');
  return dot <= 0 ? undefined : base.slice(dot + 1).toLowerCase();
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

function fileCharsetOf(value: string | undefined): 'UTF-8' | 'GBK' {
  return value?.toUpperCase() === 'GBK' ? 'GBK' : 'UTF-8';
}

/**
 * The records file of an upload method, once its params passed: the `file` part must be there and be
 * named `*.txt` or `*.json` (or have no extension) — else `INVALID_FILE_TYPE`, "目前只支持txt文件" —,
 * then `@zhima/validator`'s `validateRecords` (columns, primary keys, count, charset, size, `rules`)
 * gives the first error as the answer. An accepted file's records, as the validator parsed them
 * (`onRecords`: no second decode and parse), are upserted by primary key into `partition` and logged.
 *
 * @example
 * ```ts
 * await acceptRecordsFile({ method, partition: { appId, sceneCode: '8' }, params, files, store, rules, taskId });
 * ```
 */
export async function acceptRecordsFile({
  method,
  partition,
  params,
  files,
  store,
  rules,
  taskId,
}: {
  method: string;
  partition: RecordPartition;
  /** Params that passed `validateFeedbackParams`: both column lists are present and well formed. */
  params: Readonly<Record<string, string>>;
  files: ReadonlyMap<string, UploadedFile>;
  store: RecordStore;
  rules: FieldRules | undefined;
  taskId: string | undefined;
}): Promise<void> {
  const file = files.get('file');
  if (file === undefined) {
    throw businessFailure({
      subCode: 'INVALID_DATA_ARGUMENTS',
      subMsg: params.file === undefined ? '缺少文件参数 file / The file part "file" is missing' : '参数 file 须以文件上传（带 filename）/ "file" must be sent as a file part (with a filename)',
    });
  }
  const extension = fileExtension(file.filename);
  if (extension !== undefined && !ACCEPTED_EXTENSIONS.has(extension)) {
    throw businessFailure({
      subCode: 'INVALID_FILE_TYPE',
      subMsg: `上传文件格式不支持,目前只支持txt文件 / Unsupported file type: name the file part *.txt, got ${JSON.stringify(file.filename)}`,
    });
  }
  const primaryKeyColumns = params.primary_key_columns!.split(',');
  const fileCharset = fileCharsetOf(params.file_charset);
  // The records the validator parsed: the file is decoded and parsed once.
  const records: StoredRecord[] = [];
  const onRecords = ({ records: batch }: { records: readonly unknown[] }) => {
    for (const record of batch) records.push(record as StoredRecord);
  };
  const report = await validateRecords({ input: file.body, columns: params.columns!, primaryKeyColumns, records: params.records, fileCharset, rules, maxFileBytes: MAX_RECORDS_FILE_BYTES, onRecords });
  rejectFirstError(report.issues);
  store.upsert({ partition, primaryKeyColumns, records });
  store.logUpload({
    appId: partition.appId,
    upload: { method, sceneCode: partition.sceneCode, taskId, fileName: file.filename, records: records.length, bytes: file.body.length, sha256: await sha256Hex(file.body) },
  });
}
