import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { patternBytes } from '../testing/pattern-bytes.js';

/**
 * What the server saw of one request to `/echo`: everything a transport is responsible for.
 *
 * @example
 * ```ts
 * const seen: ReceivedRequest = JSON.parse(new TextDecoder().decode(response.body));
 * ```
 */
export interface ReceivedRequest {
  method: string;
  /** Path and query as received. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  receivedBytes: number;
  /** Hex SHA-256 of the received body, computed by node:crypto. */
  sha256: string;
}

/**
 * A local HTTP server for transport tests, on 127.0.0.1 and a free port.
 *
 * @example
 * ```ts
 * const server = await startContractServer();
 * await transport.send({ method: 'GET', url: `${server.url}/status/204`, headers: {} });
 * await server.close();
 * ```
 */
export interface ContractServer {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  url: string;
  /** Resolves when a request for `path` has arrived (its headers, not its body). */
  requestArrived(path: string): Promise<void>;
  /** Bytes received so far by the request currently streaming into `/echo` or `/reset-after`. */
  receivedBytes(): number;
  /**
   * The latest `/bytes` answer, once its connection has closed: how many body bytes the server managed
   * to write (it waits for the socket to drain, so never far ahead of the client) and whether all of them.
   */
  lastAnswer(): Promise<AnswerWritten>;
  close(): Promise<void>;
}

/**
 * What the contract server wrote of one `/bytes` answer.
 *
 * @example
 * ```ts
 * const { writtenBytes, complete }: AnswerWritten = await server.lastAnswer();
 * ```
 */
export interface AnswerWritten {
  writtenBytes: number;
  complete: boolean;
}

type Route = (request: IncomingMessage, response: ServerResponse, query: URLSearchParams) => void;

const ANSWER_CHUNK_BYTES = 64 * 1024;

// Writes pattern bytes as the socket takes them, so a client that stops reading stops the server too.
function writePattern(response: ServerResponse, { offset, length }: { offset: number; length: number }): Promise<AnswerWritten> {
  return new Promise((resolve) => {
    let written = 0;
    const writeMore = () => {
      while (written < length && !response.destroyed) {
        const chunk = patternBytes({ offset: offset + written, length: Math.min(ANSWER_CHUNK_BYTES, length - written) });
        written += chunk.byteLength;
        if (!response.write(chunk)) return;
      }
      if (written >= length) response.end();
    };
    response.on('drain', writeMore);
    response.on('close', () => resolve({ writtenBytes: written, complete: response.writableFinished }));
    writeMore();
  });
}

function numberParam(query: URLSearchParams, name: string): number {
  const value = Number(query.get(name));
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`query parameter ${name} must be a whole number`);
  return value;
}

/**
 * Starts the server that `describeTransportContract` and the adapter tests talk to. Routes:
 * `/echo` (answers {@link ReceivedRequest} as JSON), `/slow-headers?afterMs=T` (the same, T ms after the
 * whole body arrived), `/status/<code>`, `/bytes?length=N&offset=M`
 * (pattern bytes with a content-length, or chunked with `&chunked=1`, written as the socket drains; see
 * `lastAnswer()`), `/slow-body?chunks=N&everyMs=T` (N KiB, one every T ms), `/headers` (repeated and
 * odd-case headers), `/silent` (reads the body, never answers), `/stall-upload` (reads nothing, never
 * answers), `/stall-body` (headers and 10 of 100 body bytes, then nothing), `/reset-after?bytes=N`
 * (drops the connection after N request bytes), `/redirect` (302 to `/echo`).
 *
 * @example
 * ```ts
 * const server = await startContractServer();
 * const response = await fetch(`${server.url}/bytes?length=16`);
 * await server.close();
 * ```
 */
