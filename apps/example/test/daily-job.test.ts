import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSandbox } from '@zhima/sandbox';
import { loanTemplateRules } from '@zhima/validator';
import { describe, expect, it, onTestFinished } from 'vitest';
import { runDailyJob, yesterdayInChina } from '../src/daily-job.js';

const APP = fileURLToPath(new URL('..', import.meta.url));

// PRC ID check character, computed from the standard's definition (2^(17-i) mod 11 weights) rather
// than the example's weight table.
function validId(id: string): boolean {
  const sum = [...id.slice(0, 17)].reduce((total, digit, i) => total + Number(digit) * (2 ** (17 - i) % 11), 0);
  const check = (12 - (sum % 11)) % 11;
  return id.length === 18 && id[17] === (check === 10 ? 'X' : String(check));
}

/** A sandbox on 127.0.0.1 that enforces the loan template, and the ZHIMA_* variables pointing at it. */
async function gatewayUnderTest() {
  const sandbox = await createSandbox({ rules: loanTemplateRules });
  const server = await sandbox.listen({ host: '127.0.0.1', port: 0 });
  onTestFinished(() => server.close());
  const dir = await mkdtemp(join(tmpdir(), 'zhima-example-'));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  const app = sandbox.apps[0]!;
  await writeFile(join(dir, 'app.pem'), app.privateKey!);
  await writeFile(join(dir, 'alipay.pem'), sandbox.alipayPublicKey);
  const env = { ZHIMA_APP_ID: app.appId, ZHIMA_GATEWAY: server.gatewayUrl, ZHIMA_PRIVATE_KEY_FILE: join(dir, 'app.pem'), ZHIMA_ALIPAY_PUBLIC_KEY_FILE: join(dir, 'alipay.pem') };
  return { sandbox, appId: app.appId, env };
}

describe('the daily T+1 job', () => {
  it('uploads yesterday\'s loans in several files to the gateway in ZHIMA_*; the sandbox holds each loan once, in template form', async () => {
    const { sandbox, appId, env } = await gatewayUnderTest();
    const lines: string[] = [];
    const now = new Date('2025-03-01T17:30:00Z'); // 01:30 on 2 March in China
    const summary = await runDailyJob({ env: { ...env, EXAMPLE_RECORDS: '5000', EXAMPLE_MAX_FILE_BYTES: '300000' }, log: (line) => lines.push(line), now });
    expect(summary.day).toBe('2025-03-01');
    expect(yesterdayInChina(new Date('2025-03-01T15:59:59Z'))).toBe('2025-02-28');
    expect(summary.ok).toBe(true);
    expect(summary.files.length).toBeGreaterThan(3);
    expect(summary.files.every((file) => file.outcome === 'accepted' && file.bytes <= 300_000)).toBe(true);
    // The sample holds a few mistyped ID numbers: held back before writing, everything else sent.
    expect(summary.quarantined.length).toBeGreaterThan(0);
    const sent = 5000 - summary.quarantined.length;
    expect(summary.recordsAccepted).toBe(sent);
    expect(lines.at(-1)).toContain(`${summary.files.length}/${summary.files.length} files accepted, ${sent}/5000 records, ${summary.quarantined.length} held back`);

    const stored = sandbox.records(appId);
    expect(stored).toHaveLength(sent);
    expect(new Set(stored.map((record) => `${record.order_no}|${record.pay_month}`)).size).toBe(sent);
    const held = new Set(summary.quarantined.map((record) => record.orderNo));
    expect(stored.some((record) => held.has(String(record.order_no)))).toBe(false);
    expect(summary.quarantined.every((record) => record.problems.some((problem) => problem.includes('MOD 11-2')))).toBe(true);
    for (const record of stored) {
      expect(validId(String(record.user_credentials_no))).toBe(true);
      expect(record.pay_month).toBe('2025-03');
      expect(['01', '02', '03', '04']).toContain(record.order_status);
      expect(String(record.create_amt)).toMatch(/^\d+\.\d{2}$/);
    }
  });

  it('runs end to end with no configuration (embedded sandbox)', async () => {
    const summary = await runDailyJob({ env: { EXAMPLE_RECORDS: '2000', EXAMPLE_MAX_FILE_BYTES: '200000' }, log: () => {} });
    expect(summary.ok).toBe(true);
    expect(summary.files.length).toBeGreaterThan(1);
    expect(summary.sandboxRecords).toBe(2000 - summary.quarantined.length);
  });

  it('`pnpm start` (src/main.ts) exits 0 against the sandbox and prints per-file lines and a summary', { timeout: 90_000 }, async () => {
    const { sandbox, appId, env } = await gatewayUnderTest();
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: APP, env: { ...process.env, ...env, EXAMPLE_RECORDS: '1500' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code, output).toBe(0);
    expect(output).toMatch(/accepted +loan-\d{4}-\d{2}-\d{2}-001\.json/);
    const [, sent, held] = /summary: 1\/1 files accepted, (\d+)\/1500 records, (\d+) held back/.exec(output)!;
    expect(Number(sent) + Number(held)).toBe(1500);
    expect(sandbox.records(appId)).toHaveLength(Number(sent));
  });

  it('refuses to send generated sample data to the production gateway', async () => {
    const { env } = await gatewayUnderTest();
    const { ZHIMA_GATEWAY: _gateway, ...production } = env;
    await expect(runDailyJob({ env: production, log: () => {} })).rejects.toThrow(/production gateway/);
  });
});
