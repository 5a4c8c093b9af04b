import { createHash } from 'node:crypto';
import { openAsBlob } from 'node:fs';
import { basename } from 'node:path';
import { decodeText, type FileContent } from '@zhima/core/internal';
import { maskPersonal } from '@zhima/validator';
import { openRecordsFile } from '@zhima/validator/node';
import type { RecordsConfig } from '../config/records-config.js';
import { STDIN_NAME } from '../records/input-source.js';
import { recordEnds, splitRecordsFile, type SplitBounds } from './split-records-file.js';

/**
 * One file to upload: a whole input, or one piece of a split input.
 *
 * @example
 * ```ts
 * await client.batchFeedback({ file: part.content, fileName: part.fileName, records: part.records, columns, primaryKeyColumns });
 * ```
 */
export interface UploadPart {
  /** The input it comes from, as named on the command line (`<stdin>` for standard input). */
  input: string;
  /** 0-based piece number within its input. */
  part: number;
  fileName: string;
  /** A `Blob` (a file on disk, or a piece in memory): replayable for retries, streamed with upload progress. */
  content: FileContent;
  size: number;
  records: number;
  /** SHA-256 of the bytes, hex: the journal key. */
  hash: string;
  /** The primary key of the first and last record, each value masked with `maskPersonal`. */
  firstPrimaryKey: Record<string, string>;
  lastPrimaryKey: Record<string, string>;
}

/**
 * A validated file to cut into upload parts.
 *
 * @example
 * ```ts
 * const file: PartSource = { name: 'out/day.json', path: '/data/out/day.json', size: 1024, recordCount: 10 };
 * ```
 */
export interface PartSource {
  name: string;
  path: string;
  size: number;
  recordCount: number;
}

function pieceName(name: string, part: number): string {
  const stem = name.replace(/\.json$/i, '');
  return `${stem}.part-${String(part + 1).padStart(3, '0')}.json`;
}

/**
 * A record's primary key for receipts, each value masked (a key may be an ID number or a name).
 *
 * @example
 * ```ts
 * maskedPrimaryKey({ record: bytes, records: { primaryKeyColumns: ['order_no', 'pay_month'], fileCharset: 'UTF-8' } }); // { order_no: 'ORD****0001', pay_month: '2******' }
 * ```
 */
export function maskedPrimaryKey({ record, records }: { record: Uint8Array | undefined; records: Pick<RecordsConfig, 'primaryKeyColumns' | 'fileCharset'> }): Record<string, string> {
  if (record === undefined) return {};
  const parsed = JSON.parse(decodeText({ bytes: record, charset: records.fileCharset === 'GBK' ? 'gbk' : 'utf-8' })) as Record<string, unknown>;
  return Object.fromEntries(records.primaryKeyColumns.map((column) => [column, maskPersonal(String(parsed[column] ?? ''))]));
}

async function describeWholeFile({ path, records }: { path: string; records: RecordsConfig }): Promise<{ hash: string; first: Uint8Array | undefined; last: Uint8Array | undefined }> {
  const hash = createHash('sha256');
  const ends = recordEnds({ fileCharset: records.fileCharset });
  const file = await openRecordsFile({ path });
  try {
    for await (const chunk of file.chunks) {
      hash.update(chunk);
      ends.push(chunk);
    }
  } finally {
    await file.close();
  }
  return { hash: hash.digest('hex'), ...ends.result() };
}

async function* countRead(chunks: AsyncIterable<Uint8Array>, onRead: (bytes: number) => void): AsyncGenerator<Uint8Array> {
  let read = 0;
  for await (const chunk of chunks) {
    read += chunk.length;
    onRead(read);
    yield chunk;
  }
}

/**
 * The files to upload for one validated input. An input within the bounds goes as it is (streamed
 * from disk); a larger one is split by {@link splitRecordsFile} one piece at a time, its records'
 * bytes unchanged, so the pieces and their hashes are the same on every run. `onSplitProgress` hears
 * how far the split has read the input.
 *
 * @example
 * ```ts
 * for await (const part of uploadParts({ source, records, bounds })) await send(part);
 * ```
 */
export async function* uploadParts({
  source,
  records,
  bounds,
  onSplitProgress,
}: {
  source: PartSource;
  records: RecordsConfig;
  bounds: SplitBounds;
  onSplitProgress?: (progress: { readBytes: number; totalBytes: number; part: number }) => void;
}): AsyncGenerator<UploadPart> {
  const name = source.name === STDIN_NAME ? 'records.json' : basename(source.name);
  const fits = source.size <= bounds.maxFileBytes && source.recordCount <= (bounds.maxRecordsPerFile ?? Number.POSITIVE_INFINITY);
  if (fits) {
    const { hash, first, last } = await describeWholeFile({ path: source.path, records });
    yield {
      input: source.name,
      part: 0,
      fileName: name,
      content: await openAsBlob(source.path),
      size: source.size,
      records: source.recordCount,
      hash,
      firstPrimaryKey: maskedPrimaryKey({ record: first, records }),
      lastPrimaryKey: maskedPrimaryKey({ record: last, records }),
    };
    return;
  }
  const file = await openRecordsFile({ path: source.path });
  try {
    let part = 0;
    const chunks = countRead(file.chunks, (readBytes) => onSplitProgress?.({ readBytes, totalBytes: source.size, part }));
    for await (const piece of splitRecordsFile({ chunks, fileCharset: records.fileCharset, bounds })) {
      yield {
        input: source.name,
        part,
        fileName: pieceName(name, part),
        // A Blob, not the bytes: the transport streams it (upload progress) and can replay it for a retry.
        content: new Blob([piece.bytes as Uint8Array<ArrayBuffer>]),
        size: piece.bytes.length,
        records: piece.records,
        hash: createHash('sha256').update(piece.bytes).digest('hex'),
        firstPrimaryKey: maskedPrimaryKey({ record: piece.firstRecord, records }),
        lastPrimaryKey: maskedPrimaryKey({ record: piece.lastRecord, records }),
      };
      part++;
    }
  } finally {
    await file.close();
  }
}
