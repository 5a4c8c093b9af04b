import { ZhimaError } from '@zhima/core';

/**
 * What {@link validateRecords} reads: the whole file in memory, a web stream, or any async iterable of
 * byte chunks (a Node `fs.ReadStream` is one).
 *
 * @example
 * ```ts
 * const input: RecordsInput = new TextEncoder().encode('{"records":[]}');
 * ```
 */
export type RecordsInput = Uint8Array | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;

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

function invalidChunk(): ZhimaError {
  return new ZhimaError({
    code: 'PARAM_INVALID',
    message: 'Records input chunks must be Uint8Array.',
    hint: '请以字节读取文件（不要设置文本编码）/ Read the file as bytes (no text encoding on the stream).',
  });
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
    message: 'validateRecords input must be a Uint8Array, a ReadableStream<Uint8Array> or an AsyncIterable<Uint8Array>.',
    hint: '在 Node 中可用 @zhima/validator/node 的 validateFile({ path }) / On Node, validateFile({ path }) from @zhima/validator/node opens a file.',
  });
}
