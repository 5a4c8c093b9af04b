import { createHash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import { ZhimaError } from '@zhima/core';
import type { ReadAt } from '../input/chunks.js';
import type { ValidationReport } from '../report/issue.js';
import type { PartHash } from '../split/part-hash.js';
import type { RecordsPart } from '../split/part-plan.js';
import { partContent, sourceContent } from '../split/read-part.js';
import { validateRecordsWith, type ValidationOptions } from '../validate/validate-records.js';
import { utf8AsByteString } from './byte-string.js';

export { createFileSha256, type FileSha256 } from './file-sha256.js';

/**
 * An opened records file: its chunks for streaming, random access for confirming duplicates, its size,
 * and the file or a planned part as upload content that never ends whole once the file has changed.
 *
 * @example
 * ```ts
 * const file: OpenedRecordsFile = await openRecordsFile({ path: 'records.json' });
 * ```
 */
export interface OpenedRecordsFile {
  chunks: AsyncIterable<Uint8Array>;
  readAt: ReadAt;
  size: number;
  /**
   * The whole file as upload content (`{ open, size }`, a `FileContent` of `@zhima/core`): read again,
   * 1 MiB at a time, on every `open()` (a retry). Before its first read and after its last, before the
   * last bytes go, it fails with `PARAM_INVALID` if the file's size or modification time differs from
   * when it was opened: an upload never ends whole from a changed file, so what is sent is what was validated.
   */
  content(): { open: () => ReadableStream<Uint8Array>; size: number };
  /** A planned part as upload content (see `partContent`), failing on a changed file like {@link content}. */
  partContent(options: { part: RecordsPart }): { open: () => ReadableStream<Uint8Array>; size: number };
  close(): Promise<void>;
}

// 1 MiB reads: few system calls and promise turns per file, while a chunk stays far below memory limits.
const CHUNK_BYTES = 1024 * 1024;

/**
 * Opens a file for `validateRecords`: 1 MiB chunks plus positioned reads on one file handle.
 *
 * @example
 * ```ts
 * import { openRecordsFile } from '@zhima/validator/node';
 * import { validateRecords } from '@zhima/validator';
 *
 * const file = await openRecordsFile({ path: 'records.json' });
 * try {
 *   const report = await validateRecords({ input: file.chunks, readAt: file.readAt, totalBytes: file.size, columns, primaryKeyColumns });
 * } finally {
 *   await file.close();
 * }
 * ```
 */
export async function openRecordsFile({ path }: { path: string }): Promise<OpenedRecordsFile> {
  return (await openFile({ path })).file;
}

/**
 * {@link openRecordsFile}, and a reader of the file's next bytes into a buffer of the caller's (the
 * validator's scanner: no chunk buffers at all, nor a copy of each chunk).
 */
async function openFile({ path }: { path: string }): Promise<{ file: OpenedRecordsFile; readInto: (target: Uint8Array) => Promise<number> }> {
  if (typeof path !== 'string' || path === '') throw new ZhimaError({ code: 'PARAM_INVALID', message: 'path must be the records file\'s path.', hint: '例如 validateFile({ path: "records.json", ... }) / For example validateFile({ path: "records.json", ... }).' });
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (cause) {
    const code = (cause as { code?: unknown }).code;
    throw new ZhimaError({ code: 'PARAM_INVALID', message: `Cannot open the records file ${JSON.stringify(path)}${typeof code === 'string' ? ` (${code})` : ''}.`, hint: '检查路径和读取权限 / Check the path and the read permission.', cause });
  }
  const opened = await handle.stat();
  const size = opened.size;
  async function* chunks(): AsyncGenerator<Uint8Array> {
    for (let position = 0; position < size; position += CHUNK_BYTES) {
      // A fresh buffer per chunk: the caller may keep it.
      const buffer = new Uint8Array(Math.min(CHUNK_BYTES, size - position));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
      if (bytesRead === 0) return;
      yield buffer.subarray(0, bytesRead);
    }
  }
  let readPosition = 0;
  const readInto = async (target: Uint8Array): Promise<number> => {
    const length = Math.min(target.length, size - readPosition);
    if (length <= 0) return 0;
    const { bytesRead } = await handle.read(target, 0, length, readPosition);
    readPosition += bytesRead;
    return bytesRead;
  };
  const readAt: ReadAt = async ({ offset, length }) => {
    // Memory the read overwrites whole is not zeroed first (a tenth of an upload's CPU from the page
    // cache); the tail a short read leaves is, so no byte of earlier garbage is ever reachable.
    const buffer = uninitializedBytes(Math.max(0, Math.min(length, size - offset)));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
    if (bytesRead < buffer.length) buffer.fill(0, bytesRead);
    return buffer.subarray(0, bytesRead);
  };
  // What a file Blob of Node checks before it reads: the same size and modification time as at opening.
  // Upload content checks it at both ends of each attempt, not before every read: a stat before every
  // 1 MiB read made streaming a part from the page cache take ≈ 1.4× the time.
  const confirmUnchanged = async (): Promise<void> => {
    const now = await handle.stat();
    if (now.size !== opened.size || now.mtimeMs !== opened.mtimeMs) {
      throw new ZhimaError({
        code: 'PARAM_INVALID',
        message: `The records file ${JSON.stringify(path)} changed after it was opened (${now.size !== opened.size ? `${opened.size} → ${now.size} bytes` : 'modified'}): what was validated can no longer be read.`,
        hint: '校验后不要修改文件；重新校验再发送 / Do not change the file after validating it: validate it again, then send.',
      });
    }
  };
  return {
    file: {
      chunks: chunks(),
      readAt,
      size,
      content: () => sourceContent({ readAt, size, confirmUnchanged }),
      partContent: ({ part }) => partContent({ part, readAt, confirmUnchanged }),
      close: () => handle.close(),
    },
    readInto,
  };
}

// A plain Uint8Array (not a Buffer, whose `slice` shares memory) over memory Node does not zero.
function uninitializedBytes(length: number): Uint8Array {
  const memory = Buffer.allocUnsafeSlow(length);
  return new Uint8Array(memory.buffer, memory.byteOffset, length);
}

/**
 * The argument of {@link validateFile}: the file's path and the validation options.
 *
 * @example
 * ```ts
 * const options: ValidateFileOptions = { path: 'records.json', columns: 'order_no,pay_month', primaryKeyColumns: 'order_no,pay_month' };
 * ```
 */
export interface ValidateFileOptions extends ValidationOptions {
  path: string;
}

/**
 * Validates a records file on disk: streams it, confirms primary-key duplicates by re-reading, and
 * checks UTF-8 without transcoding clean records (Node's SIMD check): the fastest way on Node (the
 * portable `validateRecords` on a web stream of the same file takes about 1.5× its CPU time:
 * bench/RESULTS.md).
 *
 * @example
 * ```ts
 * import { validateFile } from '@zhima/validator/node';
 * import { loanTemplate } from '@zhima/validator';
 *
 * const report = await validateFile({ path: 'records.json', ...loanTemplate, records: 1000 });
 * if (!report.ok) console.table(report.issues);
 * ```
 */
export async function validateFile({ path, ...options }: ValidateFileOptions): Promise<ValidationReport> {
  const { file, readInto } = await openFile({ path });
  try {
    return await validateRecordsWith({ options: { ...options, input: file.chunks, readAt: file.readAt, totalBytes: file.size }, byteString: utf8AsByteString, readInto });
  } finally {
    await file.close();
  }
}

/**
 * The argument of {@link validateBytes}: the file's bytes and the validation options.
 *
 * @example
 * ```ts
 * const options: ValidateBytesOptions = { bytes, columns: 'order_no,pay_month', primaryKeyColumns: 'order_no,pay_month' };
 * ```
 */
export interface ValidateBytesOptions extends ValidationOptions {
  bytes: Uint8Array;
}

/**
 * Validates a records file held in memory, as fast as {@link validateFile} (the portable
 * `validateRecords` would decode every batch): for a file you upload from memory afterwards, read once.
 *
 * @example
 * ```ts
 * import { readFile } from 'node:fs/promises';
 * import { validateBytes } from '@zhima/validator/node';
 *
 * const bytes = await readFile('records.json');
 * const report = await validateBytes({ bytes, columns: 'order_no,pay_month', primaryKeyColumns: 'order_no,pay_month' });
 * if (report.ok) await client.batchFeedback({ file: bytes, columns, primaryKeyColumns, records: report.recordCount });
 * ```
 */
export async function validateBytes({ bytes, ...options }: ValidateBytesOptions): Promise<ValidationReport> {
  if (!(bytes instanceof Uint8Array)) throw new ZhimaError({ code: 'PARAM_INVALID', message: 'bytes must be the records file as a Uint8Array (a Buffer is one).', hint: '例如 validateBytes({ bytes: await readFile(path), ... }) / For example validateBytes({ bytes: await readFile(path), ... }).' });
  return validateRecordsWith({ options: { ...options, input: bytes }, byteString: utf8AsByteString });
}

/**
 * An incremental SHA-256 through `node:crypto`, for `split.hash`: each part (`part.sha256`) and the
 * input within one part's bound (`report.sha256`) hashed as they are validated, with no second read.
 *
 * @example
 * ```ts
 * import { createSha256, validateFile } from '@zhima/validator/node';
 *
 * const report = await validateFile({ path, columns, primaryKeyColumns, split: { hash: createSha256 } });
 * for (const part of report.parts ?? []) console.log(part.index, part.sha256);
 * ```
 */
export function createSha256(): PartHash {
  const hash = createHash('sha256');
  return {
    update: (bytes) => void hash.update(bytes),
    digest: () => hash.digest('hex'),
  };
}
