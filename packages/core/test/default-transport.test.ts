// createClient without a transport sends with createFetchTransport: the same reasons, the same
// inactivity timeout and the same answer cap as @zhima/transport's fetch (which is this function), and
// the retry policy reading them. Servers on 127.0.0.1; the TLS identity is made here by openssl.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createClient, createFetchTransport, TransportError, UnverifiedResponseError, ZhimaError, type AttemptEvent, type ClientConfig } from '../src/index.js';
import { answerWait, headersTimeoutFor, limitMs } from '../src/http/transfer/answer-wait.js';
import { describeStall } from '../src/http/transfer/transfer-progress.js';
import { rejectionOf } from './fixtures/caught.js';
import { startFakeGateway } from './fixtures/fake-gateway.js';
import { makeKeyFixture } from './fixtures/keys.js';

const app = makeKeyFixture();
const alipay = makeKeyFixture();
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

async function listen(server: Server): Promise<number> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** A client with no transport, and the outcome of every attempt it makes. */
function defaultClient(gateway: string, config: Partial<ClientConfig> = {}) {
  const events: AttemptEvent[] = [];
  const client = createClient({
    appId: '2021000000000001',
    privateKey: app.privateKeys['pkcs8-pem'],
    alipayPublicKey: alipay.publicKeys['spki-pem'],
    gateway,
    retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 2, onAttempt: (event) => events.push(event) },
    ...config,
  } as ClientConfig);
  return { client, outcomes: () => events.map((event) => event.outcome) };
}

const tlsDir = mkdtempSync(join(tmpdir(), 'zhima-core-tls-'));
afterAll(() => rmSync(tlsDir, { recursive: true, force: true }));
function selfSignedIdentity() {
  const key = join(tlsDir, 'key.pem');
  const cert = join(tlsDir, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  return { key: readFileSync(key), cert: readFileSync(cert) };
}

describe("createClient's default transport", () => {
  it('reports a refused connection as CONNECT (not UNKNOWN), and retries it', async () => {
    const port = await listen(createServer());
    await new Promise((resolve) => servers.pop()!.close(resolve));
    const { client, outcomes } = defaultClient(`http://127.0.0.1:${port}/gateway.do`);
    const error = await rejectionOf(client.execute('zhima.data.feedbackurl.query', { bizContent: { merchant_id: '1' } }));
    expect(TransportError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ reason: 'CONNECT', retryable: true });
    expect((error as Error).message).toContain('ECONNREFUSED');
    expect(outcomes()).toEqual(['retry', 'fail']);
  });

  it('reports an untrusted certificate as TLS and does not retry it', async () => {
    const port = await listen(createHttpsServer(selfSignedIdentity(), (_request, response) => response.end('{}')));
    const { client, outcomes } = defaultClient(`https://127.0.0.1:${port}/gateway.do`);
    const error = await rejectionOf(client.execute('zhima.data.feedbackurl.query', { bizContent: { merchant_id: '1' } }));
    expect(error).toMatchObject({ code: 'TRANSPORT_ERROR', reason: 'TLS', retryable: false });
    expect(outcomes()).toEqual(['fail']);
  });

  it('stops reading an answer over 1 MiB: RESPONSE_MALFORMED (inside RESPONSE_UNVERIFIED), not retried, not a charset error', async () => {
    let requests = 0;
    const port = await listen(
      createServer((request, response) => {
        requests += 1;
        request.resume();
        response.writeHead(200, { 'content-type': 'text/html;charset=utf-8' }).end(Buffer.alloc(1024 * 1024 + 1, 0xff));
      }),
    );
    const { client, outcomes } = defaultClient(`http://127.0.0.1:${port}/gateway.do`);
    const error = await rejectionOf(client.execute('zhima.data.feedbackurl.query', { bizContent: { merchant_id: '1' } }));
    expect(UnverifiedResponseError.isInstance(error)).toBe(true);
    const cause = (error as UnverifiedResponseError).cause;
    expect(ZhimaError.isInstance(cause, 'RESPONSE_MALFORMED')).toBe(true);
    expect((cause as ZhimaError).message).toMatch(/: answer over 1048576 bytes \(HTTP 200\); stopped reading it\.$/);
    expect((cause as ZhimaError).hint).toMatch(/maxResponseBytes/);
    expect(requests).toBe(1);
    expect(outcomes()).toEqual(['fail']);
  });

  it("caps answers at the client's maxResponseBytes", async () => {
    const gateway = await startFakeGateway({ appPublicKey: app.publicKeyObject, alipayPrivateKey: alipay.privateKeyObject, answer: () => ({ node: { code: '10000', msg: 'Success', feedback_url: 'https://example.com/template.xlsx' } }) });
    try {
      const call = (config: Partial<ClientConfig>) => defaultClient(gateway.url, config).client.execute('zhima.data.feedbackurl.query', { bizContent: { merchant_id: '1' } });
      await expect(call({})).resolves.toMatchObject({ code: '10000' });
      const error = await rejectionOf(call({ maxResponseBytes: 64 }));
      expect((error as ZhimaError).cause).toMatchObject({ code: 'RESPONSE_MALFORMED', message: expect.stringContaining('answer over 64 bytes') });
    } finally {
      await gateway.close();
    }
  });
});

