import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { keyCounts, runZhima, startGateway, tempDir } from './support.js';

const COLUMNS = 'order_no,pay_month,user_name,memo';
const FLAGS = ['--columns', COLUMNS, '--primary-key', 'order_no,pay_month'];

const record = (k: number) => ({ order_no: `ORD${String(k).padStart(8, '0')}`, pay_month: '2025-01', user_name: `用户${k}`, memo: 'm'.repeat(150) });

/** A compact one-line records file of `count` records, generated as it is read (never held whole); `duplicateOf` repeats one key at the end. */
async function* generated(count: number, { duplicateOf }: { duplicateOf?: number } = {}): AsyncGenerator<Uint8Array> {
  const encoder = new TextEncoder();
  yield encoder.encode('{"records":[');
  for (let from = 0; from < count; from += 2000) {
    const batch = Array.from({ length: Math.min(2000, count - from) }, (_, k) => JSON.stringify(record(from + k)));
    yield encoder.encode((from > 0 ? ',' : '') + batch.join(','));
  }
  if (duplicateOf !== undefined) yield encoder.encode(`,${JSON.stringify(record(duplicateOf))}`);
  yield encoder.encode(']}');
}

const BYTES_PER_RECORD = JSON.stringify(record(123_456)).length + 1;

describe('standard input is streamed, never read whole (the built bin)', () => {
  it('`zhima validate -` on a large stdin: peak memory well under the input size; the verdict is right, a late duplicate found', { timeout: 180_000 }, async () => {
    const dir = await tempDir();
    const count = 700_000;
    const inputBytes = count * BYTES_PER_RECORD;
    expect(inputBytes).toBeGreaterThan(150 * 1024 * 1024);
    const rssFile = join(dir, 'rss');
    const good = await runZhima(['validate', '-', ...FLAGS], { cwd: dir, stdin: generated(count), maxRssFile: rssFile });
    expect(good.code, good.stdout).toBe(1); // one input of 150+ MiB is over the gateway's 50 MiB per file
    expect(good.stdout).toContain(`${count} records`);
    expect(good.stdout).toContain('file-too-large');
    expect(good.stdout).not.toContain('INVALID_PRIMARY_ARGUMENTS');
    const peak = Number(await readFile(rssFile, 'utf8'));
    // Reading it whole costs the input plus a copy (over 3x here); streamed, it stays near the runtime's baseline.
    expect(peak, `peak RSS ${(peak / 2 ** 20).toFixed(0)} MiB for ${(inputBytes / 2 ** 20).toFixed(0)} MiB of input`).toBeLessThan(inputBytes * 0.9);

    const duplicated = await runZhima(['validate', '-', ...FLAGS], { cwd: dir, stdin: generated(200_000, { duplicateOf: 17 }) });
    expect(duplicated.code).toBe(1);
    expect(duplicated.stdout).toMatch(/INVALID_PRIMARY_ARGUMENTS · primary-key-duplicate \(1\)/);
    expect(duplicated.stdout).toContain('record 200001 (order_no ORD00000017, pay_month 2025-01)'); // the 1-based number of the appended copy, and its key
  });

  it('`zhima send -` spools stdin to a private temporary file while validating, sends every part from disk, then removes it', { timeout: 120_000 }, async () => {
    const dir = await tempDir();
    const gateway = await startGateway({ dir });
    const spoolParent = join(dir, 'tmp');
    const { mkdir } = await import('node:fs/promises');
    await mkdir(spoolParent);
    const result = await runZhima(['send', '-', ...FLAGS, '--max-file-bytes', '1000000'], { cwd: dir, env: { ...gateway.env, TMPDIR: spoolParent }, stdin: generated(20_000) });
    expect(result.code, result.stderr).toBe(0);
    const sent = result.stdout.split('\n').filter((line) => line.startsWith('sent '));
    expect(sent.length).toBeGreaterThanOrEqual(4);
    expect(sent[0]).toContain('records.part-001.json');
    const counts = keyCounts(gateway.sandbox.storedRecords({ appId: gateway.appId }));
    expect(counts.size).toBe(20_000);
    expect([...counts.values()].every((count) => count === 1)).toBe(true);
    expect(gateway.sandbox.storedRecords({ appId: gateway.appId })[12_345]).toEqual(record(12_345));
    expect(await readdir(spoolParent)).toEqual([]);
    // The journal is in the working directory: a rerun of the same stdin skips every part.
    const again = await runZhima(['send', '-', ...FLAGS, '--max-file-bytes', '1000000'], { cwd: dir, env: { ...gateway.env, TMPDIR: spoolParent }, stdin: generated(20_000) });
    expect(again.stdout).toMatch(new RegExp(`0 sent, ${sent.length} already accepted`));

    // Invalid stdin: nothing sent, nothing left behind.
    const invalid = await runZhima(['send', '-', ...FLAGS, '--journal', 'j2'], { cwd: dir, env: { ...gateway.env, TMPDIR: spoolParent }, stdin: generated(100, { duplicateOf: 3 }) });
    expect(invalid.code).toBe(4);
    expect(await readdir(spoolParent)).toEqual([]);
  });
});
