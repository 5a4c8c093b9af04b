import { createHash } from 'node:crypto';
import { openAsBlob } from 'node:fs';
import { basename } from 'node:path';
import type { FileContent } from '@zhima/core/internal';
import { maskPersonal, readPart, type HeldBack, type RecordsPart } from '@zhima/validator';
import { openRecordsFile } from '@zhima/validator/node';
import { STDIN_NAME } from '../records/input-source.js';

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
 * A validated file to cut into upload parts, with the parts `@zhima/validator` planned while
 * validating it (`report.parts`), and the records it held back (`report.heldBack`, when any was).
 *
 * @example
 * ```ts
 * const file: PartSource = { name: 'out/day.json', path: '/data/out/day.json', size: 1024, recordCount: 10, parts: report.parts!, heldBack: undefined };
 * ```
 */
export interface PartSource {
  name: string;
  path: string;
  size: number;
  recordCount: number;
  parts: readonly RecordsPart[];
  /** Records held back (`--hold-back`), left out of `parts`; undefined when none was. */
  heldBack: HeldBack | undefined;
}

function pieceName(name: string, part: number): string {
  const stem = name.replace(/\.json$/i, '');
  return `${stem}.part-${String(part + 1).padStart(3, '0')}.json`;
}

/**
 * A primary key for receipts: every value masked with `maskPersonal` (a key may be an ID number or a
 * name). The validator's keys are already masked where sensitive; `maskPersonal` over them gives what it
 * gives over the original values.
 *
 * @example
 * ```ts
 * receiptKey({ order_no: 'ORD00000001', pay_month: '2025-01' }); // { order_no: 'ORD****0001', pay_month: '2******' }
 * ```
 */
export function receiptKey(key: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(key).map(([column, value]) => [column, maskPersonal({ value })]));
}

async function hashOfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  const file = await openRecordsFile({ path });
  try {
    for await (const chunk of file.chunks) hash.update(chunk);
  } finally {
    await file.close();
  }
  return hash.digest('hex');
}

/**
 * The files to upload for one validated input. An input within the bounds goes as it is (streamed
 * from disk); a larger one goes as the parts `@zhima/validator` planned while validating it, each read
 * with `readPart` (byte spans of its records, their bytes unchanged), one at a time, so the pieces and
 * their hashes are the same on every run. The receipt's first and last primary key come from the same
 * plan. An input that held records back always goes as its planned parts (they leave those records
 * out). `onSplitProgress` hears how far the parts have read the input.
 *
 * @example
 * ```ts
 * for await (const part of uploadParts({ source, bounds })) await send(part);
 * ```
 */
export async function* uploadParts({
  source,
  bounds,
  onSplitProgress,
}: {
  source: PartSource;
  bounds: SplitBounds;
  onSplitProgress?: (progress: { readBytes: number; totalBytes: number; part: number }) => void;
}): AsyncGenerator<UploadPart> {
  const name = source.name === STDIN_NAME ? 'records.json' : basename(source.name);
  const { parts } = source;
  const fits = source.heldBack === undefined && source.size <= bounds.maxFileBytes && source.recordCount <= (bounds.maxRecordsPerFile ?? Number.POSITIVE_INFINITY);
  if (fits) {
    yield {
      input: source.name,
      part: 0,
      fileName: name,
      content: await openAsBlob(source.path),
      size: source.size,
      records: source.recordCount,
      hash: await hashOfFile(source.path),
      // A file within the bounds is planned as one part: its first and last record are the file's.
      firstPrimaryKey: receiptKey(parts[0]!.firstPrimaryKey),
      lastPrimaryKey: receiptKey(parts.at(-1)!.lastPrimaryKey),
    };
    return;
  }
  const file = await openRecordsFile({ path: source.path });
  try {
    for (const part of parts) {
      const bytes = new Uint8Array(part.bytes);
      let at = 0;
      for await (const chunk of readPart({ part, readAt: file.readAt })) {
        bytes.set(chunk, at);
        at += chunk.length;
        onSplitProgress?.({ readBytes: Math.min(part.spans[0]!.offset + at, source.size), totalBytes: source.size, part: part.index });
      }
      yield {
        input: source.name,
        part: part.index,
        fileName: pieceName(name, part.index),
        // A Blob, not the bytes: the transport streams it (upload progress) and can replay it for a retry.
        content: new Blob([bytes]),
        size: bytes.length,
        records: part.records,
        hash: createHash('sha256').update(bytes).digest('hex'),
        firstPrimaryKey: receiptKey(part.firstPrimaryKey),
        lastPrimaryKey: receiptKey(part.lastPrimaryKey),
      };
    }
  } finally {
    await file.close();
  }
}
