import { openAsBlob } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, TransportError, type RetryOptions, type Transport } from '@zhima/core';
import { createFetchTransport } from '@zhima/transport';
import { createUndiciTransport, type UndiciTransportOptions } from '@zhima/transport/undici';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { startThrottleProxy, type ThrottleProxyOptions } from '@zhima/transport/testing/node';
import { startGateway, type TestGateway } from './support/gateway.js';
import { encodeRecordsFile, generateLoanRecords, writeRecordsFile } from './support/loan-file.js';
import { judge, LOAN_COLUMNS, LOAN_PRIMARY_KEY, type OracleVerdict } from './support/oracle.js';
import { randomFor, SEED } from './support/random.js';
import { expectStoreHolds } from './support/verdict.js';

// Uploads over a slow link (the throttling proxy on 127.0.0.1, in front of the sandbox). Issue 10:
// timeouts must be about inactivity, not total size. A transfer that keeps making progress is never
// cut, even when it outlasts the client's retry deadline; a transfer that stops making progress fails
// with TIMEOUT after about `timeoutMs`, saying which setting to change.
//
// What "progress" a client can see: on loopback the kernel takes about 4-5 MB of a connection's
// writes into its socket buffers at once (measured here with the stall mode). A ~1 MB upload is
// therefore handed over whole within milliseconds and then drains through the link for ~4 s while
// the client waits for the answer; a stalled upload only shows as writes that stop once those
// buffers are full, so the stalled file is larger than them (~24 MB).

const TIMEOUT_MS = 1000;
const DEADLINE_MS = 1500;
const RATE = 256 * 1024;
const SLOW_RECORDS = 3300; // ~1 MB: ~4 s at 256 KiB/s
const STALL_RECORDS = 75_000; // ~24 MB
const STALL_AFTER_BYTES = 100 * 1024;
const HANG_BOUND_MS = 15_000;

let dir: string;
let gateway: TestGateway;
let slow: { path: string; verdict: OracleVerdict; size: number };
let stalled: { path: string; records: number };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zhima-slow-link-'));
  gateway = await startGateway({ dir });
  const records = generateLoanRecords({ count: STALL_RECORDS, random: randomFor('slow-link') });
  const slowBytes = encodeRecordsFile({ records: records.slice(0, SLOW_RECORDS), layout: 'compact', charset: 'UTF-8' });
  slow = { path: await writeRecordsFile(dir, 'slow.json', slowBytes), verdict: judge({ bytes: slowBytes, charset: 'utf-8', columns: LOAN_COLUMNS, primaryKeyColumns: LOAN_PRIMARY_KEY }), size: slowBytes.length };
  stalled = { path: await writeRecordsFile(dir, 'stalled.json', encodeRecordsFile({ records, layout: 'compact', charset: 'UTF-8' })), records: records.length };
  expect(slow.verdict.ok).toBe(true);
});

afterAll(async () => {
  await gateway?.server.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface TransportUnderTest {
  name: string;
  make(timeoutMs: number): { transport: Transport; close(): Promise<void> };
}

const TRANSPORTS: TransportUnderTest[] = [
  {
    name: 'undici transport',
    make(timeoutMs) {
      // `timeoutMs` (inactivity) is the option issue 10 asks for; typed as an extension until it exists.
      const options: UndiciTransportOptions & { timeoutMs: number } = { timeoutMs };
      const transport = createUndiciTransport(options);
      return { transport, close: () => transport.close() };
    },
  },
  {
    name: 'fetch transport',
    make: (timeoutMs) => ({ transport: createFetchTransport({ timeoutMs }), close: async () => undefined }),
  },
];

async function behindProxy(options: Omit<ThrottleProxyOptions, 'target'>) {
  const proxy = await startThrottleProxy({ target: { host: '127.0.0.1', port: gateway.port }, ...options });
  onTestFinished(() => proxy.stop());
  return proxy;
}

function clientThrough({ gatewayUrl, transport, retry }: { gatewayUrl: string; transport: Transport; retry: RetryOptions }) {
  return createClient({ appId: gateway.appId, privateKey: gateway.privateKey, alipayPublicKey: gateway.alipayPublicKey, gateway: gatewayUrl, transport, retry });
}

for (const { name, make } of TRANSPORTS) describe(`${name} behind a throttling proxy`, () => {
  it(`completes a progressing ~1 MB upload at 256 KiB/s that outlasts the ${DEADLINE_MS} ms retry deadline (timeoutMs ${TIMEOUT_MS})`, async () => {
    gateway.sandbox.clearRecords({ appId: gateway.appId });
    const proxy = await behindProxy({ bytesPerSecond: RATE });
    const { transport, close } = make(TIMEOUT_MS);
    onTestFinished(close);
    const client = clientThrough({ gatewayUrl: `${proxy.url}/gateway.do`, transport, retry: { deadlineMs: DEADLINE_MS } });
    const started = Date.now();
    const context = `seed ${SEED}: ${slow.size} bytes at ${RATE} B/s`;
    const result = await client.batchFeedback({ file: await openAsBlob(slow.path), fileName: 'slow.json', columns: LOAN_COLUMNS, primaryKeyColumns: LOAN_PRIMARY_KEY, records: slow.verdict.recordCount });
    expect(result.code, context).toBe('10000');
    // The premise, not a timing assertion: the throttle made the upload longer than the deadline.
    expect(Date.now() - started, context).toBeGreaterThan(DEADLINE_MS);
    expect(proxy.forwardedBytes, context).toBeGreaterThan(slow.size);
    expectStoreHolds(gateway.sandbox.storedRecords({ appId: gateway.appId }), slow.verdict.records, LOAN_PRIMARY_KEY, context);
  });

  it(`fails a stalled upload by inactivity: TIMEOUT naming timeoutMs, well within ${HANG_BOUND_MS / 1000} s`, async () => {
    gateway.sandbox.clearRecords({ appId: gateway.appId });
    const proxy = await behindProxy({ stallAfterBytes: STALL_AFTER_BYTES });
    const { transport, close } = make(TIMEOUT_MS);
    onTestFinished(close);
    // One attempt: this is about how one attempt ends, not about the retry policy.
    const client = clientThrough({ gatewayUrl: `${proxy.url}/gateway.do`, transport, retry: { attempts: 1 } });
    const controller = new AbortController();
    let bound: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      client
        .batchFeedback(
          { file: await openAsBlob(stalled.path), fileName: 'stalled.json', columns: LOAN_COLUMNS, primaryKeyColumns: LOAN_PRIMARY_KEY, records: stalled.records },
          { signal: controller.signal },
        )
        .then(
          (result) => ({ settled: 'resolved' as const, result }),
          (error: unknown) => ({ settled: 'rejected' as const, error }),
        ),
      new Promise<{ settled: 'hung' }>((resolve) => (bound = setTimeout(() => resolve({ settled: 'hung' }), HANG_BOUND_MS))),
    ]);
    clearTimeout(bound);
    controller.abort();
    const context = `seed ${SEED}: stalled after ${STALL_AFTER_BYTES} bytes (${proxy.forwardedBytes} forwarded)`;
    expect(outcome.settled, context).toBe('rejected');
    const error = (outcome as { error: unknown }).error;
    expect(TransportError.isInstance(error), `${context}: ${String(error)}`).toBe(true);
    expect((error as TransportError).reason, context).toBe('TIMEOUT');
    expect((error as TransportError).message, context).toContain('timeoutMs');
    expect(proxy.forwardedBytes, context).toBe(STALL_AFTER_BYTES);
    expect(gateway.sandbox.storedRecords({ appId: gateway.appId }).length, context).toBe(0);
  });
});
