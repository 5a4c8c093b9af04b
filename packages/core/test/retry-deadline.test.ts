// retry.deadlineMs bounds the retry loop, never the attempt in flight; the caller's signal is the hard bound.
import { createHash } from 'node:crypto';
import { mkdtempSync, openAsBlob, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TransportError, type AttemptEvent } from '../src/index.js';
import { feedback, fileText, useFakeGateways } from './fixtures/client-setup.js';
import { rejectionOf } from './fixtures/caught.js';

const { setup } = useFakeGateways();
const file = () => new TextEncoder().encode(fileText);

describe('retry.deadlineMs', () => {
  it('never cuts an attempt in flight: a gateway slower than the deadline still gets its answer read', async () => {
    const { gateway, client } = await setup(() => ({ delayMs: 400 }), { retry: { deadlineMs: 100 } });
    await expect(client.batchFeedback({ ...feedback, file: file() })).resolves.toMatchObject({ code: '10000' });
    expect(gateway.received).toHaveLength(1);
  });

  it('never cuts a slow but progressing upload: 3 MiB from disk over a 1 MiB/s link with a 500 ms deadline arrives whole', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zhima-slow-'));
    const path = join(dir, 'records.json');
    const count = 30_000;
    const big = `{"records":[${Array.from({ length: count }, (_, i) => `{"user_name":"张三","order_no":"A${String(i).padStart(60, '0')}","pay_month":"2024-01"}`).join(',')}]}`;
    writeFileSync(path, big);
    expect(statSync(path).size).toBeGreaterThan(3 * 1024 * 1024);
    const { gateway, client } = await setup(undefined, { retry: { deadlineMs: 500 } }, { readBytesPerSecond: 1024 * 1024 });
    await expect(client.batchFeedback({ ...feedback, records: count, file: await openAsBlob(path) })).resolves.toMatchObject({ code: '10000' });
    expect(gateway.received).toHaveLength(1);
    expect(createHash('sha256').update(gateway.received[0]!.files.file!.bytes).digest('hex')).toBe(createHash('sha256').update(big).digest('hex'));
  }, 20_000);

  it('starts no attempt after it: a retryable failure past the deadline is a TIMEOUT that names retry.deadlineMs, with the failure as cause', async () => {
    const events: AttemptEvent[] = [];
    const { gateway, client } = await setup(() => ({ status: 503, raw: 'busy', delayMs: 250 }), { retry: { attempts: 5, deadlineMs: 100, baseDelayMs: 1, onAttempt: (event) => events.push(event) } });
    const error = await rejectionOf(client.batchFeedback({ ...feedback, file: file() }));
    expect(TransportError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ reason: 'TIMEOUT', retryable: true, cause: { code: 'TRANSPORT_ERROR', reason: 'HTTP_STATUS', status: 503 } });
    expect((error as Error).message).toMatch(/retry\.deadlineMs \(100 ms\)/);
    expect((error as Error).message).toMatch(/attempt 1 of 5/);
    expect(gateway.received).toHaveLength(1);
    expect(events.map((event) => event.outcome)).toEqual(['fail']);
  });

  it('runs no backoff wait past it', async () => {
    const { gateway, client } = await setup(() => ({ status: 503, raw: 'busy' }), { retry: { attempts: 5, deadlineMs: 200, baseDelayMs: 60_000, maxDelayMs: 60_000 } });
    // A wait of up to 60 s overruns 200 ms in all but a tiny fraction of draws; were it waited out, the
    // test would hit vitest's 5 s timeout.
    const error = await rejectionOf(client.batchFeedback({ ...feedback, file: file() }));
    expect(error).toMatchObject({ code: 'TRANSPORT_ERROR' });
    expect(gateway.received.length).toBeLessThanOrEqual(2);
  });

  it('a failure that is not retryable is thrown as is, whatever the deadline', async () => {
    const { client } = await setup(() => ({ status: 404, raw: 'no such page', delayMs: 150 }), { retry: { deadlineMs: 50 } });
    await expect(client.batchFeedback({ ...feedback, file: file() })).rejects.toMatchObject({ reason: 'HTTP_STATUS', status: 404 });
  });

  it('Infinity lets every attempt run', async () => {
    const { gateway, client } = await setup((_request, index) => (index < 2 ? { status: 502, raw: '' } : {}), { retry: { attempts: 3, deadlineMs: Infinity, baseDelayMs: 1 } });
    await expect(client.batchFeedback({ ...feedback, file: file() })).resolves.toMatchObject({ code: '10000' });
    expect(gateway.received).toHaveLength(3);
  });
});

describe("the caller's signal stays the hard bound", () => {
  it('aborts the attempt in flight (a 10-minute answer would outlast the test timeout)', async () => {
    const { gateway, client } = await setup(() => ({ delayMs: 600_000 }), { retry: { deadlineMs: 600_000 } });
    const controller = new AbortController();
    const pending = rejectionOf(client.batchFeedback({ ...feedback, file: file() }, { signal: controller.signal }));
    // Fired once the request is in, whatever the machine's load: the attempt in flight is what is cut.
    while (gateway.received.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    controller.abort(new DOMException('The caller gave up.', 'TimeoutError'));
    const error = await pending;
    expect(gateway.received).toHaveLength(1);
    // A caller's signal that fired with a TimeoutError (as AbortSignal.timeout's does) is TIMEOUT in
    // every transport (the documented reason); no attempt follows it all the same.
    expect(error).toMatchObject({ code: 'TRANSPORT_ERROR', reason: 'TIMEOUT' });
  });

  it('ends a backoff wait at once (a 10-minute wait would outlast the test timeout)', async () => {
    const { gateway, client } = await setup(() => ({ status: 503, raw: 'busy' }), { retry: { attempts: 5, deadlineMs: 6_000_000, baseDelayMs: 600_000, maxDelayMs: 600_000 } });
    const controller = new AbortController();
    const pending = rejectionOf(client.batchFeedback({ ...feedback, file: file() }, { signal: controller.signal }));
    while (gateway.received.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    await new Promise((resolve) => setTimeout(resolve, 50)); // the 503 is read, the wait has begun
    controller.abort();
    const error = await pending;
    expect(error).toMatchObject({ code: 'TRANSPORT_ERROR' });
    expect(gateway.received.length).toBeLessThanOrEqual(2);
  });
});
