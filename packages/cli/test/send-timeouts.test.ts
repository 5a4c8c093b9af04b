import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
// The transport's own slow link (a TCP proxy on 127.0.0.1 forwarding at a fixed rate), reused, not copied.
import { startThrottlingProxy } from '../../transport/test/support/throttling-proxy.js';
import { COLUMNS, PRIMARY_KEY, records, runZhima, spawnZhima, startGateway, tempDir, until, writeRecords } from './support.js';

const FLAGS = ['--columns', COLUMNS, '--primary-key', PRIMARY_KEY];

/** An HTTP server that reads every request and never answers: a stalled gateway. */
async function startStall(): Promise<string> {
  const server = createHttpServer((request) => request.resume());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/gateway.do`;
}

describe('zhima send time limits: --timeout (inactivity) and --retry-deadline, each named when it ends a run (the built bin)', () => {
  it('--timeout ends an attempt where nothing moves, and the message names --timeout (also set as "timeoutSeconds")', { timeout: 60_000 }, async () => {
    const dir = await tempDir();
    const gateway = await startGateway({ dir });
    const stall = await startStall();
    await writeRecords(join(dir, 'day.json'), records(0, 10));
    const env = { ...gateway.env, ZHIMA_GATEWAY: stall };
    const flag = await runZhima(['send', 'day.json', ...FLAGS, '--timeout', '1', '--attempts', '1'], { cwd: dir, env });
    expect(flag.code).toBe(1);
    expect(flag.stderr).toContain('reason TIMEOUT');
    expect(flag.stderr).toMatch(/hint: Nothing moved for --timeout 1 s\. .*raise --timeout/);
    expect(flag.stderr).not.toMatch(/timeoutMs|headersTimeout|bodyTimeout/);
    expect(flag.stdout).toMatch(/run the same command again/i);

    await writeFile(join(dir, 'zhima.config.json'), JSON.stringify({ timeoutSeconds: 1.5 }));
    const config = await runZhima(['send', 'day.json', ...FLAGS, '--attempts', '1'], { cwd: dir, env });
    expect(config.code).toBe(1);
    expect(config.stderr).toContain('Nothing moved for --timeout 1.5 s');
  });

  it('over a slow link: an upload that keeps moving outlasts --timeout and is accepted; one the link stops carrying ends by inactivity, naming --timeout', { timeout: 120_000 }, async () => {
    const dir = await tempDir();
    const gateway = await startGateway({ dir });
    // About 40 MiB in one part over a link carrying 1 MiB per 100 ms: some 4 s in all, longer than
    // --timeout 3, while moving every 100 ms. The ~10 MiB that loopback socket buffers absorb drain in
    // about 1 s, and the sandbox answers in less than the rest of the timeout.
    const memo = 'm'.repeat(200);
    const list = records(0, 160_000).map((record) => ({ ...record, memo }));
    await writeRecords(join(dir, 'big.json'), list);
    const flags = ['--columns', `${COLUMNS},memo`, '--primary-key', PRIMARY_KEY, '--timeout', '3', '--attempts', '1'];
    const slow = await startThrottlingProxy({ target: gateway.server.url, bytesPerTick: 1024 * 1024, tickMs: 100 });
    onTestFinished(() => slow.close());
    const moving = await runZhima(['send', 'big.json', ...flags], { cwd: dir, env: { ...gateway.env, ZHIMA_GATEWAY: `${slow.url}/gateway.do` } });
    expect(moving.code, moving.stderr).toBe(0);
    expect(gateway.sandbox.records(gateway.appId)).toHaveLength(160_000);
    expect(slow.forwardedBytes()).toBeGreaterThan(38 * 1024 * 1024);

    const stalling = await startThrottlingProxy({ target: gateway.server.url, bytesPerTick: 1024 * 1024, tickMs: 100 });
    onTestFinished(() => stalling.close());
    const run = spawnZhima(['send', 'big.json', ...flags, '--restart'], { cwd: dir, env: { ...gateway.env, ZHIMA_GATEWAY: `${stalling.url}/gateway.do` } });
    await until(() => stalling.forwardedBytes() > 4 * 1024 * 1024, '4 MiB on the link');
    stalling.stall();
    expect(await run.exit).toBe(1);
    expect(run.err()).toContain('reason TIMEOUT');
    expect(run.err()).toMatch(/upload stalled/);
    expect(run.err()).toMatch(/hint: Nothing moved for --timeout 3 s\./);
    expect(run.err()).not.toMatch(/\btimeoutMs\b/);
    expect(gateway.sandbox.uploads(gateway.appId)).toHaveLength(1);
  });

  it('--retry-deadline stops new attempts, and the message names --retry-deadline, not the library option (also set as "retryDeadlineSeconds")', { timeout: 60_000 }, async () => {
    const dir = await tempDir();
    const busy = await startGateway({ dir, faults: { seed: 4, unavailable: 1 } });
    await writeRecords(join(dir, 'day.json'), records(0, 10));
    const flag = await runZhima(['send', 'day.json', ...FLAGS, '--attempts', '50', '--retry-deadline', '1'], { cwd: dir, env: busy.env });
    expect(flag.code).toBe(1);
    expect(flag.stderr).toMatch(/error TRANSPORT_ERROR: The retry deadline \(--retry-deadline 1 s\) left no time for another attempt after: GATEWAY_ERROR/);
    expect(flag.stderr).toMatch(/hint: Raise --retry-deadline/);
    expect(flag.stderr).not.toContain('deadlineMs');

    await writeFile(join(dir, 'zhima.config.json'), JSON.stringify({ retryDeadlineSeconds: 0.5 }));
    const config = await runZhima(['send', 'day.json', ...FLAGS, '--attempts', '50'], { cwd: dir, env: busy.env });
    expect(config.code).toBe(1);
    expect(config.stderr).toContain('--retry-deadline 0.5 s');
    expect(busy.sandbox.uploads(busy.appId)).toEqual([]);
  });

  it('refuses durations that are not a positive number of seconds', { timeout: 30_000 }, async () => {
    const dir = await tempDir();
    const gateway = await startGateway({ dir });
    await writeRecords(join(dir, 'day.json'), records(0, 10));
    for (const [flag, value] of [['--timeout', '0'], ['--retry-deadline', 'soon']]) {
      const result = await runZhima(['send', 'day.json', ...FLAGS, flag!, value!], { cwd: dir, env: gateway.env });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`${flag} must be a number of seconds above 0`);
    }
  });
});
