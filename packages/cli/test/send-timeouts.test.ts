import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
// The transport's own slow link (a TCP proxy on 127.0.0.1 forwarding at a fixed rate), reused, not copied.
import { startThrottleProxy } from '@zhima/transport/testing/node';
import { COLUMNS, PRIMARY_KEY, records, runZhima, spawnZhima, startGateway, tempDir, writeRecords } from './support.js';

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
  it('a gateway that takes the whole part and never answers is ended by --answer-timeout, named in the hint (also set as "answerTimeoutSeconds"); --timeout alone does not cut that wait', { timeout: 120_000 }, async () => {
    const dir = await tempDir();
    const gateway = await startGateway({ dir });
    const stall = await startStall();
    await writeRecords(join(dir, 'day.json'), records(0, 10));
    const env = { ...gateway.env, ZHIMA_GATEWAY: stall };
    const flag = await runZhima(['send', 'day.json', ...FLAGS, '--timeout', '1', '--answer-timeout', '2', '--attempts', '1'], { cwd: dir, env });
    expect(flag.code).toBe(1);
    expect(flag.stderr).toContain('reason TIMEOUT');
    expect(flag.stderr).toMatch(/hint: The whole part was handed to the network and no answer came within --answer-timeout 2 s\. .*raise --answer-timeout/);
    expect(flag.stderr).not.toMatch(/timeoutMs|headersTimeout|bodyTimeout/);
    expect(flag.stdout).toMatch(/run the same command again/i);

    await writeFile(join(dir, 'zhima.config.json'), JSON.stringify({ timeoutSeconds: 1, answerTimeoutSeconds: 1.5 }));
    const config = await runZhima(['send', 'day.json', ...FLAGS, '--attempts', '1'], { cwd: dir, env });
    expect(config.code).toBe(1);
    expect(config.stderr).toContain('no answer came within --answer-timeout 1.5 s');

    // --timeout 1 alone: the silent server is still waited on past 1 s (the answer wait is 120 s by default).
    await writeFile(join(dir, 'zhima.config.json'), '{}');
    const waiting = spawnZhima(['send', 'day.json', ...FLAGS, '--timeout', '1', '--attempts', '1'], { cwd: dir, env });
    const early = await Promise.race([waiting.exit.then(() => 'exited'), new Promise((resolve) => setTimeout(() => resolve('still waiting'), 4_000))]);
    waiting.child.kill();
    await waiting.exit;
    expect(early).toBe('still waiting');
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
    const target = { host: '127.0.0.1', port: Number(new URL(gateway.server.url).port) };
    const slow = await startThrottleProxy({ target, bytesPerSecond: 10 * 1024 * 1024 });
    onTestFinished(() => slow.stop());
    const moving = await runZhima(['send', 'big.json', ...flags], { cwd: dir, env: { ...gateway.env, ZHIMA_GATEWAY: `${slow.url}/gateway.do` } });
    expect(moving.code, moving.stderr).toBe(0);
    expect(gateway.sandbox.storedRecords({ appId: gateway.appId })).toHaveLength(160_000);
    expect(slow.forwardedBytes).toBeGreaterThan(38 * 1024 * 1024);

    // The link carries 6 MiB, then nothing: well before the last 8 MiB, so the client's writes visibly stop.
    const stalling = await startThrottleProxy({ target, bytesPerSecond: 10 * 1024 * 1024, stallAfterBytes: 6 * 1024 * 1024 });
    onTestFinished(() => stalling.stop());
    const run = spawnZhima(['send', 'big.json', ...flags, '--restart'], { cwd: dir, env: { ...gateway.env, ZHIMA_GATEWAY: `${stalling.url}/gateway.do` } });
    expect(await run.exit).toBe(1);
    expect(run.err()).toContain('reason TIMEOUT');
    expect(run.err()).toMatch(/upload stalled/);
    expect(run.err()).toMatch(/hint: Nothing moved for --timeout 3 s\./);
    expect(run.err()).not.toMatch(/\btimeoutMs\b/);
    expect(gateway.sandbox.uploads({ appId: gateway.appId })).toHaveLength(1);
  });

  it('--retry-deadline stops new attempts, and the message names --retry-deadline, not the library option (also set as "retryDeadlineSeconds")', { timeout: 120_000 }, async () => {
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
    expect(busy.sandbox.uploads({ appId: busy.appId })).toEqual([]);
  });

  it('refuses durations that are not a positive number of seconds', { timeout: 90_000 }, async () => {
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
