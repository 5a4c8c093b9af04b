import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { ZhimaError } from '@zhima/core';
import { describe, expect, it } from 'vitest';
import { createNodeHttpTransport } from '../src/node-http/index.js';

/** A server on 127.0.0.1 that records how many body bytes each request delivered before it ended or broke. */
async function countingServer() {
  const received: { bytes: number; complete: boolean }[] = [];
  const server = createServer((request: IncomingMessage, response) => {
    const seen = { bytes: 0, complete: false };
    received.push(seen);
    request.on('data', (chunk: Buffer) => (seen.bytes += chunk.length));
    request.on('end', () => {
      seen.complete = true;
      response.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('createNodeHttpTransport', () => {
  it("cuts a request short when its stream body fails mid-way, and throws the body's own error", async () => {
    const server = await countingServer();
    const transport = createNodeHttpTransport({ timeoutMs: 5_000 });
    const failure = new ZhimaError({ code: 'PARAM_INVALID', message: 'the file changed' });
    let pulls = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (++pulls > 3) controller.error(failure);
        else controller.enqueue(new Uint8Array(256 * 1024).fill(pulls));
      },
    });
    try {
      const sent = transport.send({ method: 'POST', url: server.url, headers: { 'content-length': String(4 * 256 * 1024) }, body });
      await expect(sent).rejects.toBe(failure);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(server.received).toHaveLength(1);
      expect(server.received[0]!.complete).toBe(false);
      expect(server.received[0]!.bytes).toBeLessThan(4 * 256 * 1024);
    } finally {
      await transport.close();
      await server.close();
    }
  });

  it('loads no undici module', async () => {
    const server = await countingServer();
    const transport = createNodeHttpTransport();
    try {
      const response = await transport.send({ method: 'POST', url: server.url, headers: {}, body: new Uint8Array([1, 2, 3]) });
      expect(response.status).toBe(200);
      expect(new TextDecoder().decode(response.body)).toBe('ok');
    } finally {
      await transport.close();
      await server.close();
    }
    expect(Object.keys(createRequire(import.meta.url).cache).filter((path) => /[\\/]undici[\\/]/.test(path))).toEqual([]);
  });
});
