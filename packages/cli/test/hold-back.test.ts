import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJson, runZhima, startGateway, tempDir, zhima } from './support.js';

// The oracle's own PRC ID check (GB 11643), written here, not taken from the validator.
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const checkChar = (id17: string) => '10X98765432'[[...id17].reduce((sum, digit, k) => sum + Number(digit) * WEIGHTS[k]!, 0) % 11]!;
const ID17 = '11010519491231002';
const GOOD_ID = `${ID17}${checkChar(ID17)}`;
const BAD_ID = `${ID17}${checkChar(ID17) === '1' ? '2' : '1'}`;

const RECORDS = 200_000;
const BAD = 20;

function loanRecord(i: number): Record<string, string> {
  return {
    user_name: `用户${i}`, user_credentials_type: '0', user_credentials_no: GOOD_ID, order_no: `LN${String(i).padStart(8, '0')}`, biz_type: '1', order_status: '04',
    create_amt: '19000.00', pay_month: '2025-01', gmt_ovd_date: '2025-01-15', overdue_days: '3', overdue_amt: '1000.00', gmt_pay: '2025-01-18 10:00:00', memo: '',
  };
}

// Seeded positions, so a failure can be replayed.
function badPositions(seed: number): number[] {
  const chosen = new Set<number>([RECORDS - 1]);
  let state = seed;
  while (chosen.size < BAD) {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    chosen.add(state % RECORDS);
  }
  return [...chosen].sort((a, b) => a - b);
}

const keyOf = (record: Record<string, unknown>) => `${String(record.order_no)}|${String(record.pay_month)}`;

interface QuarantineLine {
  input: string;
  recordNumber: number;
  recordIndex: number;
  primaryKey: Record<string, string> | null;
  issues: { code: string; rule: string; message: string; field?: string }[];
  record: string;
}

async function quarantineLines(path: string): Promise<QuarantineLine[]> {
  return (await readFile(path, 'utf8'))
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as QuarantineLine);
}

