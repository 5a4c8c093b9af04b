import { createServer, type AddressInfo, type Socket } from 'node:net';
import { Agent, errors } from 'undici';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { toTransportError } from '@zhima/core/internal';
import { createUndiciTransport } from '../src/undici/index.js';
import { failure } from './support/failure.js';
import { localhostCert, startPlainServer, startTlsServer, startTunnelProxy } from './support/servers.js';

const request = { method: 'GET', url: 'https://openapi.alipay.com/gateway.do?sign=abc', headers: {} } as const;

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  vi.unstubAllEnvs();
  while (cleanups.length > 0) await cleanups.pop()?.();
});

describe('undici error mapping', () => {
  it.each([
    [new errors.ConnectTimeoutError(), 'TIMEOUT'],
    [new errors.HeadersTimeoutError(), 'TIMEOUT'],
    [new errors.BodyTimeoutError(), 'TIMEOUT'],
    [new errors.SocketError('other side closed'), 'RESET'],
    [new errors.RequestAbortedError(), 'ABORTED'],
    [new errors.SecureProxyConnectionError(new Error('handshake')), 'TLS'],
    [new errors.HeadersOverflowError(), 'UNKNOWN'],
  ] as const)('maps %s to %s, keeping it as the cause', (error, reason) => {
    const mapped = toTransportError({ error, request });
    expect(mapped).toMatchObject({ code: 'TRANSPORT_ERROR', reason, cause: error });
    expect(mapped.message).not.toContain('sign=abc');
  });

  it('finds the code inside an AggregateError from a multi-address connect', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED ::1:443'), { code: 'ECONNREFUSED' });
    expect(toTransportError({ error: new AggregateError([refused], 'all failed'), request }).reason).toBe('CONNECT');
  });
});

describe('createUndiciTransport', () => {
  it('reuses connections instead of opening one per request', async () => {
    const server = await startPlainServer();
    const transport = createUndiciTransport();
    cleanups.push(server.close, transport.close);
    for (let i = 0; i < 6; i += 1) await transport.send({ method: 'POST', url: `${server.url}/`, headers: {}, body: new Uint8Array([i]) });
    expect(server.clientPorts).toHaveLength(6);
    expect(new Set(server.clientPorts).size).toBeLessThan(6);
  });

  it('keeps to one socket per origin with connections: 1', async () => {
    const server = await startPlainServer();
    const transport = createUndiciTransport({ connections: 1 });
    cleanups.push(server.close, transport.close);
    await Promise.all([1, 2, 3, 4].map((i) => transport.send({ method: 'POST', url: `${server.url}/`, headers: {}, body: new Uint8Array([i]) })));
    expect(server.clientPorts).toHaveLength(4);
    expect(new Set(server.clientPorts).size).toBe(1);
  });

  it('releases its sockets on close()', async () => {
    const server = await startPlainServer();
    cleanups.push(server.close);
    const transport = createUndiciTransport({ keepAliveTimeoutMs: 60_000 });
    await transport.send({ method: 'GET', url: `${server.url}/`, headers: {} });
    const closed = server.allSocketsClosed();
    await transport.close();
    await closed;
  });

  it('leaves a supplied dispatcher open', async () => {
    const server = await startPlainServer();
    const dispatcher = new Agent();
    cleanups.push(server.close, () => dispatcher.close());
    const transport = createUndiciTransport({ dispatcher });
    await transport.send({ method: 'GET', url: `${server.url}/`, headers: {} });
    await transport.close();
    const again = await createUndiciTransport({ dispatcher }).send({ method: 'GET', url: `${server.url}/`, headers: {} });
    expect(again.status).toBe(200);
  });

  it('times out a TLS handshake that never completes after connectTimeoutMs', async () => {
    // Accepts TCP connections and never says a word: the handshake cannot finish.
    const sockets: Socket[] = [];
    const mute = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => mute.listen(0, '127.0.0.1', resolve));
    const transport = createUndiciTransport({ connectTimeoutMs: 300 });
    const closeMute = () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        mute.close(() => resolve());
      });
    cleanups.push(closeMute, transport.close);
    const error = await failure(transport.send({ method: 'GET', url: `https://127.0.0.1:${(mute.address() as AddressInfo).port}/`, headers: {} }));
    expect(error).toMatchObject({ reason: 'TIMEOUT', cause: { code: 'UND_ERR_CONNECT_TIMEOUT' } });
  });

  it('reports an untrusted certificate as TLS, and trusts a CA given in tls', async () => {
    const server = await startTlsServer();
    cleanups.push(server.close);
    const untrusting = createUndiciTransport();
    const trusting = createUndiciTransport({ tls: { ca: localhostCert } });
    cleanups.push(untrusting.close, trusting.close);
    expect((await failure(untrusting.send({ method: 'GET', url: `${server.url}/`, headers: {} }))).reason).toBe('TLS');
    expect((await trusting.send({ method: 'GET', url: `${server.url}/`, headers: {} })).status).toBe(200);
  });

  it("with proxy: 'env', tunnels HTTPS through HTTPS_PROXY with the TLS settings inside the tunnel", async () => {
    const [server, proxy] = await Promise.all([startTlsServer(), startTunnelProxy()]);
    cleanups.push(server.close, proxy.close);
    vi.stubEnv('HTTPS_PROXY', proxy.url);
    vi.stubEnv('NO_PROXY', '');
    const transport = createUndiciTransport({ proxy: 'env', tls: { ca: localhostCert } });
    cleanups.push(transport.close);
    const response = await transport.send({ method: 'POST', url: `${server.url}/gateway.do`, headers: {}, body: new Uint8Array([1]) });
    expect(response.status).toBe(200);
    expect(proxy.tunnels.map(({ target }) => target)).toEqual([new URL(server.url).host]);
  });

  it("with proxy: 'env', goes direct to hosts listed in NO_PROXY", async () => {
    const [server, proxy] = await Promise.all([startPlainServer(), startTunnelProxy()]);
    cleanups.push(server.close, proxy.close);
    vi.stubEnv('HTTP_PROXY', proxy.url);
    vi.stubEnv('NO_PROXY', '127.0.0.1');
    const transport = createUndiciTransport({ proxy: 'env' });
    cleanups.push(transport.close);
    expect((await transport.send({ method: 'GET', url: `${server.url}/`, headers: {} })).status).toBe(200);
    expect(proxy.tunnels).toEqual([]);
  });

  it('sends credentials from a proxy URL as Proxy-Authorization', async () => {
    const [server, proxy] = await Promise.all([startPlainServer(), startTunnelProxy()]);
    cleanups.push(server.close, proxy.close);
    const proxyUrl = new URL(proxy.url);
    proxyUrl.username = 'merchant';
    proxyUrl.password = 's3cret';
    const transport = createUndiciTransport({ proxy: proxyUrl.href });
    cleanups.push(transport.close);
    expect((await transport.send({ method: 'GET', url: `${server.url}/`, headers: {} })).status).toBe(200);
    expect(proxy.tunnels).toEqual([{ target: new URL(server.url).host, authorization: `Basic ${btoa('merchant:s3cret')}` }]);
  });
});
