// `zhima template`: the feedback template's URL from zhima.data.feedbackurl.query, and the .xlsx the
// sandbox serves there, saved and read back with Python's zipfile (an independent zip reader).
import { execFileSync } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loanTemplate } from '@zhima/validator';
import { describe, expect, it } from 'vitest';
import { runZhima, startGateway, tempDir, zhima } from './support.js';

const MERCHANT = '2088102000000001';

const PYTHON_READER = `
import json, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as archive:
    print(json.dumps({'bad': archive.testzip(), 'names': sorted(archive.namelist()), 'sheet': archive.read('xl/worksheets/sheet1.xml').decode('utf-8')}))
`;

function readXlsx(path: string): { bad: string | null; names: string[]; sheet: string } {
  return JSON.parse(execFileSync('python3', ['-c', PYTHON_READER, path], { encoding: 'utf8' })) as { bad: string | null; names: string[]; sheet: string };
}

describe('zhima template (the built bin against the sandbox)', () => {
  it('prints the template URL and the trace id of the call; --json gives { feedbackUrl, traceId, requestId, savedTo }', { timeout: 120_000 }, async () => {
    const dir = await tempDir();
    const gateway = await startGateway({ dir });
    const text = await runZhima(['template', '--merchant-id', MERCHANT], { cwd: dir, env: gateway.env });
    expect(text.code, text.stderr).toBe(0);
    const [call] = gateway.sandbox.calls();
    expect(call).toMatchObject({ method: 'zhima.data.feedbackurl.query', code: '10000' });
    expect(text.stdout).toMatch(new RegExp(`^template ${gateway.server.url}/\\S+\\.xlsx\\?app_id=${gateway.appId}\\n`));
    expect(text.stdout).toContain(`trace_id ${call!.traceId}, alipay-request-id ${call!.requestId}`);
    expect(await readdir(dir)).not.toContain('8.xlsx');

    const json = await runZhima(['template', '--json'], { cwd: dir, env: { ...gateway.env, ZHIMA_MERCHANT_ID: MERCHANT } });
    expect(json.code, json.stderr).toBe(0);
    const second = gateway.sandbox.calls().at(-1)!;
    expect(JSON.parse(json.stdout)).toEqual({ feedbackUrl: expect.stringMatching(/\.xlsx\?app_id=/), traceId: second.traceId, requestId: second.requestId, savedTo: null });
  });

  it('--download saves the .xlsx (a zip Python reads, the loan columns in its header row), refuses to overwrite without --force', { timeout: 120_000 }, async () => {
    const dir = await tempDir();
    const gateway = await startGateway({ dir });
    await writeFile(join(dir, 'zhima.config.json'), JSON.stringify({ merchantId: MERCHANT }));
    const saved = await runZhima(['template', '--download', '--json'], { cwd: dir, env: gateway.env });
    expect(saved.code, saved.stderr).toBe(0);
    const document = JSON.parse(saved.stdout) as { feedbackUrl: string; savedTo: string };
    // The URL's file name (the sandbox's is <scene>.xlsx).
    expect(document.savedTo).toBe(join(dir, '8.xlsx'));
    const bytes = await readFile(document.savedTo);
    expect([...bytes.subarray(0, 4)]).toEqual([0x50, 0x4b, 0x03, 0x04]);
    const read = readXlsx(document.savedTo);
    expect(read.bad).toBeNull();
    expect(read.names).toContain('xl/worksheets/sheet1.xml');
    for (const column of loanTemplate.columns) expect(read.sheet).toContain(`<t>${column}</t>`);
    // The bytes are the ones the URL serves.
    expect(Buffer.compare(bytes, Buffer.from(await (await fetch(document.feedbackUrl)).arrayBuffer()))).toBe(0);

    await writeFile(document.savedTo, 'mine');
    const again = await runZhima(['template', '--download'], { cwd: dir, env: gateway.env });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(`usage error: ${document.savedTo} exists: nothing was saved.`);
    expect(again.stderr).toContain('--force');
    expect(await readFile(document.savedTo, 'utf8')).toBe('mine');
    const forced = await runZhima(['template', '--download', '--force'], { cwd: dir, env: gateway.env });
    expect(forced.code, forced.stderr).toBe(0);
    expect(Buffer.compare(await readFile(document.savedTo), bytes)).toBe(0);

    // A path: a file name, or a folder to save the URL's file name in.
    await mkdir(join(dir, 'templates'));
    const named = await runZhima(['template', '--download', 'loan-template.xlsx'], { cwd: dir, env: gateway.env });
    expect(named.code, named.stderr).toBe(0);
    expect(named.stdout).toContain(`saved    ${join(dir, 'loan-template.xlsx')}`);
    const folder = await runZhima(['template', `--download=templates`, '--merchant-id', MERCHANT], { cwd: dir, env: gateway.env });
    expect(folder.code, folder.stderr).toBe(0);
    expect(readXlsx(join(dir, 'templates', '8.xlsx')).bad).toBeNull();
  });

  it('a merchant id is required (flag, ZHIMA_MERCHANT_ID or "merchantId"): a usage error, nothing called; the help lists the command', { timeout: 120_000 }, async () => {
    const dir = await tempDir();
    const gateway = await startGateway({ dir });
    const missing = await runZhima(['template'], { cwd: dir, env: gateway.env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('usage error: No merchant id.');
    expect(missing.stderr).toContain('--merchant-id, ZHIMA_MERCHANT_ID or "merchantId" in zhima.config.json');
    const stray = await runZhima(['template', 'out.xlsx', '--merchant-id', MERCHANT], { cwd: dir, env: gateway.env });
    expect(stray.code).toBe(2);
    expect(stray.stderr).toContain('--download out.xlsx');
    expect(gateway.sandbox.calls()).toEqual([]);

    const help = await runZhima(['--help'], { cwd: dir });
    expect(help.stdout).toMatch(/^ {2}template --merchant-id/m);
    expect((await zhima(['template', '--help'], { cwd: dir })).stdout).toContain('Usage: zhima template');
  });

  it('a refused query prints the gateway code, the setting to fix (from error.option) and both ids; exit 1', { timeout: 120_000 }, async () => {
    const dir = await tempDir();
    const gateway = await startGateway({ dir });
    const refused = await runZhima(['template', '--merchant-id', MERCHANT], { cwd: dir, env: { ...gateway.env, ZHIMA_APP_ID: '2021000000000009' } });
    expect(refused.code).toBe(1);
    const call = gateway.sandbox.calls().at(-1)!;
    expect(call.subCode).toBe('isv.invalid-app-id');
    expect(refused.stderr).toContain('sub_code isv.invalid-app-id');
    expect(refused.stderr).toMatch(/hint: .*check --app-id and the environment/);
    expect(refused.stderr).not.toMatch(/hint: .*\bappId\b/);
    expect(refused.stderr).toContain('setting: --app-id, ZHIMA_APP_ID or "appId" in zhima.config.json');
    expect(refused.stderr).toContain(`trace_id ${call.traceId}, alipay-request-id ${call.requestId} (give both to Alipay support)`);
    expect(refused.stdout).toBe('');
  });
});
