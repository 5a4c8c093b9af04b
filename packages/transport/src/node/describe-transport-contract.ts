import { TransportError, ZhimaError, type HttpResponse, type Transport, type TransportErrorReason } from '@zhima/core';
import type { UploadProgress } from '@zhima/core/internal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { patternBytes, patternStream } from '../testing/pattern-bytes.js';
import { refusedUrl, startContractServer, type ContractServer, type ReceivedRequest } from './contract-server.js';
import { startThrottleProxy } from './throttle-proxy.js';

/**
 * A transport under test, and how to release it afterwards.
 *
 * @example
 * ```ts
 * const made: ContractTransport = createUndiciTransport({ timeoutMs: 1_000 });
 * ```
 */
export type ContractTransport = Transport & { close?: () => Promise<void> };

/**
 * Options for {@link describeTransportContract}.
 *
 * @example
 * ```ts
 * const options: TransportContractOptions = {
 *   name: 'fetch',
 *   makeTransport: ({ timeoutMs, headersTimeoutMs, maxResponseBytes }) => createFetchTransport({ timeoutMs, headersTimeoutMs, maxResponseBytes }),
 * };
 * ```
 */
export interface TransportContractOptions {
  /** Shown in the test names. */
  name: string;
  /**
   * Builds the transport under test (the suite may build several). It must give up with reason
   * `TIMEOUT` when bytes visibly stop moving for `timeoutMs` — no upload chunk taken, no more answer
   * bytes — and never cut a transfer that keeps moving. Once the whole request is handed over, the
   * wait for the answer's headers is `headersTimeoutMs` when given, and otherwise one that does not
   * shrink with `timeoutMs` (the built-in transports: 120 s or `timeoutMs`, whichever is longer, plus
   * time for bytes still on their way): handed-over bytes may still be draining through a slow link,
   * and the server may be processing a large file. It must stop reading an answer over
   * `maxResponseBytes` (1 MiB when not given; `TransportSendOptions.maxResponseBytes` overrides it per
   * request) and throw `ZhimaError` `RESPONSE_MALFORMED` with the cap in its message.
   */
  makeTransport: (options: { timeoutMs: number; headersTimeoutMs?: number; maxResponseBytes?: number }) => ContractTransport | Promise<ContractTransport>;
}

// Long enough that a busy 2-core CI machine never trips it on a healthy request.
const SILENCE_TIMEOUT_MS = 2_000;
// The inactivity cases: a short limit, and transfers that move every tenth of it for twice as long.
const SHORT_TIMEOUT_MS = 600;
const TICK_MS = 100;
const TICKS = 12;
const LARGE_BYTES = 8 * 1024 * 1024;
const MIB = 1024 * 1024;
// Far more than socket buffers hold on loopback (a few MB each way), far less than the answer sent.
const FLOOD_BYTES = 64 * MIB;
const MAX_WRITTEN_AFTER_CAP = 32 * MIB;
// Less than the OS takes of an upload at once on loopback (about 4 MiB): handed over in a moment, then
// drained through the proxy for about 2 s, three times SHORT_TIMEOUT_MS, with nothing for the client to see.
const DRAINED_BYTES = MIB;
const DRAIN_BYTES_PER_SECOND = 512 * 1024;
// A server that takes three times SHORT_TIMEOUT_MS to answer once it has the whole request.
const PROCESSING_MS = 3 * SHORT_TIMEOUT_MS;

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** `TICKS` chunks of 16 KiB, one every `TICK_MS`: an upload that keeps moving, slowly. */
function slowStream(): { body: ReadableStream<Uint8Array>; length: number } {
  const chunkBytes = 16 * 1024;
  let sent = 0;
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (sent === TICKS) return controller.close();
        await new Promise((resolve) => setTimeout(resolve, TICK_MS));
        controller.enqueue(patternBytes({ offset: sent * chunkBytes, length: chunkBytes }));
        sent += 1;
      },
    },
    { highWaterMark: 0 },
  );
  return { body, length: TICKS * chunkBytes };
}

async function expectTooLarge(sending: Promise<HttpResponse>, limit: number): Promise<void> {
  const error: unknown = await sending.then(
    (response) => new Error(`expected an answer over ${limit} bytes to be refused, got HTTP ${response.status} with ${response.body.byteLength} bytes`),
    (thrown: unknown) => thrown,
  );
  expect(ZhimaError.isInstance(error, 'RESPONSE_MALFORMED'), String(error)).toBe(true);
  expect((error as ZhimaError).message).toContain(String(limit));
}

