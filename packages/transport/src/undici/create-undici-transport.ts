import type { HttpRequest, HttpResponse, Transport, TransportSendOptions } from '@zhima/core';
import { request as undiciRequest, type Dispatcher } from 'undici';
import { toTransportError } from '../shared/transport-failure.js';
import { countUploadedBytes, declaredLength, releaseUnreadBody } from '../shared/upload-progress.js';
import { createDispatcher, type DispatcherOptions } from './create-dispatcher.js';

/**
 * Options for {@link createUndiciTransport}.
 *
 * @example
 * ```ts
 * const options: UndiciTransportOptions = { connections: 4, headersTimeoutMs: 30_000, proxy: 'env' };
 * ```
 */
export interface UndiciTransportOptions extends DispatcherOptions {
  /**
   * Your own undici dispatcher (from this same `undici` package). The transport never closes it; the
   * pool options (`connections`, `keepAliveTimeoutMs`, `connectTimeoutMs`, `proxy`, `tls`) are then unused.
   */
  dispatcher?: Dispatcher;
  /** Wait for response headers, counted from the last request byte written. Default 60 000 ms. */
  headersTimeoutMs?: number;
  /** Longest gap between response body chunks. Default 60 000 ms. */
  bodyTimeoutMs?: number;
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

function responseHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) result[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return result;
}

/**
 * A {@link Transport} on undici's own `request()` and its own keep-alive pool, for Node: connection
 * reuse, separate connect / headers / body timeouts, proxies (`proxy: 'env'` honours `HTTPS_PROXY` and
 * `NO_PROXY`) and custom TLS. Stream bodies go out with their exact `content-length`, never buffered;
 * redirects are returned, not followed; every HTTP status is returned as a response. Failures throw
 * `TransportError` with a stable `reason` mapped from undici's `UND_ERR_*` and Node's socket codes.
 *
 * @example
 * ```ts
 * import { createUndiciTransport } from '@zhima/transport/undici';
 *
 * const transport = createUndiciTransport({ connections: 4, proxy: 'env' });
 * const response = await transport.send({ method: 'GET', url: 'https://example.com/', headers: {} });
 * console.log(response.status);
 * await transport.close();
 * ```
 */
export function createUndiciTransport({
  dispatcher: suppliedDispatcher,
  headersTimeoutMs = 60_000,
  bodyTimeoutMs = 60_000,
  ...poolOptions
}: UndiciTransportOptions = {}): UndiciTransport {
  const dispatcher = suppliedDispatcher ?? createDispatcher(poolOptions);

  return {
    async send(request: HttpRequest, { signal, onUploadProgress }: TransportSendOptions = {}): Promise<HttpResponse> {
      if (signal?.aborted) throw toTransportError({ error: signal.reason, request, signal });
      const totalBytes = declaredLength(request);
      const body =
        request.body === undefined || request.body instanceof Uint8Array || onUploadProgress === undefined
          ? request.body
          : countUploadedBytes({ body: request.body, totalBytes, onChunk: onUploadProgress });
      try {
        const response = await undiciRequest(request.url, {
          dispatcher,
          method: request.method,
          headers: request.headers,
          // undici reads a web ReadableStream as an async iterable, writing each chunk with backpressure.
          body: body as Dispatcher.DispatchOptions['body'],
          signal,
          headersTimeout: headersTimeoutMs,
          bodyTimeout: bodyTimeoutMs,
        });
        if (request.body instanceof Uint8Array) {
          onUploadProgress?.({ sentBytes: request.body.byteLength, totalBytes: request.body.byteLength });
        }
        const bytes = new Uint8Array(await response.body.arrayBuffer());
        return { status: response.statusCode, headers: responseHeaders(response.headers), body: bytes };
      } catch (error) {
        releaseUnreadBody({ body, reason: error });
        throw toTransportError({ error, request, signal });
      }
    },
    async close() {
      if (suppliedDispatcher === undefined) await dispatcher.close();
    },
  };
}
