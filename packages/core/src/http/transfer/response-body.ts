import { ZhimaError } from '../../errors/zhima-error.js';
import type { HttpRequest } from '../types.js';
import type { TransferProgress } from './transfer-progress.js';

/**
 * Options for {@link readResponseBody}.
 *
 * @example
 * ```ts
 * const options: ReadResponseBodyOptions = { request, status: 200, body: response.body, limit: 1_048_576, progress, onChunk: quiet.touch };
 * ```
 */
export interface ReadResponseBodyOptions {
  request: Pick<HttpRequest, 'method' | 'url'>;
  status: number;
  /** The answer's body: a web stream (fetch) or a Node stream (undici's `request()`). */
  body: ReadableStream<Uint8Array> | NodeStreamLike | null;
  /** Bytes allowed; one more and the read stops. */
  limit: number;
  /** `receivedBytes` is counted here; `expectedBytes` is read as the answer's declared length. */
  progress: TransferProgress;
  /** Whether `expectedBytes` is the decoded length (false when fetch is decompressing the body). */
  lengthIsExact?: boolean;
  onChunk?: (() => void) | undefined;
}

/**
 * What readResponseBody needs of a Node readable stream: its chunks, and a way to drop it.
 *
 * @example
 * ```ts
 * const body: NodeStreamLike = (await undici.request(url)).body;
 * ```
 */
export type NodeStreamLike = AsyncIterable<Uint8Array> & { destroy(): unknown };

// Stopping must drop the body even before its first chunk is asked for: an iterator's `return()` does
// nothing then, so the stream itself is cancelled (fetch) or destroyed (Node), which closes the socket.
function chunksOf(body: ReadableStream<Uint8Array> | NodeStreamLike): AsyncIterator<Uint8Array> {
  if (!(body instanceof ReadableStream)) {
    const chunks = body[Symbol.asyncIterator]();
    return {
      next: () => chunks.next(),
      return: async () => {
        body.destroy();
        return { done: true, value: undefined };
      },
    };
  }
  // By reader rather than `for await`: web streams are not async iterable in every runtime (Safari).
  const reader = body.getReader();
  return {
    next: () => reader.read() as Promise<IteratorResult<Uint8Array>>,
    return: async () => {
      await reader.cancel().catch(() => undefined);
      return { done: true, value: undefined };
    },
  };
}

/**
 * The `RESPONSE_MALFORMED` error for an answer over the cap.
 *
 * @example
 * ```ts
 * throw responseTooLarge({ request, status: 200, limit: 1_048_576, declared: 104_857_600 });
 * ```
 */
export function responseTooLarge({ request, status, limit, declared }: { request: Pick<HttpRequest, 'method' | 'url'>; status: number; limit: number; declared?: number | undefined }): ZhimaError {
  const length = declared === undefined ? '' : `, content-length ${declared}`;
  return new ZhimaError({
    code: 'RESPONSE_MALFORMED',
    message: `${request.method} ${request.url.split('?')[0]}: answer over ${limit} bytes (HTTP ${status}${length}); stopped reading it.`,
    hint: 'A gateway answer is a few KB: check that the URL is the gateway and not a proxy or file server. If larger answers are expected, raise maxResponseBytes on the transport or for the call.',
    option: 'maxResponseBytes',
  });
}

/**
 * Reads an answer's body up to `limit` bytes. One byte more — or a declared `content-length` over the
 * limit, before anything is read — and it stops reading, cancels the body (which drops the
 * connection) and throws `RESPONSE_MALFORMED` ("answer over N bytes"); nothing past the limit is ever
 * held.
 *
 * @example
 * ```ts
 * const bytes = await readResponseBody({ request, status: response.status, body: response.body, limit: 1_048_576, progress });
 * ```
 */
export async function readResponseBody({ request, status, body, limit, progress, lengthIsExact = true, onChunk }: ReadResponseBodyOptions): Promise<Uint8Array> {
  if (body === null) return new Uint8Array(0);
  const chunks = chunksOf(body);
  const declared = progress.expectedBytes;
  if (lengthIsExact && declared !== undefined && declared > limit) {
    await chunks.return?.();
    throw responseTooLarge({ request, status, limit, declared });
  }
  const received: Uint8Array[] = [];
  let length = 0;
  for (let next = await chunks.next(); next.done !== true; next = await chunks.next()) {
    length += next.value.byteLength;
    progress.receivedBytes = length;
    if (length > limit) {
      await chunks.return?.();
      throw responseTooLarge({ request, status, limit, declared });
    }
    received.push(next.value);
    onChunk?.();
  }
  const bytes = new Uint8Array(length);
  let offset = 0;
  for (const chunk of received) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
