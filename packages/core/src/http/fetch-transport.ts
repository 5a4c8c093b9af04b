import { TransportError } from '../errors/transport-error.js';
import type { HttpResponse, Transport } from './types.js';

function isWorkerd(): boolean {
  return (globalThis as { navigator?: { userAgent?: string } }).navigator?.userAgent === 'Cloudflare-Workers';
}

/**
 * The transport core uses when none is given: the runtime's global `fetch`, no timeouts or tuning.
 * For timeouts, proxies, connection pools and upload progress use `@zhima/transport`.
 *
 * @example
 * ```ts
 * const response = await defaultTransport().send({ method: 'POST', url, headers: {}, body });
 * ```
 */
export function defaultTransport(): Transport {
  return {
    async send(request, options) {
      try {
        const stream = request.body instanceof ReadableStream;
        // fetch sets Content-Length for bytes itself (undici rejects a second one); a stream keeps ours.
        const { 'content-length': _length, ...otherHeaders } = request.headers;
        const response = await globalThis.fetch(request.url, {
          method: request.method,
          headers: stream ? request.headers : otherHeaders,
          body: request.body as BodyInit | undefined,
          signal: options?.signal ?? null,
          ...(stream
            ? // Required by the fetch spec for a stream body; and unless redirects are errors, Node's
              // fetch keeps a copy of the whole streamed upload to replay it (workerd rejects 'error').
              { duplex: 'half', redirect: isWorkerd() ? 'manual' : 'error', window: null }
            : { redirect: 'manual' }),
        } as RequestInit);
        const headers: Record<string, string> = {};
        response.headers.forEach((value, name) => (headers[name] = value));
        return { status: response.status, headers, body: new Uint8Array(await response.arrayBuffer()) } satisfies HttpResponse;
      } catch (cause) {
        const aborted = options?.signal?.aborted === true;
        throw new TransportError({
          reason: aborted ? 'ABORTED' : 'UNKNOWN',
          message: `${request.method} ${request.url.split('?')[0]} failed: ${aborted ? 'aborted' : ((cause as Error).cause as Error | undefined)?.message ?? (cause as Error).message}`,
          cause,
        });
      }
    },
  };
}
