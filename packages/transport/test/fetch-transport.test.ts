import { createHash } from 'node:crypto';
import * as core from '@zhima/core';
import type { UploadProgress } from '@zhima/core/internal';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createFetchTransport } from '../src/index.js';
import { refusedUrl, startContractServer, type ContractServer, type ReceivedRequest } from '../src/node/testing.js';
import { patternBytes, patternStream } from '../src/testing/index.js';
import { firstChunksAliveMidUpload } from './support/chunk-retention.js';
import { failure } from './support/failure.js';
import { slowStream } from './support/slow-stream.js';
import { startTlsServer } from './support/servers.js';

let server: ContractServer;
beforeAll(async () => {
  server = await startContractServer();
});
afterAll(() => server.close());

const seenBy = (body: Uint8Array) => JSON.parse(new TextDecoder().decode(body)) as ReceivedRequest;

describe('createFetchTransport', () => {
  it("is @zhima/core's own function (the client's default), not a copy", () => {
    expect(createFetchTransport).toBe(core.createFetchTransport);
  });

  // Its option checks are in test/transfer-limits.test.ts, beside the other adapters'.
  it('refuses a bad per-request maxResponseBytes with PARAM_INVALID, before sending', async () => {
    await expect(createFetchTransport().send({ method: 'GET', url: `${server.url}/status/200`, headers: {} }, { maxResponseBytes: -5 })).rejects.toMatchObject({ code: 'PARAM_INVALID' });
  });

  it('takes any answer with maxResponseBytes: Infinity', async () => {
    const response = await createFetchTransport({ maxResponseBytes: Number.POSITIVE_INFINITY }).send({ method: 'GET', url: `${server.url}/bytes?offset=0&length=${2 * 1024 * 1024}&chunked=1`, headers: {} });
    expect(response.body.byteLength).toBe(2 * 1024 * 1024);
  });

  it('sends a byte body over 64 KiB as 64 KiB slices on Node, with its exact content-length, and still returns a redirect', async () => {
    const body = patternBytes({ length: 200 * 1024 });
    const progress: UploadProgress[] = [];
    const response = await createFetchTransport().send({ method: 'POST', url: `${server.url}/echo`, headers: { 'content-length': String(body.byteLength) }, body }, { onUploadProgress: (event) => progress.push(event) });
    const seen = seenBy(response.body);
    expect(seen).toMatchObject({ receivedBytes: body.byteLength });
    expect(seen.headers).toMatchObject({ 'content-length': String(body.byteLength) });
    expect(seen.headers['transfer-encoding']).toBeUndefined();
    expect(progress.map((event) => event.sentBytes)).toEqual([65_536, 131_072, 196_608, 204_800]);
    const redirected = await createFetchTransport().send({ method: 'POST', url: `${server.url}/redirect`, headers: {}, body });
    expect(redirected.status).toBe(302);
  });

  it('hands a byte body to a fetch of your own whole', async () => {
    const bodies: unknown[] = [];
    const spy = (input: string, init: RequestInit) => {
      bodies.push(init.body);
      return globalThis.fetch(input, init);
    };
    const body = patternBytes({ length: 200 * 1024 });
    await createFetchTransport({ fetch: spy }).send({ method: 'POST', url: `${server.url}/echo`, headers: {}, body });
    expect(bodies).toHaveLength(1);
    expect(bodies[0]).toBe(body);
  });

  it('calls a supplied fetch with globalThis as `this`, as Cloudflare Workers require', async () => {
    const workersLikeFetch = function (this: unknown, input: string, init: RequestInit) {
      if (this !== globalThis) throw new TypeError('Illegal invocation');
      return globalThis.fetch(input, init);
    };
    const transport = createFetchTransport({ fetch: workersLikeFetch });
    const response = await transport.send({ method: 'GET', url: `${server.url}/status/200`, headers: {} });
    expect(response.status).toBe(200);
  });

  it('looks up the global fetch at call time, so later stubs apply', async () => {
    const transport = createFetchTransport();
    const stub = vi.fn(async () => new Response('stubbed', { status: 299 }));
    vi.stubGlobal('fetch', stub);
    try {
      const response = await transport.send({ method: 'GET', url: 'https://example.invalid/', headers: {} });
      expect(response.status).toBe(299);
      expect(stub).toHaveBeenCalledOnce();
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('adds default headers under the request headers, whatever their case', async () => {
    const transport = createFetchTransport({ headers: { 'X-Team': 'billing', 'X-Override': 'default' } });
    const response = await transport.send({ method: 'POST', url: `${server.url}/echo`, headers: { 'x-override': 'request' }, body: new Uint8Array([1]) });
    expect(seenBy(response.body).headers).toMatchObject({ 'x-team': 'billing', 'x-override': 'request' });
  });

  it('unwraps "fetch failed" to the socket error that caused it', async () => {
    const error = await failure(createFetchTransport().send({ method: 'GET', url: await refusedUrl(), headers: {} }));
    expect(error.reason).toBe('CONNECT');
    expect(error.cause).not.toMatchObject({ message: 'fetch failed' });
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('reports an unknown host as DNS', async () => {
    const error = await failure(createFetchTransport().send({ method: 'GET', url: 'http://zhima-sdk-test.invalid/', headers: {} }));
    expect(error.reason).toBe('DNS');
  });

  it('reports an untrusted certificate as TLS, and does not retry it', async () => {
    const tlsServer = await startTlsServer();
    try {
      const error = await failure(createFetchTransport().send({ method: 'GET', url: `${tlsServer.url}/`, headers: {} }));
      expect(error).toMatchObject({ reason: 'TLS', retryable: false });
    } finally {
      await tlsServer.close();
    }
  });

  it('reports a caller signal that fired with a TimeoutError (AbortSignal.timeout) as TIMEOUT', async () => {
    const controller = new AbortController();
    void server.requestArrived('/silent').then(() => controller.abort(new DOMException('deadline', 'TimeoutError')));
    const error = await failure(createFetchTransport().send({ method: 'GET', url: `${server.url}/silent`, headers: {} }, { signal: controller.signal }));
    expect(error.reason).toBe('TIMEOUT');
  });

  it('times an answer that came before its upload ended by timeoutMs, not by the longer wait for an answer', async () => {
    // /stall-body answers (10 of 100 bytes, then nothing) as soon as the request arrives; the upload
    // keeps going for 400 ms more and then ends, which must not turn the stalled answer into a wait.
    const body = slowStream({ chunks: 4, everyMs: 100 });
    const error = await failure(createFetchTransport({ timeoutMs: 400 }).send({ method: 'POST', url: `${server.url}/stall-body`, headers: { 'content-length': '4096' }, body }));
    expect(error.message).toMatch(/: the answer stalled: no bytes arrived for 400 ms after 10 of 100 B received\./);
  });

  it('reports a byte body as sent once the answer arrives', async () => {
    const progress: UploadProgress[] = [];
    await createFetchTransport().send(
      { method: 'POST', url: `${server.url}/echo`, headers: {}, body: new Uint8Array(1000) },
      { onUploadProgress: (event) => progress.push(event) },
    );
    expect(progress).toEqual([{ sentBytes: 1000, totalBytes: 1000 }]);
  });
});

describe('createFetchTransport with a stream body answered by a redirect', () => {
  const streamedPost = (url: string) => ({ method: 'POST' as const, url, headers: { 'content-length': '2' }, body: new Blob([new Uint8Array([1, 2])]).stream() });

  it('fails with HTTP_STATUS by default, so that fetch need not keep a copy of the upload', async () => {
    const error = await failure(createFetchTransport().send(streamedPost(`${server.url}/redirect`)));
    expect(error).toMatchObject({ reason: 'HTTP_STATUS', retryable: false });
  });

  it("returns the 3xx as a response with streamRedirect: 'manual'", async () => {
    const response = await createFetchTransport({ streamRedirect: 'manual' }).send(streamedPost(`${server.url}/redirect`));
    expect(response.status).toBe(302);
  });
});

describe('createFetchTransport where the runtime fetch would send a stream chunked (Deno, stubbed here)', () => {
  // Deno's fetch drops content-length for a stream and sends 64 KiB chunks (the runtime matrix measures
  // it); the transport reads such a body into bytes first, so it goes out with its length.
  const spyFetch = () => {
    const bodies: unknown[] = [];
    const fetch = async (input: string, init: RequestInit) => {
      bodies.push(init.body);
      return init.body instanceof Uint8Array ? globalThis.fetch(input, init) : new Response('not sent');
    };
    return { bodies, fetch };
  };
  beforeEach(() => {
    vi.stubGlobal('Deno', {});
  });
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('reads a stream body with a declared length into bytes, sent with that length, reported as sent once answered', async () => {
    const { bodies, fetch } = spyFetch();
    const length = 3 * 1024 * 1024 + 5;
    const progress: UploadProgress[] = [];
    const response = await createFetchTransport({ fetch }).send(
      { method: 'POST', url: `${server.url}/echo`, headers: { 'content-length': String(length) }, body: patternStream({ length }) },
      { onUploadProgress: (event) => progress.push(event) },
    );
    expect(bodies[0]).toBeInstanceOf(Uint8Array);
    expect(seenBy(response.body)).toMatchObject({ receivedBytes: length, headers: { 'content-length': String(length) } });
    expect(seenBy(response.body).sha256).toBe(createHash('sha256').update(patternBytes({ length })).digest('hex'));
    expect(progress).toEqual([{ sentBytes: length, totalBytes: length }]);
  });

  it('leaves a stream over 51 MiB, or one without a length, as it is', async () => {
    const { bodies, fetch } = spyFetch();
    const transport = createFetchTransport({ fetch });
    const over = 52_428_800 + 1024 * 1024 + 1;
    await transport.send({ method: 'POST', url: `${server.url}/echo`, headers: { 'content-length': String(over) }, body: patternStream({ length: over }) });
    await transport.send({ method: 'POST', url: `${server.url}/echo`, headers: {}, body: patternStream({ length: 10 }) });
    expect(bodies.map((body) => body instanceof ReadableStream)).toEqual([true, true]);
  });

  it('refuses a stream that delivers other than its content-length with PARAM_INVALID, sending nothing', async () => {
    const { bodies, fetch } = spyFetch();
    const transport = createFetchTransport({ fetch });
    for (const [declared, delivered] of [
      [100, 99],
      [100, 101],
    ]) {
      const error = await transport.send({ method: 'POST', url: `${server.url}/echo`, headers: { 'content-length': String(declared) }, body: patternStream({ length: delivered! }) }).catch((thrown: unknown) => thrown);
      expect(error).toMatchObject({ code: 'PARAM_INVALID', message: expect.stringContaining('its content-length is 100') });
    }
    expect(bodies).toEqual([]);
  });

  it('stops reading when the signal fires, as ABORTED', async () => {
    const { fetch } = spyFetch();
    const controller = new AbortController();
    const body = new ReadableStream<Uint8Array>({ pull: (stream) => { stream.enqueue(new Uint8Array(1024)); controller.abort(); } }, { highWaterMark: 0 });
    const error = await failure(createFetchTransport({ fetch }).send({ method: 'POST', url: `${server.url}/echo`, headers: { 'content-length': String(1024 * 1024) }, body }, { signal: controller.signal }));
    expect(error.reason).toBe('ABORTED');
  });
});

describe('createFetchTransport memory', () => {
  // This file never imports undici, so these run on Node's own fetch stack (large-upload.test.ts runs the
  // default case for both adapters with npm undici loaded).
  it('keeps no chunk of a streamed upload once sent', async () => {
    expect(await firstChunksAliveMidUpload({ transport: createFetchTransport(), url: `${server.url}/echo` })).toBe(0);
  });

  it("keeps every sent chunk with streamRedirect: 'manual', because Node's fetch tees the body (why 'error' is the default)", async () => {
    const transport = createFetchTransport({ streamRedirect: 'manual' });
    expect(await firstChunksAliveMidUpload({ transport, url: `${server.url}/echo` })).toBe(10);
  });
});
