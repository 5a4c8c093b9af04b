// timeoutMs is about inactivity, not size, in both adapters. Over a throttled link (the package's TCP
// proxy on 127.0.0.1) a transfer that keeps moving is never cut however long it takes, one that stops
// is cut with a message that says how far it got and what to change. Byte bodies: fetch on Node and
// undici both send them in 64 KiB slices, so their progress is seen. Once the last byte is handed
// over, the wait for the answer is headersTimeoutMs plus time for the bytes still on their way.
import { createHash } from 'node:crypto';
import type { Transport } from '@zhima/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFetchTransport } from '../src/index.js';
import { startContractServer, startThrottleProxy, type ContractServer, type ReceivedRequest } from '../src/node/testing.js';
import { patternBytes, patternStream } from '../src/testing/index.js';
import { createNodeHttpTransport } from '../src/node-http/index.js';
import { createUndiciTransport } from '../src/undici/index.js';
import { failure } from './support/failure.js';
import { slowStream } from './support/slow-stream.js';

const MIB = 1024 * 1024;
const TIMEOUT_MS = 1_000;
// 48 MiB at 40 MiB/s take at least 1.2 s, while the link moves all along.
const FAST_LINK = 40 * MIB;
// 1 MiB, which loopback takes at once, drains at 512 KiB/s for 2 s, twice TIMEOUT_MS, unseen by the client.
const SLOW_LINK = 512 * 1024;

type Options = { timeoutMs: number; headersTimeoutMs?: number };
const adapters: Array<[string, (options: Options) => Transport & { close?: () => Promise<void> }]> = [
  ['fetch', (options) => createFetchTransport(options)],
  ['undici', (options) => createUndiciTransport(options)],
  ['node-http', (options) => createNodeHttpTransport(options)],
];

let server: ContractServer;
beforeAll(async () => {
  server = await startContractServer();
});
afterAll(() => server.close());

const throttle = (options: { bytesPerSecond?: number; stallAfterBytes?: number }) =>
  startThrottleProxy({ target: { host: '127.0.0.1', port: Number(new URL(server.url).port) }, ...options });

describe.each(adapters)('%s over a throttled link', (_name, makeTransport) => {
  it(`completes a 48 MiB byte upload that takes longer than timeoutMs (${TIMEOUT_MS} ms) but keeps moving`, async () => {
    const proxy = await throttle({ bytesPerSecond: FAST_LINK });
    const transport = makeTransport({ timeoutMs: TIMEOUT_MS });
    try {
      const body = patternBytes({ length: 48 * MIB });
      let events = 0;
      const response = await transport.send({ method: 'POST', url: `${proxy.url}/echo`, headers: {}, body }, { onUploadProgress: () => (events += 1) });
      const seen = JSON.parse(new TextDecoder().decode(response.body)) as ReceivedRequest;
      expect(seen).toMatchObject({ receivedBytes: body.byteLength, sha256: createHash('sha256').update(body).digest('hex') });
      expect(seen.headers['content-length']).toBe(String(body.byteLength));
      expect(proxy.forwardedBytes).toBeGreaterThanOrEqual(body.byteLength);
      // One event per 64 KiB slice: the upload was watched as it left, not handed over whole.
      expect(events).toBe(48 * 16);
    } finally {
      await transport.close?.();
      await proxy.stop();
    }
  });

  it(`completes a 1 MiB byte upload the OS takes at once and the link drains for longer than timeoutMs (${TIMEOUT_MS} ms)`, async () => {
    const proxy = await throttle({ bytesPerSecond: SLOW_LINK });
    const transport = makeTransport({ timeoutMs: TIMEOUT_MS });
    try {
      const body = patternBytes({ length: MIB });
      const response = await transport.send({ method: 'POST', url: `${proxy.url}/echo`, headers: {}, body });
      const seen = JSON.parse(new TextDecoder().decode(response.body)) as ReceivedRequest;
      expect(seen).toMatchObject({ receivedBytes: body.byteLength, sha256: createHash('sha256').update(body).digest('hex') });
    } finally {
      await transport.close?.();
      await proxy.stop();
    }
  });

  it('cuts an upload the link stops carrying, by inactivity, saying how far it got and what to change', async () => {
    const proxy = await throttle({ bytesPerSecond: FAST_LINK, stallAfterBytes: 4 * MIB });
    const transport = makeTransport({ timeoutMs: TIMEOUT_MS });
    try {
      const body = patternBytes({ length: 64 * MIB });
      const error = await failure(transport.send({ method: 'POST', url: `${proxy.url}/echo?sign=secret`, headers: {}, body }));
      expect(error).toMatchObject({ reason: 'TIMEOUT', retryable: true });
      expect(error.message).toMatch(/the upload stalled: no bytes moved for 1 s after \d+\.\d of 64\.0 MiB sent/);
      expect(error.message).toContain('raise timeoutMs (now 1000 ms)');
      expect(error.message).not.toContain('secret');
      expect(proxy.forwardedBytes).toBe(4 * MIB);
    } finally {
      await transport.close?.();
      await proxy.stop();
    }
  });
});