function seenBy(response: HttpResponse): ReceivedRequest {
  return JSON.parse(new TextDecoder().decode(response.body)) as ReceivedRequest;
}

async function expectFailure(sending: Promise<HttpResponse>, reason: TransportErrorReason): Promise<TransportError> {
  const error: unknown = await sending.then(
    (response) => new Error(`expected ${reason}, got HTTP ${response.status}`),
    (thrown: unknown) => thrown,
  );
  expect(TransportError.isInstance(error), String(error)).toBe(true);
  expect(error).toMatchObject({ code: 'TRANSPORT_ERROR', reason });
  expect((error as TransportError).cause).toBeDefined();
  return error as TransportError;
}

/**
 * Registers the vitest suite every {@link Transport} must pass, against real `node:http` servers on
 * 127.0.0.1: status and headers as data, raw body bytes, binary and large bodies, streamed uploads with
 * an exact `content-length` and progress, redirects returned as they are; inactivity, not size, as the
 * timeout (slow transfers that keep moving complete, and so do an upload still draining through a slow
 * link and a server slow to answer, both for longer than `timeoutMs`; a stalled upload, a stalled answer
 * and headers missing for `headersTimeoutMs` fail with `TIMEOUT`); answers capped at `maxResponseBytes` without being buffered
 * (`RESPONSE_MALFORMED`); and failures as `TransportError` with reasons `ABORTED`, `CONNECT` and
 * `RESET`, a stream body that could not be sent being cancelled. Call it at the top level of a
 * `*.test.ts` file.
 *
 * @example
 * ```ts
 * import { createFetchTransport } from '@zhima/transport';
 * import { describeTransportContract } from '@zhima/transport/testing/node';
 *
 * describeTransportContract({
 *   name: 'fetch',
 *   makeTransport: ({ timeoutMs, headersTimeoutMs, maxResponseBytes }) => createFetchTransport({ timeoutMs, headersTimeoutMs, maxResponseBytes }),
 * });
 * ```
 */
