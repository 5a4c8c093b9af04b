import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SandboxServer } from '../sandbox-server.js';

// A web stream over the request that pauses the socket between reads (backpressure) and, when the
// handler stops early (an oversized body), just stops reading: the answer still goes out, and the
// connection is closed after it instead of draining gigabytes.
function requestBody(incoming: IncomingMessage): ReadableStream<Uint8Array> {
  const iterator = incoming[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await iterator.next();
      if (done) controller.close();
      else controller.enqueue(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
    },
    cancel() {
      incoming.pause();
    },
  });
}

function toRequest(incoming: IncomingMessage, origin: string): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  const hasBody = incoming.method !== 'GET' && incoming.method !== 'HEAD';
  return new Request(new URL(incoming.url ?? '/', origin), {
    method: incoming.method,
    headers,
    body: hasBody ? requestBody(incoming) : null,
    duplex: 'half',
  } as RequestInit);
}

async function writeResponse(incoming: IncomingMessage, outgoing: ServerResponse, response: Response): Promise<void> {
  if (!incoming.readableEnded) outgoing.setHeader('connection', 'close');
  response.headers.forEach((value, name) => outgoing.setHeader(name, value));
  outgoing.writeHead(response.status);
  if (response.body === null) {
    outgoing.end();
    return;
  }
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      // Waiting for each chunk to be flushed keeps the order "bytes out, then destroy" for a cut.
      await new Promise<void>((resolve, reject) => outgoing.write(value, (error) => (error ? reject(error) : resolve())));
    }
    outgoing.end();
  } catch {
    // The handler's body failed (the "cut" fault): the client sees the connection drop mid-body.
    outgoing.socket?.destroy();
    outgoing.destroy();
  }
}

/**
 * Serves a fetch handler on node:http (127.0.0.1 and a free port by default). Requests become web
 * `Request`s streamed from the socket; a response body that fails midway destroys the socket.
 *
 * @example
 * ```ts
 * const server = await serveFetchHandler({ handler: sandbox.fetch, port: 0, host: '127.0.0.1' });
 * await server.close();
 * ```
 */
export async function serveFetchHandler({ handler, port, host }: { handler: (request: Request) => Promise<Response>; port: number; host: string }): Promise<SandboxServer> {
  const server = createServer((incoming, outgoing) => {
    const address = server.address() as AddressInfo;
    const origin = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
    handler(toRequest(incoming, origin))
      .then((response) => writeResponse(incoming, outgoing, response))
      .catch((error: unknown) => {
        if (!outgoing.headersSent) outgoing.writeHead(500, { 'content-type': 'text/plain;charset=UTF-8' });
        outgoing.end(`sandbox error: ${(error as Error)?.message}\n`);
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port: boundPort } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${boundPort}`;
  return {
    url,
    gatewayUrl: `${url}/gateway.do`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
