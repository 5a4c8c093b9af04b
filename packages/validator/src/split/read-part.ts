import { ZhimaError } from '@zhima/core';
import type { ReadAt } from '../input/chunks.js';
import { PART_CLOSING, PART_OPENING, type RecordsPart } from './part-plan.js';

// Spans are read 1 MiB at a time: few reads per part, and memory stays at one chunk whatever the part.
const READ_BYTES = 1024 * 1024;
const COMMA = Uint8Array.of(0x2c);

function shortRead(): ZhimaError {
  return new ZhimaError({
    code: 'PARAM_INVALID',
    message: 'The records file is shorter than when it was validated: the part cannot be read.',
    hint: '校验后不要修改文件；重新校验再发送 / Do not change the file after validating it: validate it again, then send.',
  });
}

/**
 * The exact bytes of a planned part, streamed from the source through `readAt` (on Node, the positioned
 * reads of `openRecordsFile`): `{"records":[`, each span's bytes as they are in the source (GBK stays
 * GBK), `,` between spans, `]}`. Memory stays at one 1 MiB read. Throws `ZhimaError` `PARAM_INVALID`
 * when the source no longer holds the bytes (the file shrank). `confirmUnchanged`, when given, runs
 * before the first read and again after the last one, before the closing `]}`: whatever it throws
 * stops the part short of its end, so a part read from a changed source never goes out whole.
 *
 * @example
 * ```ts
 * import { readPart } from '@zhima/validator';
 * import { openRecordsFile, validateFile } from '@zhima/validator/node';
 *
 * const report = await validateFile({ path, columns, primaryKeyColumns, split: { maxFileBytes: 50 * 1024 * 1024 } });
 * const file = await openRecordsFile({ path });
 * for (const part of report.parts ?? []) {
 *   for await (const chunk of readPart({ part, readAt: file.readAt })) sink.write(chunk);
 * }
 * await file.close();
 * ```
 */
export async function* readPart({ part, readAt, chunkBytes = READ_BYTES, confirmUnchanged }: { part: RecordsPart; readAt: ReadAt; chunkBytes?: number; confirmUnchanged?: ConfirmUnchanged | undefined }): AsyncGenerator<Uint8Array> {
  if (!Number.isSafeInteger(chunkBytes) || chunkBytes < 1) throw new ZhimaError({ code: 'PARAM_INVALID', message: `chunkBytes must be a positive integer, got ${String(chunkBytes)}.` });
  await confirmUnchanged?.();
  yield PART_OPENING.slice();
  for (let k = 0; k < part.spans.length; k++) {
    if (k > 0) yield COMMA.slice();
    yield* readRange({ readAt, offset: part.spans[k]!.offset, length: part.spans[k]!.length, chunkBytes });
  }
  await confirmUnchanged?.();
  yield PART_CLOSING.slice();
}

/**
 * Throws when the source no longer holds the bytes that were validated (on Node, `openRecordsFile`
 * compares the file's size and modification time with those it had when opened). Upload content runs
 * it before its first read and after its last, before its last bytes: one check per attempt at each
 * end rather than one per read, and no upload ends whole from a source that changed while it was read.
 *
 * @example
 * ```ts
 * const confirmUnchanged: ConfirmUnchanged = async () => {
 *   if ((await handle.stat()).mtimeMs !== opened.mtimeMs) throw new Error('changed');
 * };
 * ```
 */
export type ConfirmUnchanged = () => Promise<void>;

/**
 * `length` bytes of the source from `offset`, through `readAt`, `chunkBytes` at a time. Throws
 * `ZhimaError` `PARAM_INVALID` when the source ends before them (the file shrank). `confirmUnchanged`
 * runs before the first read and after the last, before the last chunk is handed on.
 *
 * @example
 * ```ts
 * for await (const chunk of readRange({ readAt, offset: 0, length: size })) hash.update(chunk);
 * ```
 */
async function* readRange({ readAt, offset, length, chunkBytes = READ_BYTES, confirmUnchanged }: { readAt: ReadAt; offset: number; length: number; chunkBytes?: number; confirmUnchanged?: ConfirmUnchanged | undefined }): AsyncGenerator<Uint8Array> {
  await confirmUnchanged?.();
  for (let at = 0; at < length; ) {
    const want = Math.min(chunkBytes, length - at);
    const bytes = await readAt({ offset: offset + at, length: want });
    if (bytes.length === 0) throw shortRead();
    at += Math.min(bytes.length, want);
    if (at >= length) await confirmUnchanged?.();
    yield bytes.length > want ? bytes.subarray(0, want) : bytes;
  }
}

