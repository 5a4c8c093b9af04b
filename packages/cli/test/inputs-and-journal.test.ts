import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COLUMNS, PRIMARY_KEY, keyCounts, records, runZhima, startGateway, tempDir, writeRecords } from './support.js';

const FLAGS = ['--columns', COLUMNS, '--primary-key', PRIMARY_KEY];

describe('inputs are records files only; the journal sits beside them (the built bin)', () => {
  it('`zhima send .` in the folder holding zhima.config.json sends the day files, not the config; the journal is ./.zhima-journal and is named', { timeout: 120_000 }, async () => {
    const dir = await tempDir();
    const gateway = await startGateway({ dir });
    await writeFile(
      join(dir, 'zhima.config.json'),
      JSON.stringify({ appId: gateway.appId, privateKeyFile: 'app_private_key.pem', alipayPublicKeyFile: 'alipay_public_key.pem', gateway: gateway.server.gatewayUrl, columns: COLUMNS, primaryKeyColumns: PRIMARY_KEY }),
    );
    await writeRecords(join(dir, 'day-1.json'), records(0, 100));
    await writeRecords(join(dir, 'day-2.json'), records(100, 100));

    const checked = await runZhima(['validate', '.'], { cwd: dir });
    expect(checked.code, checked.stdout).toBe(0);
    expect(checked.stdout).not.toContain('zhima.config.json');

    const first = await runZhima(['send', '.'], { cwd: dir });
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(first.stdout).not.toContain('zhima.config.json');
    expect(first.stdout).toContain(`journal  ${join(dir, '.zhima-journal')}`);
    expect(gateway.sandbox.uploads({ appId: gateway.appId }).map((upload) => upload.fileName).sort()).toEqual(['day-1.json', 'day-2.json']);
    expect(await readdir(join(dir, '.zhima-journal'))).toEqual(expect.arrayContaining(['journal.json', 'receipts']));

    // The journal, its lock and receipts are never taken for inputs on the next run.
    const again = await runZhima(['send', '.'], { cwd: dir });
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(again.stdout).toMatch(/0 sent, 2 already accepted/);
    expect(gateway.sandbox.uploads({ appId: gateway.appId })).toHaveLength(2);

    const named = await runZhima(['send', 'zhima.config.json'], { cwd: dir });
    expect(named.code).toBe(2);
    expect(named.stderr).toContain('zhima.config.json is the zhima config file, not a records file');
  });

  it('`zhima send out` keeps its journal in out/ (beside the inputs), not in the parent folder', { timeout: 120_000 }, async () => {
    const dir = await tempDir();
    const gateway = await startGateway({ dir });
    await mkdir(join(dir, 'out'));
    await writeRecords(join(dir, 'out', 'day.json'), records(0, 10));
    const result = await runZhima(['send', 'out', ...FLAGS], { cwd: dir, env: gateway.env });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`journal  ${join(dir, 'out', '.zhima-journal')}`);
    expect(result.stdout).toContain(`Journal: ${join(dir, 'out', '.zhima-journal')}`);
    expect(await readdir(join(dir, 'out'))).toContain('.zhima-journal');
    expect((await readdir(dir)).filter((name) => name.startsWith('.zhima-journal'))).toEqual([]);
  });

  it('--restart sends every part again on purpose and says so; zhima journal lists what was sent, when, and how it ended', { timeout: 120_000 }, async () => {
    const dir = await tempDir();
    const gateway = await startGateway({ dir });
    await mkdir(join(dir, 'out'));
    await writeRecords(join(dir, 'out', 'a.json'), records(0, 10));
    await writeRecords(join(dir, 'out', 'b.json'), records(10, 10));
    expect((await runZhima(['send', 'out', ...FLAGS], { cwd: dir, env: gateway.env })).code).toBe(0);
    const restarted = await runZhima(['send', 'out', ...FLAGS, '--restart'], { cwd: dir, env: gateway.env });
    expect(restarted.code, restarted.stderr).toBe(0);
    expect(restarted.stdout).toContain('--restart');
    expect(restarted.stdout).toMatch(/resend +a\.json .*--restart sends it again/);
    expect(restarted.stdout).toMatch(/2 sent, 0 already accepted/);
    expect(gateway.sandbox.uploads({ appId: gateway.appId })).toHaveLength(4);
    expect([...keyCounts(gateway.sandbox.storedRecords({ appId: gateway.appId })).values()].every((count) => count === 1)).toBe(true);

    const listed = await runZhima(['journal', 'out'], { cwd: dir });
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toContain(`Journal ${join(dir, 'out', '.zhima-journal')}`);
    expect(listed.stdout).toMatch(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+08:00 +accepted +a\.json/);
    expect(listed.stdout).toMatch(/Runs \(2;/);
    expect(listed.stdout.match(/success +exit 0/g)).toHaveLength(2);

    const json = JSON.parse((await runZhima(['journal', '--journal', join('out', '.zhima-journal'), '--json'], { cwd: dir })).stdout);
    expect(json.parts.map((part: { fileName: string; outcome: string }) => `${part.fileName} ${part.outcome}`).sort()).toEqual(['a.json accepted', 'b.json accepted']);
    expect(json.runs.map((run: { result: string; totals: { accepted: number } }) => [run.result, run.totals.accepted])).toEqual([
      ['success', 2],
      ['success', 2],
    ]);
  });
});
