import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startThrottleProxy, type ThrottleProxy } from '../src/node/testing.js';
import { patternBytes } from '../src/testing/index.js';

// The proxy is test equipment (exported for anyone's slow-link tests): these tests show it does what
// the slow-link tests here, in the contract suite and in tooling/scenarios rely on.

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function listen(server: Server): Promise<number> {
  server.listen({ host: '127.0.0.1', port: 0 });
  await once(server, 'listening');
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return (server.address() as AddressInfo).port;
}

/** A server that keeps what it receives; `echo` also sends it back. */
async function startSink({ echo = false } = {}) {
  const received: Buffer[] = [];
  const sockets: Socket[] = [];
  const server = createServer((socket) => {
    sockets.push(socket);
    socket.on('data', (chunk: Buffer) => {
      received.push(chunk);
      if (echo) socket.write(chunk);
    });
    socket.on('error', () => undefined);
  });
  const port = await listen(server);
  cleanups.push(() => sockets.forEach((socket) => socket.destroy()));
  return { port, sockets, received: () => Buffer.concat(received) };
}

async function startProxy(options: Omit<Parameters<typeof startThrottleProxy>[0], 'target'> & { port: number }): Promise<ThrottleProxy> {
  const { port, ...rest } = options;
  const proxy = await startThrottleProxy({ target: { host: '127.0.0.1', port }, ...rest });
  cleanups.push(() => proxy.stop());
  return proxy;
}

async function openClient(port: number): Promise<Socket> {
  const socket = connect({ host: '127.0.0.1', port });
  socket.on('error', () => undefined);
  await once(socket, 'connect');
  cleanups.push(() => void socket.destroy());
  return socket;
}

function payload(bytes: number): Buffer {
  return Buffer.from(patternBytes({ offset: bytes, length: bytes }));
}

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('startThrottleProxy', () => {
  it('forwards both directions byte for byte when unlimited', async () => {
    const sink = await startSink({ echo: true });
    const proxy = await startProxy({ port: sink.port });
    const client = await openClient(proxy.port);
    const sent = payload(300_000);
    const echoed: Buffer[] = [];
    client.on('data', (chunk: Buffer) => echoed.push(chunk));
    client.write(sent);
    await until(() => Buffer.concat(echoed).length >= sent.length, 'the echo');
    expect(sink.received().equals(sent)).toBe(true);
    expect(Buffer.concat(echoed).equals(sent)).toBe(true);
    expect(proxy.connections).toBe(1);
    expect(proxy.forwardedBytes).toBe(sent.length);
  });

  it('holds the client → server direction to its rate, then delivers everything', async () => {
    const sink = await startSink();
    const proxy = await startProxy({ port: sink.port, bytesPerSecond: 64 * 1024 });
    const client = await openClient(proxy.port);
    const sent = payload(128 * 1024);
    client.write(sent);
    await new Promise((resolve) => setTimeout(resolve, 500));
    // At 64 KiB/s half a second carries about a quarter of the payload; a slower machine carries less.
    expect(sink.received().length).toBeLessThan(sent.length / 2);
    await until(() => sink.received().length >= sent.length, 'the whole payload');
    expect(sink.received().equals(sent)).toBe(true);
  });

  it('stalls after the given bytes with both sockets open, and stop() closes them', async () => {
    const sink = await startSink();
    const proxy = await startProxy({ port: sink.port, stallAfterBytes: 10_000 });
    const client = await openClient(proxy.port);
    let clientClosed = false;
    client.on('close', () => (clientClosed = true));
    client.write(payload(100_000));
    await until(() => sink.received().length >= 10_000, 'the first 10 000 bytes');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(sink.received().length).toBe(10_000);
    expect(clientClosed).toBe(false);
    expect(sink.sockets[0]!.destroyed).toBe(false);

    await proxy.stop();
    await until(() => clientClosed, 'the client socket to close');
    await until(() => sink.sockets[0]!.destroyed || sink.sockets[0]!.readableEnded, 'the server socket to close');
    const refused = connect({ host: '127.0.0.1', port: proxy.port });
    const [error] = (await once(refused, 'error')) as [NodeJS.ErrnoException];
    expect(error.code).toBe('ECONNREFUSED');
  });

  it('refuses a rate that is not a positive number, and a stall point that is not a whole number of bytes', async () => {
    await expect(startThrottleProxy({ target: { host: '127.0.0.1', port: 1 }, bytesPerSecond: 0 })).rejects.toThrow(RangeError);
    await expect(startThrottleProxy({ target: { host: '127.0.0.1', port: 1 }, stallAfterBytes: 1.5 })).rejects.toThrow(RangeError);
  });

  it('listens on 127.0.0.1 only', async () => {
    const sink = await startSink();
    const proxy = await startProxy({ port: sink.port });
    expect(proxy.url).toBe(`http://127.0.0.1:${proxy.port}`);
    const elsewhere = connect({ host: '::1', port: proxy.port });
    const [error] = (await once(elsewhere, 'error')) as [NodeJS.ErrnoException];
    expect(['ECONNREFUSED', 'EADDRNOTAVAIL', 'ENETUNREACH', 'EAFNOSUPPORT']).toContain(error.code);
  });
});
