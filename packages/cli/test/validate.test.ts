import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COLUMNS, PRIMARY_KEY, records, tempDir, writeRecords, zhima } from './support.js';

// A widely published sample PRC ID number; its check character is recomputed below, not trusted.
const SAMPLE_ID = '11010519491231002X';
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const checkChar = (id17: string) => '10X98765432'[[...id17].reduce((sum, digit, k) => sum + Number(digit) * WEIGHTS[k]!, 0) % 11]!;

function loanRecord(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    user_name: '张三', user_credentials_type: '0', user_credentials_no: SAMPLE_ID, order_no: 'LN0001', biz_type: '1', order_status: '04',
    create_amt: '19000.00', pay_month: '2025-01', gmt_ovd_date: '2025-01-15', overdue_days: '3', overdue_amt: '1000.00', gmt_pay: '2025-01-18 10:00:00', memo: '',
    ...overrides,
  };
}

describe('zhima validate', () => {
  it('accepts a good file with exit 0 and says so', async () => {
    const dir = await tempDir();
    const file = await writeRecords(join(dir, 'good.json'), records(0, 50));
    const result = await zhima(['validate', file, '--columns', COLUMNS, '--primary-key', PRIMARY_KEY, '--records', '50'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('OK, the gateway would accept it');
    expect(result.stdout).toContain('50 records');
  });

  it('rejects a bad file with exit 1 and groups the issues by code and rule', async () => {
    const dir = await tempDir();
    const list = records(0, 10);
    list[3] = { ...list[1]! }; // duplicate primary key
    list[5] = { order_no: 'X', pay_month: '2025-01' } as Record<string, string>; // missing user_name
    const file = await writeRecords(join(dir, 'bad.json'), list);
    const result = await zhima(['validate', file, '--columns', COLUMNS, '--primary-key', PRIMARY_KEY, '--records', '11'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('REJECTED');
    expect(result.stdout).toMatch(/error INVALID_PRIMARY_ARGUMENTS · \S+ \(1\)/);
    expect(result.stdout).toMatch(/error INVALID_DATA_ARGUMENTS · records-count \(1\)/);
    expect(result.stdout).toContain('record 4 (order_no ORD00000001, pay_month 2025-01)'); // 1-based, with its key
  });

  it('prints the validator report as JSON with --json', async () => {
    const dir = await tempDir();
    const file = join(dir, 'broken.json');
    await writeFile(file, '{"records":[{"order_no":"A","pay_month":"2025-01","user_name":"x"},]}');
    const result = await zhima(['validate', file, '--columns', COLUMNS, '--primary-key', PRIMARY_KEY, '--json'], { cwd: dir });
    expect(result.code).toBe(1);
    // One shape for one file or many: { ok, files: [{ name, ok, report }], summary }.
    const document = JSON.parse(result.stdout);
    expect(document).toMatchObject({ ok: false, files: [{ name: file, ok: false }], summary: { files: 1, ok: 0, rejected: 1 } });
    const { report } = document.files[0];
    expect(report.ok).toBe(false);
    expect(report.errorCount).toBeGreaterThan(0);
    expect(report.issues[0]).toMatchObject({ code: 'JSON_PARSE_ERROR', line: 1 });
  });

  it('applies the loan template rules: a wrong ID check character is an INVALID_PARAMETER error', async () => {
    expect(checkChar(SAMPLE_ID.slice(0, 17))).toBe(SAMPLE_ID[17]);
    const dir = await tempDir();
    const good = join(dir, 'loan.json');
    await writeFile(good, JSON.stringify({ records: [loanRecord(), loanRecord({ order_no: 'LN0002' })] }));
    expect((await zhima(['validate', good, '--template', 'loan', '--records', '2'], { cwd: dir })).code).toBe(0);

    const bad = join(dir, 'loan-bad.json');
    await writeFile(bad, JSON.stringify({ records: [loanRecord({ user_credentials_no: `${SAMPLE_ID.slice(0, 17)}1` })] }));
    const result = await zhima(['validate', bad, '--template', 'loan', '--json'], { cwd: dir });
    expect(result.code).toBe(1);
    const { report } = JSON.parse(result.stdout).files[0];
    expect(report.issues).toContainEqual(expect.objectContaining({ code: 'INVALID_PARAMETER', field: 'user_credentials_no', recordIndex: 0 }));
    // Personal data is masked in messages.
    expect(result.stdout).not.toContain(SAMPLE_ID.slice(0, 17));
  });

  it('reads standard input for "-", and GBK files with --file-charset GBK', async () => {
    const dir = await tempDir();
    const bytes = new TextEncoder().encode(JSON.stringify({ records: records(0, 3) }));
    const result = await zhima(['validate', '-', '--columns', COLUMNS, '--primary-key', PRIMARY_KEY], { cwd: dir, stdin: bytes });
    expect(result.code).toBe(0);
    const iconv = await import('iconv-lite');
    const gbkBytes = iconv.encode(JSON.stringify({ records: records(0, 3) }), 'gbk');
    const gbk = await zhima(['validate', '-', '--columns', COLUMNS, '--primary-key', PRIMARY_KEY, '--file-charset', 'GBK'], { cwd: dir, stdin: new Uint8Array(gbkBytes) });
    expect(gbk.code).toBe(0);
    // The same GBK bytes declared as UTF-8 (the default) are not valid UTF-8.
    const undeclared = await zhima(['validate', '-', '--columns', COLUMNS, '--primary-key', PRIMARY_KEY], { cwd: dir, stdin: new Uint8Array(gbkBytes) });
    expect(undeclared.code).toBe(1);
  });

  it('draws a progress bar on a terminal for large files, and none in a pipe', async () => {
    const dir = await tempDir();
    const file = await writeRecords(join(dir, 'big.json'), records(0, 160_000));
    const flags = ['--columns', COLUMNS, '--primary-key', PRIMARY_KEY];
    const terminal = await zhima(['validate', file, ...flags], { cwd: dir, tty: true });
    expect(terminal.code).toBe(0);
    expect(terminal.stderr).toMatch(/validate .*big\.json \[#*-*\] +\d+% [\d.]+ MiB \d+ records/);
    expect(terminal.stderr.endsWith('\r\x1b[2K')).toBe(true);
    const piped = await zhima(['validate', file, ...flags], { cwd: dir });
    expect(piped.stderr).toBe('');
    expect(piped.stdout).toContain('160000 records');
  });

  it('exits 2 on usage errors with a hint', async () => {
    const dir = await tempDir();
    const noColumns = await zhima(['validate', 'x.json'], { cwd: dir });
    expect(noColumns.code).toBe(2);
    expect(noColumns.stderr).toContain('--columns is required');
    expect((await zhima(['validate', '--nope'], { cwd: dir })).code).toBe(2);
    expect((await zhima(['validate', '--help'], { cwd: dir })).stdout).toContain('Usage: zhima validate');
    expect((await zhima(['frobnicate'], { cwd: dir })).code).toBe(2);
  });
});
