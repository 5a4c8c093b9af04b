import { createHash } from 'node:crypto';
import { openAsBlob } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { decodeText, type FileContent } from '@zhima/core';
import { createRecordsFileWriter } from '@zhima/validator';
import type { RecordsConfig } from '../config/records-config.js';
import type { InputSource } from '../records/input-source.js';

/**
 * One file to upload: a whole input, or one piece of a split input.
 *
 * @example
 * ```ts
 * await client.batchFeedback({ file: part.content, fileName: part.fileName, records: part.records, columns, primaryKeyColumns });
 * ```
 */
export interface UploadPart {
  source: string;
  /** 0-based piece number within its source. */
  part: number;
  fileName: string;
  content: FileContent;
  size: number;
  records: number;
  /** SHA-256 of the bytes, hex: the journal key. */
  hash: string;
}

/**
 * Where to split: the bounds of `createRecordsFileWriter`.
 *
 * @example
 * ```ts
 * const bounds: SplitBounds = { maxFileBytes: 50 * 1024 * 1024 };
 * ```
 */
export interface SplitBounds {
  maxFileBytes: number;
  maxRecordsPerFile?: number | undefined;
}

async function sha256(content: Uint8Array | Blob): Promise<string> {
  const hash = createHash('sha256');
  if (content instanceof Uint8Array) hash.update(content);
  else for await (const chunk of content.stream() as unknown as AsyncIterable<Uint8Array>) hash.update(chunk);
  return hash.digest('hex');
}

function pieceName(name: string, part: number): string {
  const stem = basename(name).replace(/\.json$/i, '');
  return `${stem}.part-${String(part + 1).padStart(3, '0')}.json`;
}

/**
 * The files to upload for one validated source. A source within the bounds goes as it is (streamed
 * from disk); a larger one is parsed and rewritten into pieces by `createRecordsFileWriter`, one piece
 * at a time, so the pieces and their hashes are the same on every run.
 *
 * @example
 * ```ts
 * for await (const part of uploadParts({ source, recordCount: report.recordCount, records, bounds })) await send(part);
 * ```
 */
export async function* uploadParts({
  source,
  recordCount,
  records,
  bounds,
}: {
  source: InputSource;
  recordCount: number;
  records: RecordsConfig;
  bounds: SplitBounds;
}): AsyncGenerator<UploadPart> {
  const fits = source.size <= bounds.maxFileBytes && recordCount <= (bounds.maxRecordsPerFile ?? Number.POSITIVE_INFINITY);
  if (fits) {
    const content = source.bytes ?? (await openAsBlob(source.path));
    yield { source: source.name, part: 0, fileName: basename(source.name === '<stdin>' ? 'records.json' : source.name), content, size: source.size, records: recordCount, hash: await sha256(content) };
    return;
  }
  const bytes = source.bytes ?? new Uint8Array(await readFile(source.path));
  const parsed = JSON.parse(decodeText({ bytes, charset: records.fileCharset === 'GBK' ? 'gbk' : 'utf-8' })) as { records: Record<string, unknown>[] };
  const writer = createRecordsFileWriter({
    columns: records.columns,
    primaryKeyColumns: records.primaryKeyColumns,
    fileCharset: records.fileCharset,
    maxFileBytes: bounds.maxFileBytes,
    ...(bounds.maxRecordsPerFile === undefined ? {} : { maxRecordsPerFile: bounds.maxRecordsPerFile }),
  });
  for await (const file of writer.files(parsed.records)) {
    yield { source: source.name, part: file.index, fileName: pieceName(source.name === '<stdin>' ? 'records' : source.name, file.index), content: file.bytes, size: file.bytes.length, records: file.records, hash: await sha256(file.bytes) };
  }
}
