import { argumentError, requireObject, requireOptions, requireText } from '../errors/argument-checks.js';
import { ZhimaError } from '../errors/zhima-error.js';
import { startInactivityTimer } from './transfer/inactivity-timer.js';
import { DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT_MS, checkedResponseLimit, checkedTimeout } from './transfer/limits.js';
import { readResponseBody } from './transfer/response-body.js';
import { toTransportError } from './transfer/transport-failure.js';
import { declaredLength, readWholeBody, trackUpload } from './transfer/upload-body.js';
import type { HttpRequest, HttpResponse, Transport, TransportSendOptions } from './types.js';

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
 * const options: FetchTransportOptions = { timeoutMs: 30_000, headersTimeoutMs: 300_000, maxResponseBytes: 256 * 1024, headers: { 'x-request-source': 'billing' } };
 * ```
 */
export interface FetchTransportOptions {
  /**
   * Defaults to the runtime's `fetch`, looked up on every call so later polyfills and test doubles
   * apply. A function of your own gets byte bodies whole (see `timeoutMs`).
   */
  fetch?: FetchFunction;
  /**
   * Give up when bytes visibly stop moving for this long: no upload chunk taken by the network layer,
   * no answer body chunk. A transfer that keeps moving is never cut, however long it takes; a total
   * deadline is the caller's `signal`. Default 60 000 ms; `0` turns it off. fetch cannot see a byte
   * body leave, except on Node with the runtime's fetch, where a byte body over 64 KiB goes out as
   * 64 KiB stream slices; elsewhere a byte body is handed over whole and `headersTimeoutMs` applies
   * from the start.
   */
  timeoutMs?: number;
  /**
   * How long the server may take to answer once the whole request is handed to the network: the wait
   * for the answer's headers. That wait also gets time for the request bytes that may still be on
   * their way — handed over is not delivered: the OS takes several MiB of an upload at once, which a
   * slow link then drains for minutes — at 1 s per 32 KiB of the last 8 MiB (of the whole body when
   * fetch gets it whole). Default: 120 000 ms, or `timeoutMs` when longer (lowering `timeoutMs` does
   * not shorten it); `0` turns it off.
   */
  headersTimeoutMs?: number;
  /**
   * Stop reading an answer larger than this many bytes: the read is aborted (nothing past the cap is
   * held) and the send throws `ZhimaError` `RESPONSE_MALFORMED` ("answer over N bytes"). Default
   * 1 MiB; `Infinity` for no cap. `TransportSendOptions.maxResponseBytes` overrides it per request.
   */
  maxResponseBytes?: number;
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

/**
 * The longest stream body read into memory for a fetch that would send it chunked: a file part at the
 * gateway's bound (52 428 800 bytes) with its text fields.
 */
const MAX_BUFFERED_STREAM_BYTES = 52_428_800 + 1024 * 1024;

type FetchRuntime = 'node' | 'bun' | 'workerd' | 'other';

function fetchRuntime(): FetchRuntime {
  const runtime = globalThis as { process?: { versions?: { node?: unknown } }; Deno?: unknown; Bun?: unknown };
  if (runtime.Bun !== undefined) return 'bun';
  if (FixedLengthStream) return 'workerd';
  return typeof runtime.process?.versions?.node === 'string' && runtime.Deno === undefined ? 'node' : 'other';
}

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

function checkHeaders(headers: Record<string, string>, name: string): void {
  for (const [header, value] of Object.entries(headers)) if (typeof value !== 'string') throw argumentError({ name: `${name}[${JSON.stringify(header)}]`, expected: 'a string', value });
}

// A request as plain data, possibly from JavaScript: wrong shapes are PARAM_INVALID before fetch sees them.
function checkRequest(request: HttpRequest): void {
  requireObject(request, 'request');
  if (request.method !== 'GET' && request.method !== 'POST') throw argumentError({ name: 'request.method', expected: "'GET' or 'POST'", value: request.method });
  requireText(request.url, 'request.url');
  checkHeaders(requireObject(request.headers, 'request.headers'), 'request.headers');
  if (request.body !== undefined && !(request.body instanceof Uint8Array) && !(request.body instanceof ReadableStream)) {
    throw argumentError({ name: 'request.body', expected: 'bytes or a ReadableStream', value: request.body });
  }
}

function isStream(body: HttpRequest['body']): body is ReadableStream<Uint8Array> {
  return body !== undefined && !(body instanceof Uint8Array);
}

/**
 * A {@link Transport} on the runtime's `fetch`: no dependencies, for Node, Bun, Deno, Cloudflare Workers
 * and browsers; what `createClient` uses when given no transport. Stream bodies go out as they are read
 * (`duplex: 'half'`) with the request's exact `content-length` — except where the runtime's fetch
 * would send them chunked (Deno, browsers): there a stream of up to 51 MiB is read into memory first
 * and sent with its length. Redirects are never followed (returned for byte bodies; see
 * `streamRedirect`); every other HTTP status is returned as a response. It gives up after `timeoutMs`
 * with bytes visibly stopped, after `headersTimeoutMs` (and time for bytes still on their way) without
 * an answer, and stops reading an answer over `maxResponseBytes`.
 * Failures throw `TransportError` with a stable `reason` (`TIMEOUT`, `CONNECT`, `RESET`, `DNS`, `TLS`,
 * `ABORTED`, `HTTP_STATUS`, `UNKNOWN`), fetch's generic "fetch failed" unwrapped to its real cause; an
 * answer over the cap throws `ZhimaError` `RESPONSE_MALFORMED`.
 *
 * @example
 * ```ts
 * import { createFetchTransport } from '@zhima/core';
 *
 * const transport = createFetchTransport({ timeoutMs: 30_000, headersTimeoutMs: 300_000 });
 * const response = await transport.send(
 *   { method: 'GET', url: 'https://example.com/', headers: {} },
 *   { signal: AbortSignal.timeout(120_000), maxResponseBytes: 4 * 1024 * 1024 },
 * );
 * console.log(response.status, response.body.byteLength);
 * ```
 */
export function createFetchTransport(options: FetchTransportOptions = {}): Transport {
  const {
    fetch: customFetch,
    timeoutMs = DEFAULT_TIMEOUT_MS,
    headersTimeoutMs,
    maxResponseBytes = DEFAULT_MAX_RESPONSE_BYTES,
    headers = {},
    streamRedirect = FixedLengthStream ? 'manual' : 'error',
  } = requireOptions(options, 'createFetchTransport');
  if (customFetch !== undefined && typeof customFetch !== 'function') throw argumentError({ name: 'fetch', expected: 'a fetch-compatible function', value: customFetch });
  if (streamRedirect !== 'error' && streamRedirect !== 'manual') throw argumentError({ name: 'streamRedirect', expected: "'error' or 'manual'", value: streamRedirect });
  checkHeaders(requireObject(headers, 'headers'), 'headers');
  checkedTimeout({ option: 'timeoutMs', value: timeoutMs });
  if (headersTimeoutMs !== undefined) checkedTimeout({ option: 'headersTimeoutMs', value: headersTimeoutMs });
  const transportLimit = checkedResponseLimit({ value: maxResponseBytes });
  const defaultHeaders = lowerCaseKeys(headers);
  // Called with `this` = globalThis: Cloudflare Workers throw "Illegal invocation" for a fetch
  // detached from the global scope, e.g. one stored on an options object.
  const callFetch = (url: string, init: StreamingRequestInit) => (customFetch ?? globalThis.fetch).call(globalThis, url, init);
  const runtime = fetchRuntime();
  // Byte bodies go as stream slices only to Node's own fetch, which sends a stream with the
  // content-length it is given; a caller's own fetch may not take streams at all.
  const sliceBytes = customFetch === undefined && runtime === 'node';
  // Node, Bun and workerd (through FixedLengthStream) send a stream with its length; Deno's fetch
  // sends it chunked in 64 KiB chunks whatever the stream's chunk size, and browsers refuse stream
  // bodies over HTTP/1.1: there a stream is read into bytes first (the runtime matrix shows both).
  const bufferStreams = runtime === 'other';

  return {
    async send(request: HttpRequest, sendOptions: TransportSendOptions = {}): Promise<HttpResponse> {
      checkRequest(request);
      const { signal, onUploadProgress, maxResponseBytes: requestLimit } = requireObject(sendOptions, 'the send options');
      const limit = requestLimit === undefined ? transportLimit : checkedResponseLimit({ value: requestLimit });
      if (signal?.aborted) throw toTransportError({ error: signal.reason, request, signal });
      const body = bufferStreams ? await withKnownLength({ request, signal }) : request.body;
      const quiet = startInactivityTimer({ timeoutMs, signal, armed: false });
      const upload = trackUpload({
        request: { headers: request.headers, body },
        sliceBytes,
        timeoutMs,
        headersTimeoutMs,
        onChunk: () => quiet.touch(),
        // All handed over: what is left may sit in buffers on the way, and the server has to answer.
        onEnd: () => progress.phase === 'wait' && quiet.touch(upload.answerWaitMs),
        onUploadProgress,
      });
      const { progress } = upload;
      const headersToSend = { ...defaultHeaders, ...request.headers };
      const init: StreamingRequestInit = { method: request.method, headers: headersToSend, redirect: 'manual', signal: quiet.signal };
      if (upload.body instanceof ReadableStream) {
        // A stream keeps its exact length: without content-length it would go out chunked.
        if (progress.totalBytes !== undefined) headersToSend['content-length'] = String(progress.totalBytes);
        init.body = FixedLengthStream && progress.totalBytes !== undefined ? upload.body.pipeThrough(new FixedLengthStream(progress.totalBytes)) : upload.body;
        init.duplex = 'half';
        if (isStream(body) && streamRedirect === 'error') {
          // The fetch standard clones (tees) the request body unless redirect is 'error' and window is
          // null; undici does exactly that, and the unread branch buffers every chunk sent. Byte slices
          // need no such care: the copy kept would be views of bytes held anyway.
          init.redirect = 'error';
          init.window = null;
        }
      } else {
        // fetch sets content-length for bytes itself; a second copy makes undici 7 (which becomes
        // Node's global dispatcher merely by importing the npm package) reject the request.
        delete headersToSend['content-length'];
        // Core's bytes are typed over any buffer; fetch takes them as they are (never shared memory here).
        init.body = upload.body as Uint8Array<ArrayBuffer> | undefined;
      }
      // A body handed over whole is already waiting for its answer.
      quiet.touch(progress.phase === 'wait' ? upload.answerWaitMs : timeoutMs);
      try {
        const response = await callFetch(request.url, init);
        quiet.touch();
        upload.answered();
        const answerHeaders = responseHeaders(response.headers);
        progress.phase = 'download';
        progress.expectedBytes = declaredLength({ headers: answerHeaders });
        const answer = await readResponseBody({
          request,
          status: response.status,
          body: response.body,
          limit,
          progress,
          // fetch decodes gzip/br itself, so a content-length then counts the encoded bytes.
          lengthIsExact: (answerHeaders['content-encoding'] ?? 'identity') === 'identity',
          onChunk: quiet.touch,
        });
        return { status: response.status, headers: answerHeaders, body: answer };
      } catch (error) {
        upload.release(error);
        // An answer over the cap is our own verdict, thrown as it is.
        if (ZhimaError.isInstance(error)) throw error;
        const limitHit = progress.phase === 'wait' ? upload.answerWait : { option: 'timeoutMs', ms: timeoutMs };
        throw toTransportError({ error, request, signal, stall: quiet.timedOut ? { progress, limit: limitHit } : undefined });
      } finally {
        quiet.stop();
      }
    },
  };
}

/**
 * The body to give a fetch that sends streams chunked: a stream with a declared length up to
 * {@link MAX_BUFFERED_STREAM_BYTES}, read into bytes (sent with their length); anything else as it is.
 */
async function withKnownLength({ request, signal }: { request: HttpRequest; signal?: AbortSignal | undefined }): Promise<HttpRequest['body']> {
  const { body } = request;
  const length = declaredLength(request);
  if (!isStream(body) || length === undefined || length > MAX_BUFFERED_STREAM_BYTES) return body;
  try {
    return await readWholeBody({ body, length, signal });
  } catch (error) {
    if (ZhimaError.isInstance(error)) throw error;
    throw toTransportError({ error, request, signal });
  }
}
