import { TransportError } from '../errors/transport-error.js';
import type { HttpResponse, Transport } from './types.js';

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
        const response = await globalThis.fetch(request.url, {
          method: request.method,
          headers: request.headers,
          body: request.body as BodyInit | undefined,
          redirect: 'manual',
          signal: options?.signal ?? null,
          // Required by the fetch spec for a stream body.
          ...(request.body instanceof ReadableStream ? { duplex: 'half' } : {}),
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
