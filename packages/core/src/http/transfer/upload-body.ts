import type { HttpRequest, UploadProgress } from '../types.js';
import type { TransferProgress } from './transfer-progress.js';

/** Slice size for byte bodies sent as a stream, and the size below which bytes are sent whole. */
const SLICE_BYTES = 64 * 1024;

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
 * Options for {@link trackUpload}.
 *
 * @example
 * ```ts
 * const options: TrackUploadOptions = { request, sliceBytes: true, onChunk: quiet.touch, onEnd: quiet.rest, onUploadProgress };
 * ```
 */
export interface TrackUploadOptions {
  request: Pick<HttpRequest, 'body' | 'headers'>;
  /**
   * Send a byte body over 64 KiB as a stream of 64 KiB slices, so that each one the network layer
   * takes is seen. Only where a stream body keeps its `content-length`.
   */
  sliceBytes: boolean;
  /**
   * How a watched body is handed over: a web stream (what fetch takes), or an async iterable (what
   * undici's `request()` also takes, at less cost per chunk). Default `'stream'`.
   */
  deliver?: 'stream' | 'iterable';
  /** After each chunk is handed to the network layer. */
  onChunk?: (() => void) | undefined;
  /** After the last chunk. */
  onEnd?: (() => void) | undefined;
  onUploadProgress?: ((progress: UploadProgress) => void) | undefined;
}

/**
 * A request body ready for the network layer, and the means to account for it.
 *
 * @example
 * ```ts
 * const upload: TrackedUpload = trackUpload({ request, sliceBytes: true });
 * ```
 */
export interface TrackedUpload {
  /**
   * How far the request has got: kept here while the body leaves (`sentBytes`, `phase` from `upload`
   * to `wait`); the transport adds the answer's side.
   */
  progress: TransferProgress;
  /**
   * What to send: the bytes as they are, or (as `deliver` asks) a stream or async iterable counted as it
   * is pulled, one chunk at a time.
   */
  body: Uint8Array | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array> | undefined;
  /** The answer arrived: a byte body sent whole is now reported as sent. */
  answered(): void;
  /**
   * The request failed: cancel the source — a stream never read (so the file behind it is closed now,
   * not at garbage collection), or one read part-way.
   */
  release(reason: unknown): void;
}

/**
 * Wraps a request body so every chunk the network layer takes is counted in `progress`, calls `onChunk` and
 * reports `onUploadProgress`. It pulls one chunk at a time (a stream's high-water mark is 0) and keeps
 * none, so the count trails the socket by at most the runtime's write buffer.
 *
 * @example
 * ```ts
 * const upload = trackUpload({ request, sliceBytes: true, onChunk: quiet.touch });
 * try {
 *   const response = await fetch(request.url, { method: 'POST', body: upload.body, duplex: 'half' });
 *   upload.answered();
 * } catch (error) {
 *   upload.release(error);
 * }
 * ```
 */
export function trackUpload({ request, sliceBytes, deliver = 'stream', onChunk, onEnd, onUploadProgress }: TrackUploadOptions): TrackedUpload {
  const { body } = request;
  const totalBytes = body instanceof Uint8Array ? body.byteLength : declaredLength(request);
  const progress: TransferProgress = { phase: 'upload', sentBytes: 0, totalBytes, receivedBytes: 0, expectedBytes: undefined, uploadVisible: true };
  if (body === undefined || (body instanceof Uint8Array && (!sliceBytes || body.byteLength <= SLICE_BYTES))) {
    // Handed over whole: there is no chunk to watch, so the request is waiting for its answer.
    const length = body?.byteLength ?? 0;
    progress.phase = 'wait';
    progress.sentBytes = length;
    progress.uploadVisible = length <= SLICE_BYTES;
    return {
      body,
      progress,
      answered: () => {
        if (body !== undefined) onUploadProgress?.({ sentBytes: length, totalBytes: length });
      },
      release: () => undefined,
    };
  }

  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  let finished = false;
  let offset = 0;
  const read = async (): Promise<ReadableStreamReadResult<Uint8Array>> => {
    if (!(body instanceof Uint8Array)) return (reader ??= body.getReader()).read();
    if (offset >= body.byteLength) return { done: true, value: undefined };
    const slice = body.subarray(offset, offset + SLICE_BYTES);
    offset += slice.byteLength;
    return { done: false, value: slice };
  };
  const next = async (): Promise<ReadableStreamReadResult<Uint8Array>> => {
    const chunk = await read();
    if (chunk.done) {
      finished = true;
      progress.phase = 'wait';
      onEnd?.();
      return chunk;
    }
    progress.sentBytes += chunk.value.byteLength;
    onChunk?.();
    onUploadProgress?.({ sentBytes: progress.sentBytes, totalBytes });
    return chunk;
  };
  // The network layer gave up on the body (an error, or it stopped reading): so does its source.
  const cancelSource = async (reason?: unknown) => {
    await reader?.cancel(reason).catch(() => undefined);
  };
  const counted =
    deliver === 'iterable'
      ? {
          [Symbol.asyncIterator]: () => ({
            next,
            return: async () => {
              await cancelSource();
              return { done: true as const, value: undefined };
            },
          }),
        }
      : new ReadableStream<Uint8Array>(
          {
            async pull(controller) {
              const chunk = await next();
              if (chunk.done) controller.close();
              else controller.enqueue(chunk.value);
            },
            cancel: cancelSource,
          },
          { highWaterMark: 0 },
        );
  return {
    body: counted,
    progress,
    answered: () => undefined,
    release(reason) {
      if (finished || body instanceof Uint8Array) return;
      const source = reader ?? (body.locked ? undefined : body);
      source?.cancel(reason).catch(() => undefined);
    },
  };
}
