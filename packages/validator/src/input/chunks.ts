import { ZhimaError } from '@zhima/core';

/**
 * What {@link validateRecords} reads: the whole file in memory, a `Blob` or `File` (a browser's file
 * input, Node's `openAsBlob`), a web stream, or any async iterable of byte chunks (a Node `fs.ReadStream`
 * is one). A `Blob` is the best of the streaming kinds: its size sizes the key index, and it is read
 * in 1 MiB slices (the next one read while the current one is checked), with random access for
 * confirming duplicates and for hold-back.
 *
 * @example
 * ```ts
 * const input: RecordsInput = new TextEncoder().encode('{"records":[]}');
 * ```
 */
export type RecordsInput = Uint8Array | Blob | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;

/**
 * Random access to the same bytes, so a primary-key hash match can be confirmed against the earlier
 * record's real values. `validateFile` (Node) and in-memory input provide it.
 *
 * @example
 * ```ts
 * const readAt: ReadAt = async ({ offset, length }) => bytes.subarray(offset, offset + length);
 * ```
 */
export type ReadAt = (range: { offset: number; length: number }) => Promise<Uint8Array>;

// Whole-file input is fed in slices, so pending duplicate confirmations and progress run regularly.
const SLICE_BYTES = 4 * 1024 * 1024;
// A Blob is read a slice at a time: 1 MiB, as validateFile reads a file. `Blob.stream()` gives 64 KiB
// chunks through a web stream, which costs about a third more CPU on a 240 MB file.
const BLOB_SLICE_BYTES = 1024 * 1024;

function isBlob(input: unknown): input is Blob {
  return typeof Blob !== 'undefined' && input instanceof Blob;
}

/**
 * Random access to an input that has it: in-memory bytes and a `Blob`; undefined for streams.
 *
 * @example
 * ```ts
 * const readAt = readAtOf({ input: new Blob(['{"records":[]}']) })!;
 * await readAt({ offset: 0, length: 1 }); // the bytes of "{"
 * ```
 */
export function readAtOf({ input }: { input: RecordsInput }): ReadAt | undefined {
  if (input instanceof Uint8Array) return async ({ offset, length }) => input.subarray(offset, offset + length);
  if (isBlob(input)) return async ({ offset, length }) => new Uint8Array(await input.slice(offset, offset + length).arrayBuffer());
  return undefined;
}

/**
 * The size of an input that knows it (in-memory bytes, a `Blob`), else undefined.
 *
 * @example
 * ```ts
 * sizeOf({ input: new Uint8Array(3) }); // 3
 * ```
 */
export function sizeOf({ input }: { input: RecordsInput }): number | undefined {
  if (input instanceof Uint8Array) return input.length;
  return isBlob(input) ? input.size : undefined;
}

function invalidChunk(): ZhimaError {
  return new ZhimaError({
    code: 'PARAM_INVALID',
    message: 'Records input chunks must be Uint8Array.',
    hint: '请以字节读取文件（不要设置文本编码）/ Read the file as bytes (no text encoding on the stream).',
  });
}

const readSlice = (blob: Blob, at: number): Promise<ArrayBuffer> => blob.slice(at, at + BLOB_SLICE_BYTES).arrayBuffer();

// The next slice is asked for before the current one is handed on, so reading it overlaps the scan.
async function* blobSlices(blob: Blob): AsyncGenerator<Uint8Array> {
  let next = blob.size > 0 ? readSlice(blob, 0) : undefined;
  try {
    for (let at = 0; next !== undefined; at += BLOB_SLICE_BYTES) {
      const slice = await next;
      next = at + BLOB_SLICE_BYTES < blob.size ? readSlice(blob, at + BLOB_SLICE_BYTES) : undefined;
      yield new Uint8Array(slice);
    }
  } finally {
    // Left early (a failed validation step): the slice read ahead is not wanted, nor is its failure.
    next?.catch(() => undefined);
  }
}

/**
 * Normalises every supported input to an async sequence of byte chunks.
 *
 * @example
 * ```ts
 * for await (const chunk of toChunks({ input: response.body! })) total += chunk.length;
 * ```
 */
export async function* toChunks({ input }: { input: RecordsInput }): AsyncGenerator<Uint8Array> {
  if (input instanceof Uint8Array) {
    for (let at = 0; at < input.length; at += SLICE_BYTES) yield input.subarray(at, at + SLICE_BYTES);
    return;
  }
  if (isBlob(input)) {
    yield* blobSlices(input);
    return;
  }
  if (typeof ReadableStream !== 'undefined' && input instanceof ReadableStream) {
    const reader = input.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        if (!(value instanceof Uint8Array)) throw invalidChunk();
        yield value;
      }
    } finally {
      reader.releaseLock();
    }
  }
  if (input !== null && typeof input === 'object' && Symbol.asyncIterator in input) {
    for await (const chunk of input as AsyncIterable<unknown>) {
      if (!(chunk instanceof Uint8Array)) throw invalidChunk();
      yield chunk;
    }
    return;
  }
  throw new ZhimaError({
    code: 'PARAM_INVALID',
    message: 'validateRecords input must be a Uint8Array, a Blob, a ReadableStream<Uint8Array> or an AsyncIterable<Uint8Array>.',
    hint: '在 Node 中可用 @zhima/validator/node 的 validateFile({ path }) / On Node, validateFile({ path }) from @zhima/validator/node opens a file.',
  });
}