describe('createFetchTransport timeoutMs and headersTimeoutMs', () => {
  it('cuts a request whose answer never comes after headersTimeoutMs, saying so and naming it', async () => {
    const port = await listen(createServer((request) => request.resume()));
    const error = await rejectionOf(createFetchTransport({ timeoutMs: 300, headersTimeoutMs: 300 }).send({ method: 'POST', url: `http://127.0.0.1:${port}/gateway.do?sign=secret`, headers: {}, body: new Uint8Array(12) }));
    expect(error).toMatchObject({ code: 'TRANSPORT_ERROR', reason: 'TIMEOUT', retryable: true });
    expect((error as Error).message).toBe(
      `POST http://127.0.0.1:${port}/gateway.do: no answer for 300 ms after the whole request was handed to the network (12 B): the server or a proxy on the way is not answering. If it is known to take longer, raise headersTimeoutMs (now 300 ms).`,
    );
  });

  it('waits past a short timeoutMs for a server that answers late: the default headersTimeoutMs does not shrink with it', async () => {
    const port = await listen(createServer((request, response) => request.resume().on('end', () => setTimeout(() => response.end('late'), 900))));
    const response = await createFetchTransport({ timeoutMs: 300 }).send({ method: 'POST', url: `http://127.0.0.1:${port}/gateway.do`, headers: {}, body: new Uint8Array(12) });
    expect(new TextDecoder().decode(response.body)).toBe('late');
  });

  it.each([{ headersTimeoutMs: -1 }, { headersTimeoutMs: Number.NaN }])('refuses %o with PARAM_INVALID', (options) => {
    expect(() => createFetchTransport(options)).toThrow(expect.objectContaining({ code: 'PARAM_INVALID', message: expect.stringContaining('headersTimeoutMs must be') }));
  });

  it('says when a byte body may still have been uploading because fetch could not watch it, and how long it was given', () => {
    const progress = { phase: 'wait', sentBytes: 10_380_902, totalBytes: 10_380_902, receivedBytes: 0, expectedBytes: undefined, uploadVisible: false } as const;
    const limit = answerWait({ headersTimeoutMs: 120_000, progress });
    expect(limit).toEqual({ option: 'headersTimeoutMs', ms: 120_000, inFlight: { bytes: 10_380_902, ms: 316_000 } });
    expect(describeStall({ progress, limit })).toBe(
      'no answer for 436 s after the request started; its 9.9 MiB body was handed to fetch whole, which cannot see it leave, so it may still have been uploading. That was 120 s (headersTimeoutMs) for the server, plus 316 s for the 9.9 MiB that may still have been on its way (at 32.0 KiB/s). If the link or the server is known to be slower, raise headersTimeoutMs (now 120000 ms).',
    );
  });

  it('gives a watched upload time for at most 8 MiB still on its way, and none for a body under 32 KiB', () => {
    const watched = (totalBytes: number | undefined) => ({ totalBytes, uploadVisible: true });
    expect(answerWait({ headersTimeoutMs: 120_000, progress: watched(50 * 1024 * 1024) })).toEqual({ option: 'headersTimeoutMs', ms: 120_000, inFlight: { bytes: 8 * 1024 * 1024, ms: 256_000 } });
    expect(answerWait({ headersTimeoutMs: 120_000, progress: watched(undefined) })).toMatchObject({ inFlight: { bytes: 8 * 1024 * 1024 } });
    expect(answerWait({ headersTimeoutMs: 120_000, progress: watched(1024 * 1024) })).toMatchObject({ inFlight: { ms: 32_000 } });
    expect(answerWait({ headersTimeoutMs: 120_000, progress: watched(32 * 1024 - 1) })).toEqual({ option: 'headersTimeoutMs', ms: 120_000 });
  });

  it('defaults headersTimeoutMs to 120 s, or timeoutMs when longer (off when timeoutMs is off)', () => {
    expect(headersTimeoutFor({ timeoutMs: 1_000 })).toBe(120_000);
    expect(headersTimeoutFor({ timeoutMs: 60_000 })).toBe(120_000);
    expect(headersTimeoutFor({ timeoutMs: 300_000 })).toBe(300_000);
    expect(headersTimeoutFor({ timeoutMs: 0 })).toBe(Number.POSITIVE_INFINITY);
    expect(headersTimeoutFor({ timeoutMs: 1_000, headersTimeoutMs: 0 })).toBe(0);
    expect(limitMs({ option: 'headersTimeoutMs', ms: 0, inFlight: { bytes: 1, ms: 1_000 } })).toBe(Number.POSITIVE_INFINITY);
  });
});
