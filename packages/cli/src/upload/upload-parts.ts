import { createHash } from 'node:crypto';
import { openAsBlob } from 'node:fs';
import { basename } from 'node:path';
import type { FileContent } from '@zhima/core';
import { readPart, type ReadAt, type RecordsPart } from '@zhima/validator';
import { openRecordsFile } from '@zhima/validator/node';
import type { InputSource } from '../records/input-source.js';

/**
 * Split bounds for {@link uploadParts}, as `@zhima/validator`'s `split` option takes them.
 *
 * @example
 * ```ts
 * const bounds: SplitBounds = { maxFileBytes: 50 * 1024 * 1024 };
 * ```
 */
export type SplitBounds = { maxFileBytes: number; maxRecordsPerFile?: number | undefined };

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
 * from disk); a larger one goes as the parts `@zhima/validator` planned while validating it (`parts`:
 * byte spans of its records, read with `readPart`), its records' bytes unchanged, so the pieces and
 * their hashes are the same on every run.
 *
 * @example
 * ```ts
 * for await (const part of uploadParts({ source, recordCount: report.recordCount, parts: report.parts!, bounds })) await send(part);
 * ```
 */
export async function* uploadParts({
  source,
  recordCount,
  parts,
  bounds,
}: {
  source: InputSource;
  recordCount: number;
  parts: readonly RecordsPart[];
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
  const bytes = source.bytes;
  const readAt: ReadAt = file?.readAt ?? (async ({ offset, length }) => bytes!.subarray(offset, offset + length));
  try {
    for (const part of parts) {
      const chunks: Uint8Array[] = [];
      for await (const chunk of readPart({ part, readAt })) chunks.push(chunk);
      const content = new Uint8Array(Buffer.concat(chunks));
      yield { source: source.name, part: part.index, fileName: pieceName(name, part.index), content, size: content.length, records: part.records, hash: await sha256(content) };
    }
  } finally {
    await file?.close();
  }
}
