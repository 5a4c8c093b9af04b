// timeoutMs is about inactivity, not size, in both adapters. Over a throttled link (a TCP proxy on
// 127.0.0.1 that forwards at a fixed rate) a transfer that keeps moving is never cut however long it
// takes, one that stops is cut with a message that says how far it got and what to change. Byte bodies:
// fetch on Node and undici both send them in 64 KiB slices, so their progress is seen.
import { createHash } from 'node:crypto';
import type { Transport } from '@zhima/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFetchTransport } from '../src/index.js';
import { patternBytes, patternStream, startContractServer, type ContractServer, type ReceivedRequest } from '../src/testing/index.js';
import { createUndiciTransport } from '../src/undici/index.js';
import { failure } from './support/failure.js';
import { startThrottlingProxy } from './support/throttling-proxy.js';

const MIB = 1024 * 1024;
const TIMEOUT_MS = 1_000;
// 2 MiB per 50 ms: 48 MiB need at least 24 ticks, 1.2 s, while the link moves every 50 ms. Loopback
// socket buffers hold about 10 MiB of it, which drains in a fraction of TIMEOUT_MS after the last chunk.
const BYTES_PER_TICK = 2 * MIB;
const TICK_MS = 50;

const adapters: Array<[string, (options: { timeoutMs: number }) => Transport & { close?: () => Promise<void> }]> = [
  ['fetch', (options) => createFetchTransport(options)],
  ['undici', (options) => createUndiciTransport(options)],
];

let server: ContractServer;
beforeAll(async () => {
  server = await startContractServer();
});
afterAll(() => server.close());

describe.each(adapters)('%s over a throttled link', (_name, makeTransport) => {
  it(`completes a 48 MiB byte upload that takes longer than timeoutMs (${TIMEOUT_MS} ms) but keeps moving`, async () => {
    const proxy = await startThrottlingProxy({ target: server.url, bytesPerTick: BYTES_PER_TICK, tickMs: TICK_MS });
    const transport = makeTransport({ timeoutMs: TIMEOUT_MS });
    try {
      const body = patternBytes({ length: 48 * MIB });
      let events = 0;
      const response = await transport.send({ method: 'POST', url: `${proxy.url}/echo`, headers: {}, body }, { onUploadProgress: () => (events += 1) });
      const seen = JSON.parse(new TextDecoder().decode(response.body)) as ReceivedRequest;
      expect(seen).toMatchObject({ receivedBytes: body.byteLength, sha256: createHash('sha256').update(body).digest('hex') });
      expect(seen.headers['content-length']).toBe(String(body.byteLength));
      expect(proxy.forwardedBytes()).toBeGreaterThanOrEqual(body.byteLength);
      // One event per 64 KiB slice: the upload was watched as it left, not handed over whole.
      expect(events).toBe(48 * 16);
    } finally {
      await transport.close?.();
      await proxy.close();
    }
  });

  it('cuts an upload the link stops carrying, by inactivity, saying how far it got and what to change', async () => {
    const proxy = await startThrottlingProxy({ target: server.url, bytesPerTick: BYTES_PER_TICK, tickMs: TICK_MS });
    const transport = makeTransport({ timeoutMs: TIMEOUT_MS });
    try {
      const body = patternBytes({ length: 64 * MIB });
      const sending = transport.send({ method: 'POST', url: `${proxy.url}/echo?sign=secret`, headers: {}, body }, { onUploadProgress: () => proxy.forwardedBytes() > 4 * MIB && proxy.stall() });
      const error = await failure(sending);
      expect(error).toMatchObject({ reason: 'TIMEOUT', retryable: true });
      expect(error.message).toMatch(/the upload stalled: no bytes moved for 1 s after \d+\.\d of 64\.0 MiB sent/);
      expect(error.message).toContain('raise timeoutMs (now 1000 ms)');
      expect(error.message).not.toContain('secret');
    } finally {
      await transport.close?.();
      await proxy.close();
    }
  });
});