describe.each(adapters)('%s: a TIMEOUT says what stalled', (_name, makeTransport) => {
  const transport = makeTransport({ timeoutMs: 400 });
  const unanswered = makeTransport({ timeoutMs: 400, headersTimeoutMs: 400 });
  afterAll(async () => {
    await transport.close?.();
    await unanswered.close?.();
  });

  it('an upload the server stops taking: how far it got', async () => {
    const length = 64 * MIB;
    const error = await failure(transport.send({ method: 'POST', url: `${server.url}/stall-upload`, headers: { 'content-length': String(length) }, body: patternStream({ length }) }));
    expect(error.message).toMatch(/^POST http:\/\/127\.0\.0\.1:\d+\/stall-upload: the upload stalled: no bytes moved for 400 ms after \d+\.\d of 64\.0 MiB sent\. .*raise timeoutMs \(now 400 ms\)/);
  });

  it('no answer for headersTimeoutMs after the whole request was handed over', async () => {
    const error = await failure(unanswered.send({ method: 'POST', url: `${server.url}/silent`, headers: {}, body: new Uint8Array(1000) }));
    expect(error.message).toMatch(/: no answer for 400 ms after the whole request was handed to the network \(1000 B\): the server or a proxy on the way is not answering\. If it is known to take longer, raise headersTimeoutMs \(now 400 ms\)\.$/);
  });

  it('no answer, with time added for the bytes that may still have been on their way', async () => {
    const error = await failure(unanswered.send({ method: 'POST', url: `${server.url}/silent`, headers: {}, body: patternBytes({ length: 64 * 1024 }) }));
    expect(error.message).toMatch(
      /: no answer for 2400 ms after the whole request was handed to the network \(64\.0 KiB\): the server or a proxy on the way is not answering\. That was 400 ms \(headersTimeoutMs\) for the server, plus 2 s for the 64\.0 KiB that may still have been on its way \(at 32\.0 KiB\/s\)\. If it is known to take longer, raise headersTimeoutMs \(now 400 ms\)\.$/,
    );
  });

  it('an answer that stops arriving: how much came', async () => {
    const error = await failure(transport.send({ method: 'GET', url: `${server.url}/stall-body`, headers: {} }));
    expect(error.message).toMatch(/: the answer stalled: no bytes arrived for 400 ms after 10 of 100 B received\. .*raise timeoutMs \(now 400 ms\)/);
  });
});

describe('node-http: the option named is the one in charge', () => {
  it('headersTimeoutMs and bodyTimeoutMs, when set, are the limits a stalled answer is cut by', async () => {
    const transport = createNodeHttpTransport({ timeoutMs: 5_000, headersTimeoutMs: 300, bodyTimeoutMs: 300 });
    try {
      const noHeaders = await failure(transport.send({ method: 'POST', url: `${server.url}/silent`, headers: {}, body: new Uint8Array(10) }));
      expect(noHeaders).toMatchObject({ reason: 'TIMEOUT' });
      expect(noHeaders.message).toContain('raise headersTimeoutMs (now 300 ms)');
      const noBody = await failure(transport.send({ method: 'GET', url: `${server.url}/stall-body`, headers: {} }));
      expect(noBody).toMatchObject({ reason: 'TIMEOUT' });
      expect(noBody.message).toContain('raise bodyTimeoutMs (now 300 ms)');
    } finally {
      await transport.close();
    }
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
      const slow = slowStream({ chunks: 12, everyMs: 100 });
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
