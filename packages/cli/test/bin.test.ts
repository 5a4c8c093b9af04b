import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COLUMNS, PRIMARY_KEY, keyCounts, records, spawnZhima as run, startGateway, tempDir, until, writeRecords, zhima } from './support.js';

describe('the zhima bin', () => {
  it('`zhima sandbox` prints the env to use; `zhima send` with that env uploads; Ctrl-C stops the sandbox', { timeout: 90_000 }, async () => {
    const dir = await tempDir();
    const sandbox = run(['sandbox', '--port', '0', '--keys-dir', 'sandbox-keys'], { cwd: dir });
    await until(() => sandbox.out().includes('Ctrl-C'), 'the sandbox banner');
    const env = Object.fromEntries([...sandbox.out().matchAll(/^export (ZHIMA_\w+)=(.*)$/gm)].map((match) => [match[1]!, match[2]!]));
    expect(Object.keys(env).sort()).toEqual(['ZHIMA_ALIPAY_PUBLIC_KEY_FILE', 'ZHIMA_APP_ID', 'ZHIMA_GATEWAY', 'ZHIMA_PRIVATE_KEY_FILE']);
    expect(sandbox.out()).not.toContain('PRIVATE KEY-----');

    const file = await writeRecords(join(dir, 'day.json'), records(0, 20));
    const send = run(['send', file, '--columns', COLUMNS, '--primary-key', PRIMARY_KEY], { cwd: dir, env });
    expect(await send.exit).toBe(0);
    expect(send.out()).toContain('1 sent');

    const url = new URL(`/__sandbox/records?app_id=${env.ZHIMA_APP_ID}`, env.ZHIMA_GATEWAY);
    const stored = (await (await fetch(url)).json()) as { count: number };
    expect(stored.count).toBe(20);

    sandbox.child.kill('SIGINT');
    expect(await sandbox.exit).toBe(0);
  });

  it('Ctrl-C during `zhima send` stops it; the rerun sends only what the journal lacks', { timeout: 90_000 }, async () => {
    const dir = await tempDir();
    // Every answer is held back a little, so the run is still going when the signal arrives.
    const gateway = await startGateway({ dir, faults: { seed: 11, delay: 1, maxDelayMs: 600 } });
    for (let k = 0; k < 8; k++) await writeRecords(join(dir, `f${k}.json`), records(k * 100, 100));
    const send = run(['send', dir, '--columns', COLUMNS, '--primary-key', PRIMARY_KEY], { cwd: dir, env: gateway.env });
    await until(() => send.out().includes('sent '), 'the first accepted file');
    send.child.kill('SIGINT');
    const code = await send.exit;
    const sentBefore = send.out().split('\n').filter((line) => line.startsWith('sent ')).length;
    expect(sentBefore).toBeGreaterThanOrEqual(1);
    // Interrupted (exit 1) unless it had already finished every file when the signal came.
    expect(code).toBe(sentBefore === 8 ? 0 : 1);

    const rerun = await zhima(['send', dir, '--columns', COLUMNS, '--primary-key', PRIMARY_KEY], { cwd: dir, env: gateway.env });
    expect(rerun.code).toBe(0);
    expect(rerun.stdout).toContain(`${8 - sentBefore} sent, ${sentBefore} already accepted (journal), 0 refused, 0 unverified, 0 failed`);
    const counts = keyCounts(gateway.sandbox.storedRecords({ appId: gateway.appId }));
    expect(counts.size).toBe(800);
    expect([...counts.values()].every((count) => count === 1)).toBe(true);
  });

  it('exits 2 on a usage error and 1 on an invalid file', { timeout: 120_000 }, async () => {
    const dir = await tempDir();
    expect(await run(['nope'], { cwd: dir }).exit).toBe(2);
    const file = await writeRecords(join(dir, 'bad.json'), [...records(0, 1), ...records(0, 1)]);
    expect(await run(['validate', file, '--columns', COLUMNS, '--primary-key', PRIMARY_KEY], { cwd: dir }).exit).toBe(1);
  });
});
