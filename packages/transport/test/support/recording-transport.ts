import type { HttpRequest, Transport } from '@zhima/core';

/**
 * The README's custom transport: adds a corporate proxy header and keeps a log of what was sent,
 * wrapping any other transport. The log holds no query strings: they carry signed parameters.
 */
export function createRecordingTransport({ inner, headers }: { inner: Transport; headers: Record<string, string> }) {
  const sent: Array<{ method: HttpRequest['method']; path: string }> = [];
  const transport: Transport = {
    send(request, options) {
      const { origin, pathname } = new URL(request.url);
      sent.push({ method: request.method, path: `${origin}${pathname}` });
      return inner.send({ ...request, headers: { ...request.headers, ...headers } }, options);
    },
  };
  return { transport, sent };
}