describe('zhima send --hold-back (a 200k-record file with 20 bad records)', () => {
  for (const layout of ['compact', 'pretty'] as const) {
    it(`sends 199,980 records and quarantines the 20 (${layout} JSON)`, { timeout: 240_000 }, async () => {
      const dir = await tempDir();
      const gateway = await startGateway({ dir });
      const list = Array.from({ length: RECORDS }, (_, i) => loanRecord(i));
      const bad = badPositions(layout === 'compact' ? 7 : 11);
      for (const i of bad) list[i]!.user_credentials_no = BAD_ID;
      const path = join(dir, 'loans.json');
      await writeFile(path, layout === 'compact' ? JSON.stringify({ records: list }) : JSON.stringify({ records: list }, null, 2));

      // The oracle: JSON.parse, its own check-character rule, a Set of keys.
      const parsed = (JSON.parse(await readFile(path, 'utf8')) as { records: Record<string, string>[] }).records;
      const failing = parsed.flatMap((record, i) => (record.user_credentials_no!.slice(17) === checkChar(record.user_credentials_no!.slice(0, 17)) ? [] : [i]));
      expect(failing).toEqual(bad);
      const expectedKeys = new Set(parsed.filter((_, i) => !failing.includes(i)).map(keyOf));
      // The record's bytes as they are in the file, built independently of our scanner.
      const originalText = (i: number) => (layout === 'compact' ? JSON.stringify(parsed[i]) : JSON.stringify(parsed[i], null, 2).replaceAll('\n', '\n    '));

      const run = await runZhima(['send', path, '--template', 'loan', '--hold-back', '--json'], { cwd: dir, env: gateway.env });
      expect(run.stderr).toContain(`held back ${path}: 20 records not sent`);
      expect(run.stderr).toMatch(/warning: 20 records were held back and NOT sent/);
      expect(run.code).toBe(6);

      const stored = gateway.sandbox.storedRecords({ appId: gateway.appId });
      expect(stored).toHaveLength(RECORDS - BAD);
      expect(new Set(stored.map(keyOf))).toEqual(expectedKeys);

      const receipt = JSON.parse(run.stdout) as {
        result: string;
        exitCode: number;
        holdBack: boolean;
        quarantine: string;
        inputs: { records: number; heldBack: number; ok: boolean }[];
        parts: { outcome: string; records: number; fileName: string }[];
        totals: { recordsAccepted: number; recordsHeldBack: number; heldBack: number; accepted: number };
      };
      expect(receipt).toMatchObject({ result: 'held-back', exitCode: 6, holdBack: true });
      expect(receipt.inputs).toEqual([expect.objectContaining({ records: RECORDS, heldBack: BAD, ok: true })]);
      expect(receipt.totals).toMatchObject({ recordsAccepted: RECORDS - BAD, recordsHeldBack: BAD, heldBack: 1 });
      const accepted = receipt.parts.filter((part) => part.outcome === 'accepted');
      // Over 50 MiB: split, and the parts leave the held-back records out.
      expect(accepted.length).toBeGreaterThan(1);
      expect(accepted.reduce((sum, part) => sum + part.records, 0)).toBe(RECORDS - BAD);
      expect(receipt.parts.filter((part) => part.outcome === 'held-back')).toEqual([expect.objectContaining({ records: BAD, fileName: receipt.quarantine.split('/').at(-1) })]);

      expect(receipt.quarantine).toBe(join(dir, '.zhima-journal', 'quarantine', `${receipt.quarantine.split('/').at(-1)!.replace('.jsonl', '')}.jsonl`));
      expect((await stat(receipt.quarantine)).mode & 0o777).toBe(0o600);
      const lines = await quarantineLines(receipt.quarantine);
      expect(lines.map((line) => line.recordNumber)).toEqual(bad.map((i) => i + 1));
      for (const [k, line] of lines.entries()) {
        const i = bad[k]!;
        expect(line.record).toBe(originalText(i));
        expect(JSON.parse(line.record)).toEqual(parsed[i]);
        expect(line.primaryKey).toEqual({ order_no: parsed[i]!.order_no, pay_month: '2025-01' });
        expect(line.issues).toEqual([expect.objectContaining({ code: 'INVALID_PARAMETER', rule: 'prc-id', field: 'user_credentials_no' })]);
        // Reasons are masked: the bad ID number never appears whole.
        expect(JSON.stringify(line.issues)).not.toContain(BAD_ID);
      }
      // The receipt in the journal says the same.
      expect(await readJson(join(dir, '.zhima-journal', 'receipts', `${receipt.quarantine.split('/').at(-1)!.replace('.jsonl', '')}.json`))).toMatchObject({ totals: { recordsHeldBack: BAD } });
    });
  }

  it('without --hold-back the file is still refused: nothing is sent', { timeout: 120_000 }, async () => {
    const dir = await tempDir();
    const gateway = await startGateway({ dir });
    const list = Array.from({ length: RECORDS }, (_, i) => loanRecord(i));
    for (const i of badPositions(3)) list[i]!.user_credentials_no = BAD_ID;
    const path = join(dir, 'loans.json');
    await writeFile(path, JSON.stringify({ records: list }));
    const run = await runZhima(['send', path, '--template', 'loan', '--json'], { cwd: dir, env: gateway.env });
    expect(run.code).toBe(4);
    expect(run.stderr).toContain('Nothing was sent');
    expect(gateway.sandbox.uploads({ appId: gateway.appId })).toEqual([]);
    const receipt = JSON.parse(run.stdout) as { quarantine: string | null; holdBack: boolean; inputs: { heldBack: number; errorCount: number }[] };
    expect(receipt).toMatchObject({ quarantine: null, holdBack: false, inputs: [{ heldBack: 0, errorCount: BAD }] });
  });
});

