import type { HttpRequest, HttpResponse, Transport, TransportSendOptions } from '@zhima/core';
import { ZhimaError } from '@zhima/core';
import {
  checkedResponseLimit,
  declaredLength,
  readResponseBody,
  startInactivityTimer,
  toTransportError,
  trackUpload,
} from '@zhima/core/internal';
import { joinedHeaders } from '../headers/joined-headers.js';
import type { TransferLimitOptions } from '../limits/transfer-limit-options.js';
import { checkedTransferLimits } from '../limits/checked-transfer-limits.js';
import type { Dispatcher } from 'undici';
import { createDispatcher, type DispatcherOptions } from './create-dispatcher.js';
import { undici } from './undici-module.js';

/**
 * Options for {@link createUndiciTransport}.
 *
 * @example
 * ```ts
 * const options: UndiciTransportOptions = { connections: 4, timeoutMs: 30_000, headersTimeoutMs: 300_000, maxResponseBytes: 256 * 1024, proxy: 'env' };
 * ```
 */
export interface UndiciTransportOptions extends DispatcherOptions, TransferLimitOptions {
  /**
   * Your own undici dispatcher (from this same `undici` package). The transport never closes it; the
   * pool options (`connections`, `keepAliveTimeoutMs`, `connectTimeoutMs`, `proxy`, `tls`) are then unused.
   */
  dispatcher?: Dispatcher;
}

/**
 * A {@link Transport} that can also release its sockets.
 *
 * @example
 * ```ts
 * const transport: UndiciTransport = createUndiciTransport();
 * await transport.close();
 * ```
 */
export interface UndiciTransport extends Transport {
  /** Closes the pool this transport created (after in-flight requests finish); a supplied dispatcher is left open. */
  close(): Promise<void>;
}

const errorCode = (error: unknown): unknown => (error as { code?: unknown } | null)?.code;

/**
 * A {@link Transport} on undici's own `request()` and its own keep-alive pool, for Node: connection
 * reuse, proxies (`proxy: 'env'` honours `HTTPS_PROXY` and `NO_PROXY`) and custom TLS. Bodies go out
 * with their exact `content-length`, streams never buffered, bytes over 64 KiB in 64 KiB slices so their
 * progress is seen; it gives up after `timeoutMs` with bytes visibly stopped (uploads included), after
 * `headersTimeoutMs` (and time for bytes still on their way) without an answer, and stops reading an
 * answer over `maxResponseBytes`. Redirects are returned, not followed; every HTTP status
 * is returned as a response. Failures throw `TransportError` with a stable `reason` mapped from
 * undici's `UND_ERR_*` and Node's socket codes; an answer over the cap throws `ZhimaError`
 * `RESPONSE_MALFORMED`. Needs the `undici` package (an optional peer dependency).
 *
 * @example
 * ```ts
 * import { createUndiciTransport } from '@zhima/transport/undici';
 *
 * const transport = createUndiciTransport({ connections: 4, timeoutMs: 30_000, proxy: 'env' });
 * const response = await transport.send({ method: 'GET', url: 'https://example.com/', headers: {} });
 * console.log(response.status);
 * await transport.close();
 * ```
 */
export function createUndiciTransport({
  dispatcher: suppliedDispatcher,
  timeoutMs: timeoutOption,
  headersTimeoutMs: headersTimeoutOption,
  bodyTimeoutMs,
  maxResponseBytes,
  ...poolOptions
}: UndiciTransportOptions = {}): UndiciTransport {
  // bodyLimit is undici's body timer, named as the caller set it, for the message when it cuts a request.
  const { timeoutMs, headersTimeoutMs, bodyLimit, transportLimit } = checkedTransferLimits({ timeoutMs: timeoutOption, headersTimeoutMs: headersTimeoutOption, bodyTimeoutMs, maxResponseBytes });
  const dispatcher = suppliedDispatcher ?? createDispatcher(poolOptions);

  return {
    async send(request: HttpRequest, { signal, onUploadProgress, maxResponseBytes: requestLimit }: TransportSendOptions = {}): Promise<HttpResponse> {
      const limit = requestLimit === undefined ? transportLimit : checkedResponseLimit({ value: requestLimit });
      if (signal?.aborted) throw toTransportError({ error: signal.reason, request, signal });
      // The upload's stall detector: armed when undici takes the first chunk (so a request queued for
      // a socket is not cut), resting once the body is sent, when undici's headers timeout takes over
      // (it counts from the last body byte written, and is the answer wait).
      const quiet = startInactivityTimer({ timeoutMs, signal, armed: false });
      const upload = trackUpload({
        request,
        sliceBytes: true,
        timeoutMs,
        headersTimeoutMs,
        deliver: 'iterable',
        // An answer can come before the body is all sent (a 413, say); from then on bodyTimeout is in charge.
        onChunk: () => progress.phase === 'upload' && quiet.touch(),
        onEnd: quiet.rest,
        onUploadProgress,
      });
      const { progress } = upload;
      try {
        const response = await undici.requestOn(dispatcher, request.url, {
          method: request.method,
          // A byte body may go as slices: its length must travel with it, or undici sends it chunked.
          headers: request.body instanceof Uint8Array ? { ...request.headers, 'content-length': String(request.body.byteLength) } : request.headers,
          // undici writes an async iterable's chunks one by one, waiting for the socket to drain.
          body: upload.body as Dispatcher.DispatchOptions['body'],
          signal: quiet.signal,
          // undici takes 0, not Infinity, for "never".
          headersTimeout: Number.isFinite(upload.answerWaitMs) ? upload.answerWaitMs : 0,
          bodyTimeout: Number.isFinite(bodyLimit.ms) ? bodyLimit.ms : 0,
        });
        quiet.rest();
        upload.answered();
        const headers = joinedHeaders(response.headers);
        progress.phase = 'download';
        progress.expectedBytes = declaredLength({ headers });
        const body = await readResponseBody({ request, status: response.statusCode, body: response.body, limit, progress });
        return { status: response.statusCode, headers, body };
      } catch (error) {
        upload.release(error);
        // An answer over the cap is our own verdict, thrown as it is.
        if (ZhimaError.isInstance(error)) throw error;
        const code = errorCode(error);
        const limitHit = quiet.timedOut
          ? { option: 'timeoutMs', ms: timeoutMs }
          : code === 'UND_ERR_HEADERS_TIMEOUT'
            ? upload.answerWait
            : code === 'UND_ERR_BODY_TIMEOUT'
              ? bodyLimit
              : undefined;
        throw toTransportError({ error, request, signal, stall: limitHit && { progress, limit: limitHit } });
      } finally {
        quiet.stop();
      }
    },
    async close() {
      if (suppliedDispatcher === undefined) await dispatcher.close();
    },
  };
}
