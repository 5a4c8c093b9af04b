import { decodeText } from '@zhima/core/internal';
import { validateRecords, type FieldRules } from '@zhima/validator';
import { businessFailure } from '../gateway/answers.js';
import type { UploadedFile } from '../gateway/read-request.js';
import type { PendingRecords, RecordPartition, RecordStore, StoredRecord } from '../store.js';
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

// A valid file's records, parsed when the store is first asked for them. The bytes are kept as they
// are unless they pin a much larger buffer (a view into a request body grown by doubling).
function unreadRecords({ bytes, fileCharset }: { bytes: Uint8Array; fileCharset: 'UTF-8' | 'GBK' }): PendingRecords {
  const kept = bytes.buffer.byteLength > bytes.length + 64 * 1024 ? bytes.slice() : bytes;
  return {
    bytes: kept.length,
    read: () => {
      const text = decodeText({ bytes: kept, charset: fileCharset });
      // The validator tolerates a BOM (with a warning); JSON.parse does not.
      return (JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text) as { records: StoredRecord[] }).records;
    },
  };
}

/**
 * The records file of an upload method, once its params passed: the `file` part must be there and be
 * named `*.txt` or `*.json` (or have no extension) — else `INVALID_FILE_TYPE`, "目前只支持txt文件" —,
 * then `@zhima/validator`'s `validateRecords` (columns, primary keys, count, charset, size, `rules`)
 * gives the first error as the answer. An accepted file is logged and its records upserted by primary
 * key into `partition`, read from its bytes when first queried: an upload costs its validation only.
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
  const report = await validateRecords({ input: file.body, columns: params.columns!, primaryKeyColumns, records: params.records, fileCharset, rules, maxFileBytes: MAX_RECORDS_FILE_BYTES });
  rejectFirstError(report.issues);
  store.upsert({ partition, primaryKeyColumns, records: unreadRecords({ bytes: file.body, fileCharset }) });
  store.logUpload({
    appId: partition.appId,
    upload: { method, sceneCode: partition.sceneCode, taskId, fileName: file.filename, records: report.recordCount, bytes: file.body.length, sha256: await sha256Hex(file.body) },
  });
}
