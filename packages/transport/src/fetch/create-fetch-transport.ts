import type { HttpRequest, HttpResponse, Transport, TransportSendOptions } from '@zhima/core';
import { toTransportError } from '../shared/transport-failure.js';
import { countUploadedBytes, declaredLength, releaseUnreadBody } from '../shared/upload-progress.js';
import { startSilenceTimer } from './silence-timer.js';

/**
 * A `fetch`-compatible function: the runtime's own, or a wrapper around it.
 *
 * @example
 * ```ts
 * const logged: FetchFunction = (input, init) => { console.log(init?.method, input); return fetch(input, init); };
 * ```
 */
export type FetchFunction = (input: string, init: RequestInit) => Promise<Response>;

/**
 * Options for {@link createFetchTransport}.
 *
 * @example
 * ```ts
 * const options: FetchTransportOptions = { timeoutMs: 30_000, headers: { 'x-request-source': 'billing' } };
 * ```
 */
export interface FetchTransportOptions {
  /** Defaults to the runtime's `fetch`, looked up on every call so later polyfills and test doubles apply. */
  fetch?: FetchFunction;
  /**
   * Give up when nothing moves for this long: no upload chunk, no response headers, no response body
   * chunk. Default 60 000 ms; `0` turns it off. A total deadline is the caller's `signal`.
   */
  timeoutMs?: number;
  /** Headers added to every request; the request's own headers win. */
  headers?: Record<string, string>;
  /**
   * What a redirect answer to a **stream** body does. `'error'`: it fails with reason `HTTP_STATUS`, and
   * in exchange Node's fetch sends the stream without keeping a copy — with `'manual'` it tees the body
   * to replay it on a redirect, holding the whole upload in memory until the request ends. `'manual'`:
   * the 3xx is returned as a response, as for byte bodies. Default: `'error'`, except on Cloudflare
   * Workers (workerd, recognised by its `FixedLengthStream`), which reject `redirect: 'error'`.
   */
  streamRedirect?: 'error' | 'manual';
}

type StreamingRequestInit = RequestInit & { duplex?: 'half'; window?: null };

/**
 * workerd's (Cloudflare Workers') own stream type: its fetch sends a body with a content-length only
 * when the body comes through one; any other stream goes out chunked.
 */
type FixedLengthStreamConstructor = new (length: number) => TransformStream<Uint8Array, Uint8Array>;
const FixedLengthStream = (globalThis as { FixedLengthStream?: FixedLengthStreamConstructor }).FixedLengthStream;

function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}

function responseHeaders(headers: Headers): Record<string, string> {
  const result: Record<string, string> = {};
  // Repeated headers (set-cookie) arrive one entry each: join them the way HTTP folds them.
  headers.forEach((value, name) => {
    result[name] = result[name] === undefined ? value : `${result[name]}, ${value}`;
  });
  return result;
}

function isStream(body: HttpRequest['body']): body is ReadableStream<Uint8Array> {
  return body !== undefined && !(body instanceof Uint8Array);
}

async function readAll(body: ReadableStream<Uint8Array> | null, onChunk: () => void): Promise<Uint8Array> {
  if (body === null) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let length = 0;
  const reader = body.getReader();
  for (let next = await reader.read(); !next.done; next = await reader.read()) {
    chunks.push(next.value);
    length += next.value.byteLength;
    onChunk();
  }
  const bytes = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/**
 * A {@link Transport} on the runtime's `fetch`: no dependencies, for Node, Bun, Deno, Cloudflare Workers
 * and browsers. Stream bodies go out as they are read (`duplex: 'half'`) with the request's exact
 * `content-length`; redirects are never followed (returned for byte bodies; see `streamRedirect`); every
 * other HTTP status is returned as a response.
 * Failures throw `TransportError` with a stable `reason`, fetch's generic "fetch failed" unwrapped to
 * its real cause.
 *
 * @example
 * ```ts
 * import { createFetchTransport } from '@zhima/transport';
 *
 * const transport = createFetchTransport({ timeoutMs: 30_000 });
 * const response = await transport.send(
 *   { method: 'GET', url: 'https://example.com/', headers: {} },
 *   { signal: AbortSignal.timeout(120_000) },
 * );
 * console.log(response.status, response.body.byteLength);
 * ```
 */
export function createFetchTransport({
  fetch: customFetch,
  timeoutMs = 60_000,
  headers = {},
  streamRedirect = FixedLengthStream ? 'manual' : 'error',
}: FetchTransportOptions = {}): Transport {
  const defaultHeaders = lowerCaseKeys(headers);
  // Called with `this` = globalThis: Cloudflare Workers throw "Illegal invocation" for a fetch
  // detached from the global scope, e.g. one stored on an options object.
  const callFetch = (url: string, init: StreamingRequestInit) => (customFetch ?? globalThis.fetch).call(globalThis, url, init);

  return {
    async send(request: HttpRequest, { signal, onUploadProgress }: TransportSendOptions = {}): Promise<HttpResponse> {
      if (signal?.aborted) throw toTransportError({ error: signal.reason, request, signal });
      const silence = startSilenceTimer({ timeoutMs, signal });
      const totalBytes = declaredLength(request);
      const headersToSend = { ...defaultHeaders, ...request.headers };
      // fetch sets content-length for byte bodies itself; a second copy makes undici 7 (which becomes
      // Node's global dispatcher merely by importing the npm package) reject the request. Stream bodies
      // keep theirs: without it they would go out chunked.
      if (!isStream(request.body)) delete headersToSend['content-length'];
      const init: StreamingRequestInit = {
        method: request.method,
        headers: headersToSend,
        redirect: 'manual',
        signal: silence.signal,
      };
      if (isStream(request.body)) {
        const counted = countUploadedBytes({
          body: request.body,
          totalBytes,
          onChunk: (progress) => {
            silence.touch();
            onUploadProgress?.(progress);
          },
        });
        init.body = FixedLengthStream && totalBytes !== undefined ? counted.pipeThrough(new FixedLengthStream(totalBytes)) : counted;
        init.duplex = 'half';
        if (streamRedirect === 'error') {
          // The fetch standard clones (tees) the request body unless redirect is 'error' and window is
          // null; undici does exactly that, and the unread branch buffers every chunk sent.
          init.redirect = 'error';
          init.window = null;
        }
      } else {
        // Core's bytes are typed over any buffer; fetch takes them as they are (never shared memory here).
        init.body = request.body as Uint8Array<ArrayBuffer> | undefined;
      }
      try {
        const response = await callFetch(request.url, init);
        silence.touch();
        if (request.body instanceof Uint8Array) {
          onUploadProgress?.({ sentBytes: request.body.byteLength, totalBytes: request.body.byteLength });
        }
        const body = await readAll(response.body, silence.touch);
        return { status: response.status, headers: responseHeaders(response.headers), body };
      } catch (error) {
        releaseUnreadBody({ body: init.body as HttpRequest['body'], reason: error });
        throw toTransportError({ error, request, signal, silenceTimeoutMs: silence.timedOut ? timeoutMs : undefined });
      } finally {
        silence.stop();
      }
    },
  };
}