/**
 * Upload content read again for each attempt (`{ open, size }`, a `FileContent` of `@zhima/core`):
 * every `open()` streams `chunks()` anew.
 *
 * @example
 * ```ts
 * const content = reopenable({ chunks: () => readRange({ readAt, offset: 0, length: size }), size });
 * ```
 */
function reopenable({ chunks, size }: { chunks: () => AsyncGenerator<Uint8Array>; size: number }): { open: () => ReadableStream<Uint8Array>; size: number } {
  const open = () => {
    let reading: AsyncGenerator<Uint8Array> | undefined;
    return new ReadableStream<Uint8Array>({
      async pull(controller) {
        reading ??= chunks();
        const next = await reading.next();
        if (next.done) controller.close();
        else controller.enqueue(next.value);
      },
      async cancel() {
        await reading?.return(undefined);
      },
    });
  };
  return { open, size };
}

/**
 * The whole source as upload content (`{ open, size }`, a `FileContent` of `@zhima/core`): each
 * `open()` streams its `size` bytes anew through `readAt`, 1 MiB at a time, so a retry reads them again;
 * `confirmUnchanged` runs before the first read and before the last chunk (see {@link ConfirmUnchanged}).
 * On Node, `openRecordsFile(…).content()` is the same over a file that must not change.
 *
 * @example
 * ```ts
 * await client.batchFeedback({ file: sourceContent({ readAt, size: bytes.length }), records: report.recordCount, columns, primaryKeyColumns });
 * ```
 */
export function sourceContent({ readAt, size, confirmUnchanged }: { readAt: ReadAt; size: number; confirmUnchanged?: ConfirmUnchanged }): { open: () => ReadableStream<Uint8Array>; size: number } {
  return reopenable({ chunks: () => readRange({ readAt, offset: 0, length: size, confirmUnchanged }), size });
}

/**
 * A planned part as upload content (`{ open, size }`, a `FileContent` of `@zhima/core`): each `open()`
 * streams the {@link readPart} bytes anew, so a retry reads the part again; its size known up front.
 * `confirmUnchanged` runs before the first read and before the closing `]}` (see {@link ConfirmUnchanged}).
 * On Node, `openRecordsFile(…).partContent({ part })` is the same over a file that must not change.
 *
 * @example
 * ```ts
 * await client.batchFeedback({ file: partContent({ part, readAt: file.readAt }), records: part.records, columns, primaryKeyColumns });
 * ```
 */
export function partContent({ part, readAt, confirmUnchanged }: { part: RecordsPart; readAt: ReadAt; confirmUnchanged?: ConfirmUnchanged }): { open: () => ReadableStream<Uint8Array>; size: number } {
  return reopenable({ chunks: () => readPart({ part, readAt, confirmUnchanged }), size: part.bytes });
}

/**
 * A planned part as a `Blob` over `file`, the source as a `Blob` (on Node, `fs.openAsBlob(path)`):
 * `{"records":[`, each span sliced from `file`, `,` between spans, `]}`, the {@link readPart} bytes.
 * Nothing is read until the blob is, and it reads again for a retry; a file-backed blob refuses to
 * read once the file is modified (Node), so a part is never sent from a file changed after validation.
 *
 * @example
 * ```ts
 * import { openAsBlob } from 'node:fs';
 * const file = await openAsBlob(path);
 * const report = await validateFile({ path, columns, primaryKeyColumns, split: {} });
 * for (const part of report.parts!) await client.batchFeedback({ file: partBlob({ file, part }), records: part.records, columns, primaryKeyColumns });
 * ```
 */
export function partBlob({ file, part }: { file: Blob; part: RecordsPart }): Blob {
  const pieces: BlobPart[] = [PART_OPENING.slice()];
  part.spans.forEach(({ offset, length }, k) => {
    if (k > 0) pieces.push(COMMA.slice());
    pieces.push(file.slice(offset, offset + length));
  });
  pieces.push(PART_CLOSING.slice());
  return new Blob(pieces);
}
