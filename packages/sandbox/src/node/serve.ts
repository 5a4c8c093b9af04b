import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SandboxServer } from '../sandbox-server.js';

// A web stream over the request that pauses the socket between reads (backpressure) and, when the
// handler stops early (an oversized body), just stops reading: the answer goes out before the body ends
// (see answerBeforeBodyEnds).
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

const LINGER_QUIET_MS = 2_000;
const LINGER_MAX_MS = 30_000;

// Reads and drops what a client still sends, until it ends, pauses for LINGER_QUIET_MS, or
// LINGER_MAX_MS pass: nothing is held, however much arrives.
function discardUntilQuiet(incoming: IncomingMessage): Promise<void> {
  return new Promise((resolve) => {
    let quiet: NodeJS.Timeout | undefined;
    const done = () => {
      clearTimeout(quiet);
      clearTimeout(cap);
      incoming.off('readable', drain);
      incoming.off('end', done).off('close', done).off('error', done);
      resolve();
    };
    const drain = () => {
      while (incoming.read() !== null);
      clearTimeout(quiet);
      quiet = setTimeout(done, LINGER_QUIET_MS);
    };
    const cap = setTimeout(done, LINGER_MAX_MS);
    incoming.on('readable', drain).once('end', done).once('close', done).once('error', done);
    drain();
  });
}

// An answer given before the request body is read to its end (a 413 on the declared length or at the
// bound): closing the socket at once would leave the client's bytes unread, the kernel would answer them
// with a reset, and a client still uploading would see ECONNRESET instead of the 413 and retry it as a
// network failure. So, like nginx's lingering close, the answer goes out whole (with its length, so the
// client needs nothing more), the rest of the body is read and dropped, and only then is the socket closed.
async function answerBeforeBodyEnds(incoming: IncomingMessage, outgoing: ServerResponse, response: Response): Promise<void> {
  const body = new Uint8Array(await response.arrayBuffer());
  response.headers.forEach((value, name) => outgoing.setHeader(name, value));
  outgoing.setHeader('connection', 'close');
  outgoing.setHeader('content-length', body.length);
  outgoing.writeHead(response.status);
  outgoing.write(body);
  await discardUntilQuiet(incoming);
  outgoing.end();
}

async function writeResponse(incoming: IncomingMessage, outgoing: ServerResponse, response: Response): Promise<void> {
  if (!incoming.readableEnded) {
    await answerBeforeBodyEnds(incoming, outgoing, response);
    return;
  }
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
