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
 * when the source no longer holds the bytes (the file shrank).
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
export async function* readPart({ part, readAt, chunkBytes = READ_BYTES }: { part: RecordsPart; readAt: ReadAt; chunkBytes?: number }): AsyncGenerator<Uint8Array> {
  if (!Number.isSafeInteger(chunkBytes) || chunkBytes < 1) throw new ZhimaError({ code: 'PARAM_INVALID', message: `chunkBytes must be a positive integer, got ${String(chunkBytes)}.` });
  yield PART_OPENING.slice();
  for (let k = 0; k < part.spans.length; k++) {
    if (k > 0) yield COMMA.slice();
    yield* readRange({ readAt, offset: part.spans[k]!.offset, length: part.spans[k]!.length, chunkBytes });
  }
  yield PART_CLOSING.slice();
}

/**
 * `length` bytes of the source from `offset`, through `readAt`, `chunkBytes` at a time. Throws
 * `ZhimaError` `PARAM_INVALID` when the source ends before them (the file shrank).
 *
 * @example
 * ```ts
 * for await (const chunk of readRange({ readAt, offset: 0, length: size })) hash.update(chunk);
 * ```
 */
async function* readRange({ readAt, offset, length, chunkBytes = READ_BYTES }: { readAt: ReadAt; offset: number; length: number; chunkBytes?: number }): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < length; ) {
    const want = Math.min(chunkBytes, length - at);
    const bytes = await readAt({ offset: offset + at, length: want });
    if (bytes.length === 0) throw shortRead();
    yield bytes.length > want ? bytes.subarray(0, want) : bytes;
    at += Math.min(bytes.length, want);
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
 * `open()` streams its `size` bytes anew through `readAt`, 1 MiB at a time, so a retry reads them again.
 * On Node, `openRecordsFile(…).content()` is the same over a file that must not change.
 *
 * @example
 * ```ts
 * await client.batchFeedback({ file: sourceContent({ readAt, size: bytes.length }), records: report.recordCount, columns, primaryKeyColumns });
 * ```
 */
export function sourceContent({ readAt, size }: { readAt: ReadAt; size: number }): { open: () => ReadableStream<Uint8Array>; size: number } {
  return reopenable({ chunks: () => readRange({ readAt, offset: 0, length: size }), size });
}

/**
 * A planned part as upload content (`{ open, size }`, a `FileContent` of `@zhima/core`): each `open()`
 * streams the {@link readPart} bytes anew, so a retry reads the part again; its size known up front.
 * On Node, `openRecordsFile(…).partContent({ part })` is the same over a file that must not change.
 *
 * @example
 * ```ts
 * await client.batchFeedback({ file: partContent({ part, readAt: file.readAt }), records: part.records, columns, primaryKeyColumns });
 * ```
 */
export function partContent({ part, readAt }: { part: RecordsPart; readAt: ReadAt }): { open: () => ReadableStream<Uint8Array>; size: number } {
  return reopenable({ chunks: () => readPart({ part, readAt }), size: part.bytes });
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
