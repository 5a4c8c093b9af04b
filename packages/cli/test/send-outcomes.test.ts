import { generateKeyPairSync } from 'node:crypto';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { maxLength } from '@zhima/validator';
import { describe, expect, it } from 'vitest';
import { COLUMNS, PRIMARY_KEY, readJson, records, runZhima, startGateway, tempDir, writeRecords } from './support.js';

const FLAGS = ['--columns', COLUMNS, '--primary-key', PRIMARY_KEY];
const RERUN_ADVICE = /run the same command again/i;

interface JournalFile {
  parts: Record<string, { outcome: string; fileName: string }>;
}

describe('zhima send: how each part ended, what to do next, and the exit code (the built bin)', () => {
  it('an answer that cannot be verified: the part is journalled "unverified", the run says the gateway may have it and to check the Alipay public key (exit 5); the rerun re-sends it and says why', { timeout: 120_000 }, async () => {
    const dir = await tempDir();
    const gateway = await startGateway({ dir });
    await writeRecords(join(dir, 'day.json'), records(0, 50));
    // A real Alipay-shaped public key that is not the sandbox's: the sandbox stores the file, its signed
    // answer fails verification.
    await writeFile(join(dir, 'other_alipay_public_key.pem'), generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }));
    const wrongKey = { ...gateway.env, ZHIMA_ALIPAY_PUBLIC_KEY_FILE: join(dir, 'other_alipay_public_key.pem') };

    const first = await runZhima(['send', 'day.json', ...FLAGS], { cwd: dir, env: wrongKey });
    expect(gateway.sandbox.uploads({ appId: gateway.appId })).toHaveLength(1);
    expect(first.code, first.stderr).toBe(5);
    expect(first.stdout).toMatch(/UNVERIFIED day\.json .*may have accepted it/);
    expect(first.stderr).toContain('error RESPONSE_UNVERIFIED');
    expect(first.stderr).toMatch(/hint: .*may have accepted day\.json.*Alipay public key \(--alipay-public-key-file/);
    expect(first.stdout).toMatch(/Summary: 1 parts: 0 sent, 0 already accepted \(journal\), 0 refused, 1 unverified, 0 failed/);
    expect(first.stdout + first.stderr).not.toMatch(RERUN_ADVICE);
    const journal = (await readJson(join(dir, '.zhima-journal', 'journal.json'))) as JournalFile;
    expect(Object.values(journal.parts)).toEqual([expect.objectContaining({ outcome: 'unverified', fileName: 'day.json' })]);

    const rerun = await runZhima(['send', 'day.json', ...FLAGS], { cwd: dir, env: gateway.env });
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stdout).toMatch(/resend +day\.json .*could not be verified.*safe: the gateway upserts by primary key/);
    expect(rerun.stdout).toMatch(/1 sent, 0 already accepted/);
    expect(gateway.sandbox.uploads({ appId: gateway.appId })).toHaveLength(2);
    expect(gateway.sandbox.storedRecords({ appId: gateway.appId })).toHaveLength(50);
    const after = (await readJson(join(dir, '.zhima-journal', 'journal.json'))) as JournalFile;
    expect(Object.values(after.parts)).toEqual([expect.objectContaining({ outcome: 'accepted' })]);
  });

  it('a part refused for its data (40004) lets the others go on: exit 3, no "run again" advice, the refusal is journalled and in the receipt', { timeout: 120_000 }, async () => {
    const dir = await tempDir();
    // The gateway's template allows user_name of 3 characters; the CLI is not told, so it passes validation.
    const gateway = await startGateway({ dir, options: { rules: { user_name: maxLength({ max: 3 }) } } });
    await writeRecords(join(dir, 'a.json'), records(0, 20).map((record) => ({ ...record, user_name: '张三' })));
    await writeRecords(join(dir, 'b.json'), records(20, 20));
    await writeRecords(join(dir, 'c.json'), records(40, 20).map((record) => ({ ...record, user_name: '李四' })));
    const result = await runZhima(['send', '.', ...FLAGS, '--json'], { cwd: dir, env: gateway.env });
    expect(result.code, result.stderr).toBe(3);
    expect(result.stderr).toMatch(/REFUSED +b\.json/);
    expect(result.stderr).toContain('sub_code INVALID_PARAMETER');
    expect(result.stderr).not.toMatch(RERUN_ADVICE);
    expect(gateway.sandbox.storedRecords({ appId: gateway.appId })).toHaveLength(40);
    const receipt = JSON.parse(result.stdout);
    expect(receipt.result).toBe('refused');
    expect(receipt.exitCode).toBe(3);
    expect(receipt.parts.map((part: { fileName: string; outcome: string }) => [part.fileName, part.outcome])).toEqual([
      ['a.json', 'accepted'],
      ['b.json', 'refused'],
      ['c.json', 'accepted'],
    ]);
    expect(receipt.parts[1].error).toMatchObject({ code: 'GATEWAY_ERROR', gatewayCode: '40004', subCode: 'INVALID_PARAMETER' });
    const journal = (await readJson(join(dir, '.zhima-journal', 'journal.json'))) as JournalFile;
    expect(Object.values(journal.parts).map((part) => part.outcome).sort()).toEqual(['accepted', 'accepted', 'refused']);
  });

  it('a transient failure stops the run with exit 1 and the advice to run again; a run-scoped refusal stops it without that advice', { timeout: 120_000 }, async () => {
    const dir = await tempDir();
    const busy = await startGateway({ dir, faults: { seed: 1, unavailable: 1 } });
    await writeRecords(join(dir, 'day.json'), records(0, 10));
    const transient = await runZhima(['send', 'day.json', ...FLAGS, '--attempts', '2'], { cwd: dir, env: busy.env });
    expect(transient.code).toBe(1);
    expect(transient.stdout).toMatch(RERUN_ADVICE);

    // A private key the gateway does not know: a signature refusal, the same for every rerun.
    await writeFile(join(dir, 'other.pem'), generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const gateway = await startGateway({ dir: join(dir) });
    const refused = await runZhima(['send', 'day.json', ...FLAGS, '--private-key-file', 'other.pem', '--journal', 'j2'], { cwd: dir, env: gateway.env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('isv.invalid-signature');
    expect(refused.stdout + refused.stderr).not.toMatch(RERUN_ADVICE);
  });

  it('invalid input: nothing is sent, exit 4, and the run still leaves a receipt in the journal folder', { timeout: 120_000 }, async () => {
    const dir = await tempDir();
    const gateway = await startGateway({ dir });
    await writeRecords(join(dir, 'ok.json'), records(0, 10));
    await writeRecords(join(dir, 'dup.json'), [...records(10, 2), ...records(10, 1)]);
    const result = await runZhima(['send', '.', ...FLAGS], { cwd: dir, env: gateway.env });
    expect(result.code).toBe(4);
    expect(result.stdout).toContain('Nothing was sent');
    expect(gateway.sandbox.uploads({ appId: gateway.appId })).toEqual([]);
    const receipts = await readdir(join(dir, '.zhima-journal', 'receipts'));
    expect(receipts).toHaveLength(1);
    const receipt = (await readJson(join(dir, '.zhima-journal', 'receipts', receipts[0]!))) as { result: string; exitCode: number; inputs: { name: string; ok: boolean }[] };
    expect(receipt).toMatchObject({ result: 'nothing-sent', exitCode: 4 });
    expect(receipt.inputs.map((input) => [input.name, input.ok])).toEqual([
      ['dup.json', false],
      ['ok.json', true],
    ]);
  });
});