export function describeTransportContract({ name, makeTransport }: TransportContractOptions): void {
  describe(`transport contract: ${name}`, () => {
    let server: ContractServer;
    let transport: ContractTransport;
    let impatient: ContractTransport;
    let unanswered: ContractTransport;
    let capped: ContractTransport;

    beforeAll(async () => {
      server = await startContractServer();
      transport = await makeTransport({ timeoutMs: SILENCE_TIMEOUT_MS });
      impatient = await makeTransport({ timeoutMs: SHORT_TIMEOUT_MS });
      unanswered = await makeTransport({ timeoutMs: SHORT_TIMEOUT_MS, headersTimeoutMs: SHORT_TIMEOUT_MS });
      capped = await makeTransport({ timeoutMs: SILENCE_TIMEOUT_MS, maxResponseBytes: 4096 });
    });

    afterAll(async () => {
      for (const made of [transport, impatient, unanswered, capped]) await made?.close?.();
      await server?.close();
    });

    it('sends method, path, query and headers as given', async () => {
      const response = await transport.send({
        method: 'POST',
        url: `${server.url}/echo?method=zhima.data.batch.feedback&charset=utf-8&sign=a%2Bb%3D`,
        headers: { 'content-type': 'application/x-www-form-urlencoded;charset=utf-8', 'x-trace-id': 'abc 123' },
        body: new TextEncoder().encode('a=1&b=%E4%B8%AD'),
      });
      expect(response.status).toBe(200);
      const seen = seenBy(response);
      expect(seen).toMatchObject({ method: 'POST', url: '/echo?method=zhima.data.batch.feedback&charset=utf-8&sign=a%2Bb%3D', receivedBytes: 15 });
      expect(seen.headers).toMatchObject({ 'content-type': 'application/x-www-form-urlencoded;charset=utf-8', 'x-trace-id': 'abc 123' });
    });

    it('returns every status as a response, with its body', async () => {
      for (const status of [200, 204, 404, 429, 500, 502, 503]) {
        const response = await transport.send({ method: 'POST', url: `${server.url}/status/${status}`, headers: {}, body: new Uint8Array([1]) });
        expect(response.status).toBe(status);
        expect(response.headers['x-status']).toBe(String(status));
        expect(new TextDecoder().decode(response.body)).toBe(status === 204 ? '' : `status ${status}`);
      }
    });

    it('returns response headers with lower-case names, repeated ones joined', async () => {
      const response = await transport.send({ method: 'GET', url: `${server.url}/headers`, headers: {} });
      expect(response.status).toBe(203);
      expect(response.headers['x-mixed-case']).toBe('Value With Spaces');
      expect(response.headers['content-type']).toBe('text/plain;charset=GBK');
      expect(response.headers['set-cookie']).toBe('a=1, b=2');
      expect(Object.keys(response.headers).every((header) => header === header.toLowerCase())).toBe(true);
    });

    it('returns the response body as raw bytes, undecoded', async () => {
      const response = await transport.send({ method: 'GET', url: `${server.url}/bytes?offset=0&length=4096`, headers: {} });
      expect(response.body).toBeInstanceOf(Uint8Array);
      expect(Array.from(response.body)).toEqual(Array.from(patternBytes({ length: 4096 })));
    });

    it('sends a binary body with every byte value intact', async () => {
      const body = new Uint8Array(256 * 4).map((_, index) => (index * 7) % 256);
      const response = await transport.send({ method: 'POST', url: `${server.url}/echo`, headers: { 'content-length': String(body.byteLength) }, body });
      expect(seenBy(response)).toMatchObject({ receivedBytes: body.byteLength, sha256: await sha256Hex(body) });
    });

    it('moves large bodies both ways', async () => {
      const upload = patternBytes({ offset: 12_345, length: LARGE_BYTES });
      const sent = await transport.send({ method: 'POST', url: `${server.url}/echo`, headers: { 'content-length': String(LARGE_BYTES) }, body: upload });
      expect(seenBy(sent)).toMatchObject({ receivedBytes: LARGE_BYTES, sha256: await sha256Hex(upload) });

      const download = await transport.send({ method: 'GET', url: `${server.url}/bytes?offset=777&length=${LARGE_BYTES}`, headers: {} }, { maxResponseBytes: LARGE_BYTES });
      expect(download.body.byteLength).toBe(LARGE_BYTES);
      expect(await sha256Hex(download.body)).toBe(await sha256Hex(patternBytes({ offset: 777, length: LARGE_BYTES })));
    });

    it('streams a body with its exact content-length, reporting progress up to the total', async () => {
      const progress: UploadProgress[] = [];
      const response = await transport.send(
        { method: 'POST', url: `${server.url}/echo`, headers: { 'content-length': String(LARGE_BYTES) }, body: patternStream({ length: LARGE_BYTES }) },
        { onUploadProgress: (event) => progress.push(event) },
      );
      const seen = seenBy(response);
      expect(seen).toMatchObject({ receivedBytes: LARGE_BYTES, sha256: await sha256Hex(patternBytes({ length: LARGE_BYTES })) });
      expect(seen.headers['content-length']).toBe(String(LARGE_BYTES));
      expect(seen.headers['transfer-encoding']).toBeUndefined();
      expect(progress.at(-1)).toEqual({ sentBytes: LARGE_BYTES, totalBytes: LARGE_BYTES });
      expect(progress.every((event, index) => index === 0 || event.sentBytes >= (progress[index - 1]?.sentBytes ?? 0))).toBe(true);
    });

    it('returns a redirect to a POST as it is, without following it', async () => {
      const response = await transport.send({ method: 'POST', url: `${server.url}/redirect`, headers: {}, body: new Uint8Array([1, 2]) });
      expect(response.status).toBe(302);
      expect(response.headers.location).toBe('/echo');
      expect(new TextDecoder().decode(response.body)).toBe('moved');
    });

    describe('inactivity, not size: timeoutMs and headersTimeoutMs', () => {
      it('completes an upload that keeps moving for longer than timeoutMs', async () => {
        const { body, length } = slowStream();
        const response = await impatient.send({ method: 'POST', url: `${server.url}/echo`, headers: { 'content-length': String(length) }, body });
        expect(seenBy(response)).toMatchObject({ receivedBytes: length, sha256: await sha256Hex(patternBytes({ length })) });
      });

      it('completes an answer that keeps arriving for longer than timeoutMs', async () => {
        const response = await impatient.send({ method: 'GET', url: `${server.url}/slow-body?chunks=${TICKS}&everyMs=${TICK_MS}`, headers: {} });
        expect(await sha256Hex(response.body)).toBe(await sha256Hex(patternBytes({ length: TICKS * 1024 })));
      });

      it('times out an upload the server stops taking', async () => {
        const length = FLOOD_BYTES;
        await expectFailure(impatient.send({ method: 'POST', url: `${server.url}/stall-upload`, headers: { 'content-length': String(length) }, body: patternStream({ length }) }), 'TIMEOUT');
      });

      it('completes an upload handed over at once that a slow link drains for longer than timeoutMs', async () => {
        const proxy = await startThrottleProxy({ target: { host: '127.0.0.1', port: Number(new URL(server.url).port) }, bytesPerSecond: DRAIN_BYTES_PER_SECOND });
        try {
          const length = DRAINED_BYTES;
          const response = await impatient.send({ method: 'POST', url: `${proxy.url}/echo`, headers: { 'content-length': String(length) }, body: patternStream({ length }) });
          expect(seenBy(response)).toMatchObject({ receivedBytes: length, sha256: await sha256Hex(patternBytes({ length })) });
          expect(proxy.forwardedBytes).toBeGreaterThan(length);
        } finally {
          await proxy.stop();
        }
      });

      it('waits for a server that takes longer than timeoutMs to answer the whole request', async () => {
        const body = patternBytes({ length: 4096 });
        const response = await impatient.send({ method: 'POST', url: `${server.url}/slow-headers?afterMs=${PROCESSING_MS}`, headers: { 'content-length': '4096' }, body });
        expect(seenBy(response)).toMatchObject({ receivedBytes: 4096, sha256: await sha256Hex(body) });
      });

      it('times out when the server sends no headers for headersTimeoutMs', async () => {
        await expectFailure(unanswered.send({ method: 'POST', url: `${server.url}/silent`, headers: {}, body: new Uint8Array([1]) }), 'TIMEOUT');
      });

      it('times out when the response body stops arriving', async () => {
        await expectFailure(impatient.send({ method: 'GET', url: `${server.url}/stall-body`, headers: {} }), 'TIMEOUT');
      });
    });

    describe('answers capped: maxResponseBytes', () => {
      const bytes = (length: number, chunked = false) => ({ method: 'GET' as const, url: `${server.url}/bytes?offset=0&length=${length}${chunked ? '&chunked=1' : ''}`, headers: {} });

      it('takes an answer of exactly 1 MiB by default and refuses one byte more, declared or chunked', async () => {
        expect((await transport.send(bytes(MIB))).body.byteLength).toBe(MIB);
        await expectTooLarge(transport.send(bytes(MIB + 1)), MIB);
        await expectTooLarge(transport.send(bytes(MIB + 1, true)), MIB);
      });

      it("applies the transport's maxResponseBytes, and a request's own over it", async () => {
        expect((await capped.send(bytes(4096, true))).body.byteLength).toBe(4096);
        await expectTooLarge(capped.send(bytes(4097, true)), 4096);
        expect((await capped.send(bytes(5000, true), { maxResponseBytes: 8192 })).body.byteLength).toBe(5000);
        await expectTooLarge(transport.send(bytes(1001, true), { maxResponseBytes: 1000 }), 1000);
      });

      it('stops reading an oversized answer instead of buffering it', async () => {
        for (const chunked of [true, false]) {
          await expectTooLarge(transport.send(bytes(FLOOD_BYTES, chunked)), MIB);
          const written = await server.lastAnswer();
          expect(written.complete).toBe(false);
          expect(written.writtenBytes).toBeLessThan(MAX_WRITTEN_AFTER_CAP);
        }
      });
    });

    it('stops when the signal aborts while waiting for the answer', async () => {
      const controller = new AbortController();
      void server.requestArrived('/silent').then(() => controller.abort());
      await expectFailure(transport.send({ method: 'POST', url: `${server.url}/silent`, headers: {}, body: new Uint8Array([1]) }, { signal: controller.signal }), 'ABORTED');
    });

    it('does not send when the signal has already aborted', async () => {
      await expectFailure(transport.send({ method: 'GET', url: `${server.url}/echo`, headers: {} }, { signal: AbortSignal.abort() }), 'ABORTED');
    });

    it('reports a refused connection as CONNECT', async () => {
      await expectFailure(transport.send({ method: 'GET', url: await refusedUrl(), headers: {} }), 'CONNECT');
    });

    it('cancels a stream body it could not send, so its source is released', async () => {
      let cancelled!: () => void;
      const cancelCalled = new Promise<void>((resolve) => {
        cancelled = resolve;
      });
      const body = new ReadableStream<Uint8Array>({ pull: (controller) => controller.enqueue(new Uint8Array(1024)), cancel: () => cancelled() }, { highWaterMark: 0 });
      await expectFailure(transport.send({ method: 'POST', url: await refusedUrl(), headers: { 'content-length': '1048576' }, body }), 'CONNECT');
      await cancelCalled;
    });

    it('reports a connection dropped mid-upload as RESET', async () => {
      const length = 32 * 1024 * 1024;
      await expectFailure(
        transport.send({ method: 'POST', url: `${server.url}/reset-after?bytes=65536`, headers: { 'content-length': String(length) }, body: patternStream({ length }) }),
        'RESET',
      );
    });
  });
}
