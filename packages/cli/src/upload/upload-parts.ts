import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import type { FileContent } from '@zhima/core/internal';
import { maskPersonal, partContent, sourceContent, type HeldBack, type RecordsPart } from '@zhima/validator';
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
  /** The whole input or a part's spans as `{ open, size }` (see {@link UploadFile}): read again for a retry, 1 MiB at a time, never from a file changed since validation. */
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
 * Where a validated input's bytes are uploaded from: the whole input, or one planned part, each as
 * `{ open, size }` (read again for a retry). `openRecordsFile` of `@zhima/validator/node` is one (the
 * file on disk, failing before its last bytes once it changed); {@link inMemoryFile} is the other.
 *
 * @example
 * ```ts
 * const file: UploadFile = await openRecordsFile({ path });
 * ```
 */
export interface UploadFile {
  content(): { open: () => ReadableStream<Uint8Array>; size: number };
  partContent(options: { part: RecordsPart }): { open: () => ReadableStream<Uint8Array>; size: number };
  close(): Promise<void>;
}

/**
 * An input held in memory as an {@link UploadFile}: the bytes that were validated are the bytes sent,
 * streamed as 1 MiB views of the same buffer (no copy).
 *
 * @example
 * ```ts
 * const file = inMemoryFile({ bytes: await readFile(path) });
 * ```
 */
export function inMemoryFile({ bytes }: { bytes: Uint8Array }): UploadFile {
  const readAt = async ({ offset, length }: { offset: number; length: number }) => bytes.subarray(offset, offset + length);
  return { content: () => sourceContent({ readAt, size: bytes.length }), partContent: ({ part }) => partContent({ part, readAt }), close: async () => {} };
}

/**
 * A validated file to upload, with the parts `@zhima/validator` planned (and hashed) while validating
 * it (`report.parts`), the hash of the whole file when it is within one part's bound (`report.sha256`),
 * and the records it held back (`report.heldBack`, when any was). `file` is where its bytes are sent
 * from: the bytes that were validated (an input within one part, read once), or the file opened with
 * `openRecordsFile` before it was validated, whose content fails before its last bytes once the file is
 * modified, so what is sent is what was validated and hashed.
 *
 * @example
 * ```ts
 * const source: PartSource = { name: 'day.json', path, file: await openRecordsFile({ path }), size, recordCount, sha256: report.sha256, parts: report.parts!, heldBack: undefined };
 * ```
 */
export interface PartSource {
  name: string;
  path: string;
  file: UploadFile;
  size: number;
  recordCount: number;
  /** SHA-256 (hex) of the whole file, when it is within one part's bound. */
  sha256: string | undefined;
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

// Only for a part the validator could not hash as it read it (one a repeated key was taken out of).
async function hashOf(content: { open: () => ReadableStream<Uint8Array> }): Promise<string> {
  const hash = createHash('sha256');
  const reader = content.open().getReader();
  for (let next = await reader.read(); !next.done; next = await reader.read()) hash.update(next.value);
  return hash.digest('hex');
}

/**
 * The files to upload for one validated input, each with the SHA-256 the validator computed as it
 * read the input (the journal key), streamed from the file when sent: nothing is read here. An input
 * within the bounds goes as it is; a larger one goes as the parts `@zhima/validator` planned (byte
 * spans of its records, their bytes unchanged), so the pieces and their hashes are the same on every
 * run. The receipt's first and last primary key come from the same plan. An input that held records
 * back always goes as its planned parts (they leave those records out).
 *
 * @example
 * ```ts
 * for await (const part of uploadParts({ source, bounds })) await send(part);
 * ```
 */
export async function* uploadParts({ source, bounds }: { source: PartSource; bounds: SplitBounds }): AsyncGenerator<UploadPart> {
  const name = source.name === STDIN_NAME ? 'records.json' : basename(source.name);
  const { parts } = source;
  const fits = source.heldBack === undefined && source.size <= bounds.maxFileBytes && source.recordCount <= (bounds.maxRecordsPerFile ?? Number.POSITIVE_INFINITY);
  if (fits) {
    const content = source.file.content();
    yield {
      input: source.name,
      part: 0,
      fileName: name,
      content,
      size: source.size,
      records: source.recordCount,
      hash: source.sha256 ?? (await hashOf(content)),
      // A file within the bounds is planned as one part: its first and last record are the file's.
      firstPrimaryKey: receiptKey(parts[0]!.firstPrimaryKey),
      lastPrimaryKey: receiptKey(parts.at(-1)!.lastPrimaryKey),
    };
    return;
  }
  for (const part of parts) {
    const content = source.file.partContent({ part });
    yield {
      input: source.name,
      part: part.index,
      fileName: pieceName(name, part.index),
      content,
      size: part.bytes,
      records: part.records,
      hash: part.sha256 ?? (await hashOf(content)),
      firstPrimaryKey: receiptKey(part.firstPrimaryKey),
      lastPrimaryKey: receiptKey(part.lastPrimaryKey),
    };
  }
}
