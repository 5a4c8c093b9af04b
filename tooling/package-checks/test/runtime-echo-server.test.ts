// The matrix's echo server is the measuring instrument for what runtimes put on the wire: these tests
// show it reports a content-length body and the size of every chunk of a chunked one, byte-exact.
import { once } from 'node:events';
import { connect } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startEchoServer } from '../src/runtimes/echo-server.mjs';
import { describeShape, isUploadShape } from '../src/runtimes/wire-shape.mjs';

let echo: Awaited<ReturnType<typeof startEchoServer>>;
beforeAll(async () => {
  echo = await startEchoServer();
});
afterAll(() => echo.close());

/** Writes `raw` in pieces of `pieceBytes` (so framing crosses packet edges) and returns the answer's JSON. */
async function send(raw: Buffer, pieceBytes: number): Promise<Record<string, unknown>> {
  const socket = connect({ host: '127.0.0.1', port: Number(new URL(echo.url).port) });
  await once(socket, 'connect');
  const answer: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => answer.push(chunk));
  for (let offset = 0; offset < raw.length; offset += pieceBytes) {
    socket.write(raw.subarray(offset, offset + pieceBytes));
    await new Promise((resolve) => setImmediate(resolve));
  }
  await once(socket, 'close');
  const text = Buffer.concat(answer).toString('latin1');
  return JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)) as Record<string, unknown>;
}

it('measures a chunked body chunk by chunk, whatever the packet edges', async () => {
  const chunks = [Buffer.alloc(3 * 1024 * 1024, 1), Buffer.alloc(2 * 1024 * 1024, 2), Buffer.from('tail')];
  const framed = chunks.flatMap((chunk) => [Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]);
  const raw = Buffer.concat([Buffer.from('POST /someruntime/echo?check=chunked HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n'), ...framed, Buffer.from('0\r\n\r\n')]);
  const answer = await send(raw, 7_777);
  const sum = Buffer.concat(chunks).reduce((total, byte) => (total + byte) % 65_521, 0);
  expect(answer).toMatchObject({ method: 'POST', transferEncoding: 'chunked', contentLength: null, chunks: [3 * 1024 * 1024, 2 * 1024 * 1024, 4], length: 5 * 1024 * 1024 + 4, checksum: sum });
  expect(echo.seen.someruntime?.chunked).toEqual(answer);
  expect(isUploadShape(echo.seen.someruntime!.chunked!)).toBe(true);
  expect(describeShape(echo.seen.someruntime!.chunked!)).toBe('chunked: 3 chunks of 2.0 MiB–3.0 MiB (last 4 B)');
});

it('measures a content-length body, and refuses small chunks as an upload shape', async () => {
  const answer = await send(Buffer.from('POST /other/echo?check=fixed HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello'), 3);
  expect(answer).toMatchObject({ contentLength: '5', transferEncoding: null, chunks: null, length: 5 });
  expect(describeShape(echo.seen.other!.fixed!)).toBe('content-length 5');
  expect(isUploadShape({ contentLength: null, transferEncoding: 'chunked', chunks: [65_536, 65_536, 100], length: 131_172 })).toBe(false);
});