describe.each(adapters)('%s: a TIMEOUT says what stalled', (_name, makeTransport) => {
  const transport = makeTransport({ timeoutMs: 400 });
  afterAll(() => transport.close?.());

  it('an upload the server stops taking: how far it got', async () => {
    const length = 64 * MIB;
    const error = await failure(transport.send({ method: 'POST', url: `${server.url}/stall-upload`, headers: { 'content-length': String(length) }, body: patternStream({ length }) }));
    expect(error.message).toMatch(/^POST http:\/\/127\.0\.0\.1:\d+\/stall-upload: the upload stalled: no bytes moved for 400 ms after \d+\.\d of 64\.0 MiB sent\. .*raise timeoutMs \(now 400 ms\)/);
  });

  it('no answer after the whole request was sent', async () => {
    const error = await failure(transport.send({ method: 'POST', url: `${server.url}/silent`, headers: {}, body: new Uint8Array(1000) }));
    expect(error.message).toMatch(/: no answer for 400 ms after the whole request was sent \(1000 B\): the server or a proxy on the way is not answering\. .*raise timeoutMs \(now 400 ms\)/);
  });

  it('an answer that stops arriving: how much came', async () => {
    const error = await failure(transport.send({ method: 'GET', url: `${server.url}/stall-body`, headers: {} }));
    expect(error.message).toMatch(/: the answer stalled: no bytes arrived for 400 ms after 10 of 100 B received\. .*raise timeoutMs \(now 400 ms\)/);
  });
});

describe('undici: the option named is the one in charge', () => {
  it('headersTimeoutMs and bodyTimeoutMs, when set, are the limits a stalled answer is cut by', async () => {
    const transport = createUndiciTransport({ timeoutMs: 5_000, headersTimeoutMs: 300, bodyTimeoutMs: 300 });
    try {
      const noHeaders = await failure(transport.send({ method: 'POST', url: `${server.url}/silent`, headers: {}, body: new Uint8Array(10) }));
      expect(noHeaders).toMatchObject({ reason: 'TIMEOUT', cause: { code: 'UND_ERR_HEADERS_TIMEOUT' } });
      expect(noHeaders.message).toContain('raise headersTimeoutMs (now 300 ms)');
      const noBody = await failure(transport.send({ method: 'GET', url: `${server.url}/stall-body`, headers: {} }));
      expect(noBody).toMatchObject({ reason: 'TIMEOUT', cause: { code: 'UND_ERR_BODY_TIMEOUT' } });
      expect(noBody.message).toContain('raise bodyTimeoutMs (now 300 ms)');
    } finally {
      await transport.close();
    }
  });

  it('does not count time spent queued for a socket (connections: 1) as an upload stall', async () => {
    const transport = createUndiciTransport({ timeoutMs: 400, connections: 1 });
    try {
      // The first upload holds the only socket for 12 × 100 ms, three times timeoutMs, moving all along.
      let sent = 0;
      const slow = new ReadableStream<Uint8Array>(
        {
          async pull(controller) {
            if (sent === 12) return controller.close();
            await new Promise((resolve) => setTimeout(resolve, 100));
            controller.enqueue(patternBytes({ offset: sent * 1024, length: 1024 }));
            sent += 1;
          },
        },
        { highWaterMark: 0 },
      );
      const first = transport.send({ method: 'POST', url: `${server.url}/echo`, headers: { 'content-length': String(12 * 1024) }, body: slow });
      const second = transport.send({ method: 'POST', url: `${server.url}/echo`, headers: {}, body: patternBytes({ length: MIB }) });
      const [one, two] = await Promise.all([first, second]);
      expect(JSON.parse(new TextDecoder().decode(one.body))).toMatchObject({ receivedBytes: 12 * 1024 });
      expect(JSON.parse(new TextDecoder().decode(two.body))).toMatchObject({ receivedBytes: MIB });
    } finally {
      await transport.close();
    }
  });
});