export async function startContractServer(): Promise<ContractServer> {
  let streamed = 0;
  let lastAnswer: Promise<AnswerWritten> = Promise.resolve({ writtenBytes: 0, complete: true });
  const waiters = new Map<string, Array<() => void>>();
  // Reads a request body to its end and hashes it; `streamed` follows the latest one as it arrives.
  const receive = (request: IncomingMessage) =>
    new Promise<ReceivedRequest>((resolve) => {
      const hash = createHash('sha256');
      let receivedBytes = 0;
      streamed = 0;
      request.on('data', (chunk: Buffer) => {
        receivedBytes += chunk.byteLength;
        streamed = receivedBytes;
        hash.update(chunk);
      });
      request.on('end', () => resolve({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, receivedBytes, sha256: hash.digest('hex') }));
    });

  const routes: Record<string, Route> = {
    '/echo': (request, response) => {
      void receive(request).then((seen) => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(seen)));
    },
    '/slow-headers': (request, response, query) => {
      // The whole body first, then a server that takes its time to answer, as a gateway processing a file.
      const afterMs = numberParam(query, 'afterMs');
      void receive(request).then((seen) => {
        const timer = setTimeout(() => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(seen)), afterMs);
        response.on('close', () => clearTimeout(timer));
      });
    },
    '/bytes': (request, response, query) => {
      request.resume();
      const length = numberParam(query, 'length');
      const declared = query.get('chunked') === '1' ? {} : { 'content-length': length };
      response.writeHead(200, { 'content-type': 'application/octet-stream', ...declared });
      lastAnswer = writePattern(response, { offset: numberParam(query, 'offset'), length });
    },
    '/slow-body': (request, response, query) => {
      request.resume();
      const chunks = numberParam(query, 'chunks');
      const everyMs = numberParam(query, 'everyMs');
      response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': chunks * 1024 });
      let sent = 0;
      const timer = setInterval(() => {
        response.write(patternBytes({ offset: sent * 1024, length: 1024 }));
        if (++sent === chunks) {
          clearInterval(timer);
          response.end();
        }
      }, everyMs);
      response.on('close', () => clearInterval(timer));
    },
    '/stall-upload': (request) => {
      // Takes the headers, then reads nothing and never answers: the upload backs up and stops.
      request.pause();
    },
    '/headers': (request, response) => {
      request.resume();
      response.setHeader('X-Mixed-Case', 'Value With Spaces');
      response.setHeader('set-cookie', ['a=1', 'b=2']);
      response.setHeader('content-type', 'text/plain;charset=GBK');
      response.writeHead(203).end();
    },
    '/silent': (request) => {
      request.resume();
    },
    '/stall-body': (request, response) => {
      request.resume();
      response.writeHead(200, { 'content-length': 100 });
      response.write(new Uint8Array(10));
    },
    '/reset-after': (request, _response, query) => {
      const limit = numberParam(query, 'bytes');
      streamed = 0;
      request.on('data', (chunk: Buffer) => {
        streamed += chunk.byteLength;
        if (streamed >= limit) request.socket.destroy();
      });
    },
    '/redirect': (request, response) => {
      request.resume();
      response.writeHead(302, { location: '/echo' }).end('moved');
    },
  };

  const server = createServer((request, response) => {
    const { pathname, searchParams } = new URL(request.url ?? '/', 'http://127.0.0.1');
    for (const wake of waiters.get(pathname) ?? []) wake();
    waiters.delete(pathname);
    const status = /^\/status\/(\d{3})$/.exec(pathname);
    const route: Route | undefined = status
      ? (req, res) => {
          req.resume();
          res.writeHead(Number(status[1]), { 'x-status': status[1] ?? '' }).end(`status ${status[1]}`);
        }
      : routes[pathname];
    if (!route) {
      request.resume();
      response.writeHead(404).end('no such route');
      return;
    }
    try {
      route(request, response, searchParams);
    } catch (error) {
      response.writeHead(400).end(String(error));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requestArrived: (path) =>
      new Promise((resolve) => {
        waiters.set(path, [...(waiters.get(path) ?? []), resolve]);
      }),
    receivedBytes: () => streamed,
    lastAnswer: () => lastAnswer,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * A `http://127.0.0.1:<port>` URL where nothing listens: the port was free a moment ago.
 *
 * @example
 * ```ts
 * const url = await refusedUrl();
 * await expect(transport.send({ method: 'GET', url, headers: {} })).rejects.toMatchObject({ reason: 'CONNECT' });
 * ```
 */
export async function refusedUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}/`;
}
