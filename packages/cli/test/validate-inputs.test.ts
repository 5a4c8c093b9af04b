import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COLUMNS, PRIMARY_KEY, records, runZhima, tempDir, writeRecords } from './support.js';

const FLAGS = ['--columns', COLUMNS, '--primary-key', PRIMARY_KEY];

// The plain oracle: what the gateway would say about a file, from JSON.parse and a Map of keys.
function oracle(bytes: Buffer): boolean {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return false;
  let list: Record<string, unknown>[];
  try {
    list = (JSON.parse(bytes.toString('utf8')) as { records: Record<string, unknown>[] }).records;
  } catch {
    return false;
  }
  if (!Array.isArray(list) || list.length === 0) return false;
  const keys = new Map<string, number>();
  for (const record of list) {
    const key = JSON.stringify([record.order_no, record.pay_month]);
    if (keys.has(key)) return false;
    keys.set(key, 1);
    if (COLUMNS.split(',').some((column) => typeof record[column] !== 'string')) return false;
  }
  return true;
}

/** A folder of day files: good ones (compact and pretty), a duplicate key, a BOM. */
async function dayFolder(dir: string): Promise<string> {
  const folder = join(dir, 'out');
  await mkdir(folder);
  await writeRecords(join(folder, 'a-good.json'), records(0, 3000));
  const duplicated = records(3000, 3000);
  duplicated[2500] = { ...duplicated[17]! };
  await writeRecords(join(folder, 'b-duplicate.json'), duplicated);
  await writeFile(join(folder, 'c-bom.json'), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify({ records: records(6000, 100) }))]));
  await writeFile(join(folder, 'd-good-pretty.json'), JSON.stringify({ records: records(7000, 2000) }, null, 2));
  // Not records files: skipped in a folder.
  await writeFile(join(folder, 'notes.txt'), 'not json');
  await writeFile(join(folder, '.zhima-journal.json'), JSON.stringify({ version: 1, accepted: {} }));
  return folder;
}

describe('zhima validate with several inputs (the built bin)', () => {
  it('checks every .json file of a folder, prints each report, exits 1 if any fails; verdicts match the oracle', { timeout: 120_000 }, async () => {
    const dir = await tempDir();
    const folder = await dayFolder(dir);
    const names = (await readdir(folder)).filter((name) => name.endsWith('.json') && !name.startsWith('.')).sort();
    const expected = await Promise.all(names.map(async (name) => ({ name: join('out', name), ok: oracle(await readFile(join(folder, name))) })));
    expect(expected.map((file) => file.ok)).toEqual([true, false, false, true]);

    const text = await runZhima(['validate', 'out', ...FLAGS], { cwd: dir });
    expect(text.code).toBe(1);
    for (const file of expected) expect(text.stdout).toContain(`${file.name}: ${file.ok ? 'OK' : 'REJECTED'}`);
    expect(text.stdout).toMatch(/INVALID_PRIMARY_ARGUMENTS/);
    expect(text.stdout).toMatch(/file-bom/);
    expect(text.stdout).toContain('Summary: 4 files: 2 OK, 2 REJECTED (out/b-duplicate.json, out/c-bom.json)');
    expect(text.stdout).not.toContain('.zhima-journal.json');
    expect(text.stderr).toBe('');

    const json = await runZhima(['validate', 'out', ...FLAGS, '--json'], { cwd: dir });
    expect(json.code).toBe(1);
    const document = JSON.parse(json.stdout);
    expect(document.ok).toBe(false);
    expect(document.files.map(({ name, ok }: { name: string; ok: boolean }) => ({ name, ok }))).toEqual(expected);
    expect(document.summary).toEqual({ files: 4, ok: 2, rejected: 2 });
    for (const file of document.files) expect(file.report.ok).toBe(file.ok);
    expect(document.files[0].report.recordCount).toBe(3000);
    expect(document.files[3].report.recordCount).toBe(2000);
  });

  it('takes several files, folders and - (standard input) together; exit 0 when every file passes', { timeout: 120_000 }, async () => {
    const dir = await tempDir();
    await writeRecords(join(dir, 'one.json'), records(0, 10));
    await mkdir(join(dir, 'more'));
    await writeRecords(join(dir, 'more', 'two.json'), records(10, 10));
    await writeRecords(join(dir, 'more', 'three.json'), records(20, 10));
    const stdin = Buffer.from(JSON.stringify({ records: records(30, 5) }));
    const result = await runZhima(['validate', 'one.json', 'more', '-', ...FLAGS, '--json'], { cwd: dir, stdin });
    expect(result.code, result.stderr).toBe(0);
    const document = JSON.parse(result.stdout);
    expect(document.files.map(({ name, ok, report }: { name: string; ok: boolean; report: { recordCount: number } }) => [name, ok, report.recordCount])).toEqual([
      ['one.json', true, 10],
      [join('more', 'three.json'), true, 10],
      [join('more', 'two.json'), true, 10],
      ['<stdin>', true, 5],
    ]);
    expect(document).toMatchObject({ ok: true, summary: { files: 4, ok: 4, rejected: 0 } });
  });

  it('a single file prints its report alone, without a summary', { timeout: 90_000 }, async () => {
    const dir = await tempDir();
    await writeRecords(join(dir, 'day.json'), records(0, 10));
    const result = await runZhima(['validate', 'day.json', ...FLAGS], { cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^day\.json: OK, the gateway would accept it\n {2}10 records, [^\n]+\n$/);
  });

  it('refuses --records with several files, and - given twice', { timeout: 90_000 }, async () => {
    const dir = await tempDir();
    await writeRecords(join(dir, 'one.json'), records(0, 10));
    await writeRecords(join(dir, 'two.json'), records(10, 10));
    const counted = await runZhima(['validate', 'one.json', 'two.json', ...FLAGS, '--records', '10'], { cwd: dir });
    expect(counted.code).toBe(2);
    expect(counted.stderr).toContain('--records is the record count of one file, and 2 files were given');
    const twice = await runZhima(['validate', '-', '-', ...FLAGS], { cwd: dir, stdin: Buffer.from('{"records":[]}') });
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain('Standard input (-) can be given only once');
  });
});
