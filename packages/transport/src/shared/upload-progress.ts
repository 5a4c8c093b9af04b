import type { HttpRequest, UploadProgress } from '@zhima/core';

/**
 * The body length a request declares, or `undefined` when it streams without one.
 *
 * @example
 * ```ts
 * declaredLength({ headers: { 'content-length': '1024' } }); // 1024
 * ```
 */
export function declaredLength({ headers }: Pick<HttpRequest, 'headers'>): number | undefined {
  const value = headers['content-length'];
  if (value === undefined || !/^\d+$/.test(value)) return undefined;
  return Number(value);
}

/**
 * Options for {@link countUploadedBytes}.
 *
 * @example
 * ```ts
 * const options: CountUploadedBytesOptions = { body, totalBytes: 1024, onChunk: (progress) => console.log(progress) };
 * ```
 */
export interface CountUploadedBytesOptions {
  body: ReadableStream<Uint8Array>;
  totalBytes: number | undefined;
  /** Called after each chunk is handed to the network layer. */
  onChunk: (progress: UploadProgress) => void;
}

/**
 * Wraps a request body so every chunk the network layer pulls is counted. It pulls one chunk at a time
 * (high-water mark 0), so it adds no buffering of its own: the byte count trails the socket by at
 * most the runtime's write buffer.
 *
 * @example
 * ```ts
 * const body = countUploadedBytes({ body: stream, totalBytes, onChunk: onUploadProgress });
 * ```
 */
export function countUploadedBytes({ body, totalBytes, onChunk }: CountUploadedBytesOptions): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let sentBytes = 0;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const { done, value } = await reader.read();
        if (done) {
          controller.close();
          return;
        }
        controller.enqueue(value);
        sentBytes += value.byteLength;
        onChunk({ sentBytes, totalBytes });
      },
      cancel(reason) {
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}

/**
 * Cancels a stream body that the network layer never started reading (the connection failed first), so
 * its source — an open file, say — is released now rather than at garbage collection. A body already
 * being read is the network layer's to cancel.
 *
 * @example
 * ```ts
 * try {
 *   return await send(body);
 * } catch (error) {
 *   releaseUnreadBody({ body, reason: error });
 *   throw error;
 * }
 * ```
 */
export function releaseUnreadBody({ body, reason }: { body: HttpRequest['body']; reason: unknown }): void {
  if (body instanceof ReadableStream && !body.locked) body.cancel(reason).catch(() => undefined);
}
