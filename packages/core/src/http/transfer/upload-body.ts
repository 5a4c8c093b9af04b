import { ZhimaError } from '../../errors/zhima-error.js';
import type { HttpRequest, UploadProgress } from '../types.js';
import { answerWait, headersTimeoutFor, limitMs } from './answer-wait.js';
import type { StallLimit, TransferProgress } from './transfer-progress.js';

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
 * const options: TrackUploadOptions = { request, sliceBytes: true, timeoutMs: 60_000, onChunk: quiet.touch, onEnd: quiet.rest, onUploadProgress };
 * ```
 */
export interface TrackUploadOptions {
  request: Pick<HttpRequest, 'body' | 'headers'>;
  /** The transport's `timeoutMs`: the default of `headersTimeoutMs` when it is longer than 120 s. */
  timeoutMs: number;
  /** The transport's `headersTimeoutMs`, as the caller gave it (default: see `headersTimeoutFor`). */
  headersTimeoutMs?: number | undefined;
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
  /** After the last chunk (`progress.phase` is then `'wait'`, unless the answer came first). */
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
   * How long to wait for the answer's headers once the last byte is handed over: `headersTimeoutMs`
   * plus time for the bytes that may still be on their way (see `answerWait`).
   */
  answerWait: StallLimit;
  /** The same as one number of milliseconds: `Infinity` when `headersTimeoutMs` is off. */
  answerWaitMs: number;
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
 * const upload = trackUpload({ request, sliceBytes: true, timeoutMs: 60_000, onChunk: quiet.touch, onEnd: () => quiet.touch(upload.answerWaitMs) });
 * try {
 *   const response = await fetch(request.url, { method: 'POST', body: upload.body, duplex: 'half' });
 *   upload.answered();
 * } catch (error) {
 *   upload.release(error);
 * }
 * ```
 */
export function trackUpload({ request, sliceBytes, timeoutMs, headersTimeoutMs, deliver = 'stream', onChunk, onEnd, onUploadProgress }: TrackUploadOptions): TrackedUpload {
  const { body } = request;
  const totalBytes = body instanceof Uint8Array ? body.byteLength : declaredLength(request);
  const progress: TransferProgress = { phase: 'upload', sentBytes: 0, totalBytes, receivedBytes: 0, expectedBytes: undefined, uploadVisible: true };
  const waitFor = () => {
    const limit = answerWait({ headersTimeoutMs: headersTimeoutFor({ timeoutMs, headersTimeoutMs }), progress });
    return { answerWait: limit, answerWaitMs: limitMs(limit) };
  };
  if (body === undefined || (body instanceof Uint8Array && (!sliceBytes || body.byteLength <= SLICE_BYTES))) {
    // Handed over whole: there is no chunk to watch, so the request is waiting for its answer.
    const length = body?.byteLength ?? 0;
    progress.phase = 'wait';
    progress.sentBytes = length;
    progress.uploadVisible = length <= SLICE_BYTES;
    return {
      body,
      progress,
      ...waitFor(),
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
      // An answer may have come first (a 413 mid-upload): then its download is under way.
      if (progress.phase === 'upload') progress.phase = 'wait';
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
    ...waitFor(),
    answered: () => undefined,
    release(reason) {
      if (finished || body instanceof Uint8Array) return;
      const source = reader ?? (body.locked ? undefined : body);
      source?.cancel(reason).catch(() => undefined);
    },
  };
}

/**
 * Reads a stream body of a declared length into one buffer of exactly that length, for a fetch that
 * would otherwise send the stream chunked. A stream that delivers more or fewer bytes than declared is
 * `PARAM_INVALID`; a `signal` that fires stops the read. Either way the stream is cancelled.
 *
 * @example
 * ```ts
 * const bytes = await readWholeBody({ body: blob.stream(), length: blob.size, signal });
 * ```
 */
export async function readWholeBody({ body, length, signal }: { body: ReadableStream<Uint8Array>; length: number; signal?: AbortSignal | undefined }): Promise<Uint8Array> {
  const bytes = new Uint8Array(length);
  const reader = body.getReader();
  let offset = 0;
  const mismatch = (delivered: string) =>
    new ZhimaError({ code: 'PARAM_INVALID', message: `The request body delivered ${delivered} bytes, but its content-length is ${length}.` });
  try {
    for (;;) {
      signal?.throwIfAborted();
      const chunk = await reader.read();
      if (chunk.done) break;
      if (offset + chunk.value.byteLength > length) throw mismatch(`more than ${length}`);
      bytes.set(chunk.value, offset);
      offset += chunk.value.byteLength;
    }
  } catch (error) {
    await reader.cancel(error).catch(() => undefined);
    throw error;
  }
  if (offset !== length) throw mismatch(String(offset));
  return bytes;
}
