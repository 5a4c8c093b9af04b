import { Agent as HttpAgent, request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { HttpRequest, HttpResponse, Transport, TransportSendOptions } from '@zhima/core';
import { ZhimaError } from '@zhima/core';
import {
  checkedResponseLimit,
  declaredLength,
  readResponseBody,
  startInactivityTimer,
  toTransportError,
  trackUpload,
  type StallLimit,
} from '@zhima/core/internal';
import { joinedHeaders } from '../headers/joined-headers.js';
import type { TransferLimitOptions } from '../limits/transfer-limit-options.js';
import { checkedTransferLimits } from '../limits/checked-transfer-limits.js';

/**
 * Options for {@link createNodeHttpTransport}.
 *
 * @example
 * ```ts
 * const options: NodeHttpTransportOptions = { timeoutMs: 30_000, headersTimeoutMs: 300_000, maxResponseBytes: 256 * 1024 };
 * ```
 */
export type NodeHttpTransportOptions = TransferLimitOptions;

/**
 * A {@link Transport} that can also release its sockets.
 *
 * @example
 * ```ts
 * const transport: NodeHttpTransport = createNodeHttpTransport();
 * await transport.close();
 * ```
 */
export interface NodeHttpTransport extends Transport {
  /** Closes the idle keep-alive sockets of this transport's agents. */
  close(): Promise<void>;
}

/**
 * A {@link Transport} on Node's own `node:http` / `node:https` with keep-alive agents: nothing to
 * install, and lighter to load than undici (the CLI sends through it on Node). Bodies go out with
 * their exact `content-length`, streams never buffered, one chunk at a time as the socket takes it;
 * it gives up after `timeoutMs` with bytes visibly stopped (uploads included), after
 * `headersTimeoutMs` (and time for bytes still on their way) without an answer, and stops reading an
 * answer over `maxResponseBytes`. Redirects are returned, not followed; every HTTP status is returned
 * as a response. Failures throw `TransportError` with a stable `reason`; an answer over the cap throws
 * `ZhimaError` `RESPONSE_MALFORMED`. No proxy support: use `@zhima/transport/undici` with `proxy`.
 *
 * @example
 * ```ts
 * import { createNodeHttpTransport } from '@zhima/transport/node-http';
 *
 * const transport = createNodeHttpTransport({ timeoutMs: 30_000 });
 * const response = await transport.send({ method: 'GET', url: 'https://example.com/', headers: {} });
 * console.log(response.status);
 * await transport.close();
 * ```
 */
export function createNodeHttpTransport(options: NodeHttpTransportOptions = {}): NodeHttpTransport {
  const { timeoutMs, headersTimeoutMs, bodyLimit, transportLimit } = checkedTransferLimits(options);
  const agents = { 'http:': new HttpAgent({ keepAlive: true }), 'https:': new HttpsAgent({ keepAlive: true }) };

  return {
    async send(request: HttpRequest, { signal, onUploadProgress, maxResponseBytes: requestLimit }: TransportSendOptions = {}): Promise<HttpResponse> {
      const limit = requestLimit === undefined ? transportLimit : checkedResponseLimit({ value: requestLimit });
      if (signal?.aborted) throw toTransportError({ error: signal.reason, request, signal });
      const url = new URL(request.url);
      const isHttps = url.protocol === 'https:';
      // One timer for the whole exchange, with the limit of the phase it is in: armed when the socket
      // takes the first chunk (a request queued for a socket is not cut), then the answer wait once
      // the body is all handed over, then the gap between answer chunks.
      const quiet = startInactivityTimer({ timeoutMs, signal, armed: false });
      const upload = trackUpload({
        request,
        sliceBytes: true,
        timeoutMs,
        headersTimeoutMs,
        deliver: 'iterable',
        onChunk: () => progress.phase === 'upload' && quiet.touch(),
        onEnd: () => quiet.touch(upload.answerWaitMs),
        onUploadProgress,
      });
      const { progress } = upload;
      // A body handed over whole (none, or bytes within one slice) has no chunk to watch: the answer wait starts now.
      if (progress.phase === 'wait') quiet.touch(upload.answerWaitMs);
      const phaseLimit = (): StallLimit => (progress.phase === 'download' ? bodyLimit : progress.phase === 'wait' ? upload.answerWait : { option: 'timeoutMs', ms: timeoutMs });
      try {
        const headers: OutgoingHttpHeaders = { ...request.headers };
        const length = request.body instanceof Uint8Array ? request.body.byteLength : declaredLength(request);
        if (length !== undefined) headers['content-length'] = String(length);
        else if (request.body !== undefined) headers['transfer-encoding'] = 'chunked';
        const outgoing = (isHttps ? httpsRequest : httpRequest)(url, { method: request.method, headers, agent: agents[isHttps ? 'https:' : 'http:'], signal: quiet.signal });
        const answer = new Promise<IncomingMessage>((resolve, reject) => {
          outgoing.once('response', resolve);
          outgoing.once('error', reject);
        });
        // The answer may come, or the request fail, before the body is all written (a 413, a reset). A
        // body that fails (its file changed, say) cuts the request short: the server never gets it whole.
        let bodyError: unknown;
        const sent = writeBody({ outgoing, body: upload.body, answer }).catch((error: unknown) => {
          bodyError = error;
          outgoing.destroy(error as Error);
        });
        const response = await answer.catch((error: unknown) => {
          throw bodyError ?? error;
        });
        await sent;
        upload.answered();
        progress.phase = 'download';
        quiet.touch(bodyLimit.ms);
        const status = response.statusCode ?? 0;
        const answerHeaders = joinedHeaders(response.headers);
        progress.expectedBytes = declaredLength({ headers: answerHeaders });
        const onError = (error: Error) => response.destroy(error);
        outgoing.once('error', onError);
        const body = await readResponseBody({ request, status, body: response, limit, progress, onChunk: () => quiet.touch(bodyLimit.ms) });
        return { status, headers: answerHeaders, body };
      } catch (error) {
        upload.release(error);
        if (ZhimaError.isInstance(error)) throw error;
        throw toTransportError({ error, request, signal, stall: quiet.timedOut ? { progress, limit: phaseLimit() } : undefined });
      } finally {
        quiet.stop();
      }
    },
    async close() {
      agents['http:'].destroy();
      agents['https:'].destroy();
    },
  };
}

type OutgoingBody = Uint8Array | AsyncIterable<Uint8Array> | ReadableStream<Uint8Array> | undefined;

// Each chunk handed to the socket once the one before it was taken (`drain`), so memory stays at one
// chunk and the stall timer sees the socket's pace; ends the request after the last one.
async function writeBody({ outgoing, body, answer }: { outgoing: import('node:http').ClientRequest; body: OutgoingBody; answer: Promise<unknown> }): Promise<void> {
  if (body === undefined || body instanceof Uint8Array) {
    outgoing.end(body);
    return;
  }
  let stopped = false;
  const stop = () => (stopped = true);
  answer.then(stop, stop);
  const drained = () => new Promise<void>((resolve) => {
    const done = () => {
      outgoing.off('drain', done);
      outgoing.off('close', done);
      resolve();
    };
    outgoing.once('drain', done);
    outgoing.once('close', done);
  });
  for await (const chunk of body as AsyncIterable<Uint8Array>) {
    if (stopped || outgoing.destroyed) break;
    if (!outgoing.write(chunk)) await drained();
  }
  if (!outgoing.destroyed) outgoing.end();
}