describe('zhima send with "holdBack": true in zhima.config.json', () => {
  it('holds back every copy of a repeated key, names the key (masked) and the record numbers', { timeout: 120_000 }, async () => {
    const dir = await tempDir();
    const gateway = await startGateway({ dir });
    const list = Array.from({ length: 2_000 }, (_, i) => loanRecord(i));
    // Record numbers 11, 1501 and 2000 share one key; number 700 has a bad ID number.
    list[1_500] = { ...loanRecord(1_500), order_no: list[10]!.order_no!, user_name: '李四' };
    list[1_999] = { ...loanRecord(1_999), order_no: list[10]!.order_no!, user_name: '王五' };
    list[699]!.user_credentials_no = BAD_ID;
    const path = join(dir, 'loans.json');
    await writeFile(path, JSON.stringify({ records: list }));
    await writeFile(join(dir, 'zhima.config.json'), JSON.stringify({ template: 'loan', holdBack: true }));

    // The oracle: the records whose key occurs more than once, and the bad ID.
    const counts = new Map<string, number[]>();
    list.forEach((record, i) => counts.set(keyOf(record), [...(counts.get(keyOf(record)) ?? []), i + 1]));
    const repeatedNumbers = [...counts.values()].filter((numbers) => numbers.length > 1);
    expect(repeatedNumbers).toEqual([[11, 1501, 2000]]);

    const run = await runZhima(['send', path, '--json'], { cwd: dir, env: gateway.env });
    expect(run.code).toBe(6);
    expect(run.stderr).toContain(`held back ${path}: 4 records not sent`);
    expect(run.stderr).toContain('repeated key (order_no LN00000010, pay_month 2025-01): records 11, 1501, 2000, every copy held back');
    const stored = gateway.sandbox.storedRecords({ appId: gateway.appId });
    expect(stored).toHaveLength(1_996);
    expect(stored.some((record) => record.order_no === 'LN00000010')).toBe(false);
    expect(stored.some((record) => record.order_no === 'LN00000699')).toBe(false);

    const receipt = JSON.parse(run.stdout) as { quarantine: string; inputs: { heldBack: number; repeatedKeys: { primaryKey: Record<string, string>; recordNumbers: number[] }[] }[] };
    // Receipts mask every key value (as their first and last primary keys are).
    expect(receipt.inputs[0]).toMatchObject({ heldBack: 4, repeatedKeys: [{ primaryKey: { order_no: 'LN0***0010', pay_month: '2******' }, recordNumbers: [11, 1501, 2000] }] });
    const lines = await quarantineLines(receipt.quarantine);
    expect(lines.map((line) => line.recordNumber)).toEqual([11, 700, 1501, 2000]);
    for (const line of lines) expect(JSON.parse(line.record)).toEqual(list[line.recordNumber - 1]);
    expect(lines.filter((line) => line.issues.some((issue) => issue.rule === 'primary-key-duplicate')).map((line) => line.recordNumber)).toEqual([11, 1501, 2000]);
    expect(lines[0]!.issues[0]!.message).toContain('11, 1501, 2000');
    // The names in the records are personal data: unmasked in the quarantine's records only, never in its reasons.
    expect(JSON.stringify(lines.map((line) => line.issues))).not.toContain('王五');
  });

  it('--dry-run --hold-back lists what would be held back, builds requests for the rest and writes nothing', { timeout: 90_000 }, async () => {
    const dir = await tempDir();
    const gateway = await startGateway({ dir });
    const list = Array.from({ length: 50 }, (_, i) => loanRecord(i));
    list[9]!.user_credentials_no = BAD_ID;
    await writeFile(join(dir, 'loans.json'), JSON.stringify({ records: list }));
    const run = await zhima(['send', 'loans.json', '--template', 'loan', '--hold-back', '--dry-run'], { cwd: dir, env: gateway.env });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('held back loans.json: 1 record not sent');
    expect(run.stdout).toContain('record 10 (order_no LN00000009, pay_month 2025-01)');
    expect(run.stdout).toMatch(/# loans\.part-001\.json \(49 records,/);
    expect(run.stdout).toContain('Dry run: 1 requests built, nothing sent.');
    expect(await readdir(dir)).not.toContain('.zhima-journal');
    expect(gateway.sandbox.uploads({ appId: gateway.appId })).toEqual([]);
  });
});
