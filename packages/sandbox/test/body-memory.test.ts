import { connect, type Socket } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it, onTestFinished } from 'vitest';
import { readBoundedBody } from '../src/http/body.js';
import { createSandbox } from '../src/index.js';
import { chinaTimestamp, makeKeyPair, percentEncode, publicParams } from './helpers/client.js';

const MiB = 1024 * 1024;
const SOCKETS = 6;
const DECLARED = 60 * MiB - 1024;

// Sends a request head declaring DECLARED body bytes with `Expect: 100-continue`, and resolves once the
// server answers `100 Continue`. Node sends that from inside the same synchronous step that hands the
// request to the handler, and the handler reaches its body buffer before its first await; this test's
// client runs on the server's event loop, so seeing `100 Continue` means the buffer is allocated.
function openDeclaredUpload({ port, path }: { port: number; path: string }): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('error', reject);
    let seen = '';
    socket.on('data', (chunk: Buffer) => {
      seen += chunk.toString('latin1');
      if (seen.includes('100 Continue')) {
        socket.removeAllListeners('data');
        // A few real bytes: the body has begun, the rest never comes.
        socket.write('--x\r\nContent');
        resolve(socket);
      }
    });
    socket.write(
      `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: multipart/form-data; boundary=x\r\n` +
        `Content-Length: ${DECLARED}\r\nExpect: 100-continue\r\n\r\n`,
    );
  });
}

describe('request body memory', () => {
  it('grows with the bytes received, not with a declared Content-Length (6 sockets declaring 60 MiB, sending 12 bytes)', async () => {
    const app = makeKeyPair();
    const sandbox = await createSandbox({ apps: [{ appId: '2021000000000001', publicKey: app.publicKey }] });
    const server = await sandbox.listen({ host: '127.0.0.1', port: 0 });
    onTestFinished(() => server.close());
    const port = Number(new URL(server.url).port);
    const query = Object.entries(publicParams({ appId: '2021000000000001', method: 'zhima.data.batch.feedback', timestamp: chinaTimestamp(new Date()) }))
      .map(([key, value]) => `${key}=${percentEncode(value, 'utf-8')}`)
      .join('&');

    // ArrayBuffer backing stores are counted by size at allocation, touched or not.
    const before = process.memoryUsage().arrayBuffers;
    const sockets: Socket[] = [];
    onTestFinished(() => sockets.forEach((socket) => socket.destroy()));
    for (let k = 0; k < SOCKETS; k++) sockets.push(await openDeclaredUpload({ port, path: `/gateway.do?${query}` }));
    const grown = process.memoryUsage().arrayBuffers - before;

    // Reserving the declared length would be 6 × 60 MiB = 360 MiB; a wide margin for everything else.
    expect(grown).toBeLessThan(16 * MiB);
  });
});

describe('readBoundedBody', () => {
  it('returns exactly the bytes sent, whatever the chunking and whether the length is declared', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.uint8Array({ maxLength: 40_000 }), { maxLength: 12 }), fc.boolean(), async (chunks, declare) => {
        const expected = Buffer.concat(chunks);
        const body = new ReadableStream<Uint8Array>({
          start(controller) {
            for (const chunk of chunks) controller.enqueue(chunk);
            controller.close();
          },
        });
        const headers = declare ? { 'content-length': String(expected.length) } : undefined;
        const request = new Request('http://sandbox.test/gateway.do', { method: 'POST', body, headers, duplex: 'half' } as RequestInit);
        expect(Buffer.from(await readBoundedBody({ request, maxBytes: MiB }))).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });
});
