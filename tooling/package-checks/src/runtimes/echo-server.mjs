// The matrix's echo server on 127.0.0.1, on raw TCP so that it sees what a runtime actually puts on
// the wire: an HTTP/1.1 request's method, content-length or transfer-encoding, the size of every chunk
// of a chunked body, the body's length and checksum. It answers each request with that as JSON and
// keeps it, by the request's first path segment (the runtime) and its `check` query parameter.
import { createServer } from 'node:net';

/**
 * @typedef {import('./wire-shape.mjs').WireShape & { method: string, checksum: number }} Received
 */

const CRLF = Buffer.from('\r\n');

/**
 * Parses the requests on one socket, one after another, and calls `onRequest` for each with what it
 * saw; its return value is the JSON answer. Not a general HTTP parser: enough for what fetch sends.
 * @param {import('node:net').Socket} socket
 * @param {(head: { method: string, target: string }, received: Received) => void} onRequest
 */
function serveSocket(socket, onRequest) {
  let buffer = Buffer.alloc(0);
  /** @type {'head' | 'fixed' | 'size' | 'data' | 'crlf'} */
  let state = 'head';
  /** @type {{ method: string, target: string }} */
  let head = { method: '', target: '' };
  /** @type {Received} */
  let received;
  let remaining = 0;
  let checksum = 0;

  const take = (count) => {
    const part = buffer.subarray(0, count);
    buffer = buffer.subarray(count);
    for (const byte of part) checksum = (checksum + byte) % 65_521;
    received.length += part.length;
    return part.length;
  };
  const finish = () => {
    received.checksum = checksum;
    onRequest(head, received);
    state = 'head';
  };

  socket.on('error', () => undefined);
  socket.on('data', (data) => {
    buffer = Buffer.concat([buffer, data]);
    for (;;) {
      if (state === 'head') {
        const end = buffer.indexOf('\r\n\r\n');
        if (end < 0) return;
        const [requestLine = '', ...lines] = buffer.subarray(0, end).toString('latin1').split('\r\n');
        buffer = buffer.subarray(end + 4);
        const [method = '', target = ''] = requestLine.split(' ');
        const headers = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(':')).trim().toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
        head = { method, target };
        const transferEncoding = headers['transfer-encoding'] ?? null;
        received = { method, contentLength: headers['content-length'] ?? null, transferEncoding, chunks: transferEncoding === null ? null : [], length: 0, checksum: 0 };
        checksum = 0;
        if (transferEncoding === 'chunked') state = 'size';
        else {
          remaining = Number(received.contentLength ?? 0);
          state = 'fixed';
        }
      } else if (state === 'fixed') {
        remaining -= take(Math.min(remaining, buffer.length));
        if (remaining > 0) return;
        finish();
      } else if (state === 'size') {
        const end = buffer.indexOf(CRLF);
        if (end < 0) return;
        remaining = Number.parseInt(buffer.subarray(0, end).toString('latin1'), 16);
        buffer = buffer.subarray(end + 2);
        if (remaining === 0) {
          // The last chunk, then (no trailers from fetch) the final CRLF.
          state = 'crlf';
          remaining = -1;
        } else {
          received.chunks?.push(remaining);
          state = 'data';
        }
      } else if (state === 'data') {
        remaining -= take(Math.min(remaining, buffer.length));
        if (remaining > 0) return;
        state = 'crlf';
      } else {
        if (buffer.length < 2) return;
        buffer = buffer.subarray(2);
        if (remaining === -1) finish();
        else state = 'size';
      }
    }
  });
}

/**
 * Starts the echo server; `seen` holds what arrived, `seen[runtime][check]`.
 * @returns {Promise<{ url: string, seen: Record<string, Record<string, Received>>, close(): Promise<void> }>}
 */
export async function startEchoServer() {
  /** @type {Record<string, Record<string, Received>>} */
  const seen = {};
  const sockets = new Set();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    serveSocket(socket, ({ target }, received) => {
      const url = new URL(target, 'http://127.0.0.1');
      const runtime = url.pathname.split('/')[1] ?? '';
      const check = url.searchParams.get('check');
      if (check !== null) (seen[runtime] ??= {})[check] = received;
      const body = JSON.stringify(received);
      socket.end(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    url: `http://127.0.0.1:${address.port}`,
    seen,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve(undefined));
      }),
  };
}
