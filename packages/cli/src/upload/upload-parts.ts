import { createHash } from 'node:crypto';
import { openAsBlob } from 'node:fs';
import { basename } from 'node:path';
import type { FileContent } from '@zhima/core/internal';
import { openRecordsFile } from '@zhima/validator/node';
import type { RecordsConfig } from '../config/records-config.js';
import type { InputSource } from '../records/input-source.js';
import { splitRecordsFile, type SplitBounds } from './split-records-file.js';

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

async function sha256(content: Uint8Array | Blob): Promise<string> {
  const hash = createHash('sha256');
  if (content instanceof Uint8Array) hash.update(content);
  else for await (const chunk of content.stream() as unknown as AsyncIterable<Uint8Array>) hash.update(chunk);
  return hash.digest('hex');
}

function pieceName(name: string, part: number): string {
  const stem = name.replace(/\.json$/i, '');
  return `${stem}.part-${String(part + 1).padStart(3, '0')}.json`;
}

/**
 * The files to upload for one validated source. A source within the bounds goes as it is (streamed
 * from disk); a larger one is split by {@link splitRecordsFile} one piece at a time, its records'
 * bytes unchanged, so the pieces and their hashes are the same on every run.
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
  const name = source.name === '<stdin>' ? 'records.json' : basename(source.name);
  const fits = source.size <= bounds.maxFileBytes && recordCount <= (bounds.maxRecordsPerFile ?? Number.POSITIVE_INFINITY);
  if (fits) {
    const content = source.bytes ?? (await openAsBlob(source.path));
    yield { source: source.name, part: 0, fileName: name, content, size: source.size, records: recordCount, hash: await sha256(content) };
    return;
  }
  const file = source.bytes === undefined ? await openRecordsFile({ path: source.path }) : undefined;
  try {
    let part = 0;
    for await (const piece of splitRecordsFile({ chunks: file?.chunks ?? [source.bytes!], fileCharset: records.fileCharset, bounds })) {
      yield { source: source.name, part, fileName: pieceName(name, part), content: piece.bytes, size: piece.bytes.length, records: piece.records, hash: await sha256(piece.bytes) };
      part++;
    }
  } finally {
    await file?.close();
  }
}
