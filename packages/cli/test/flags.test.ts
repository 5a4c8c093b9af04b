import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { COLUMNS, PRIMARY_KEY, records, runZhima, startGateway, tempDir } from './support.js';

const FLAGS = ['--columns', COLUMNS, '--primary-key', PRIMARY_KEY];

async function gbkFile(dir: string): Promise<string> {
  const path = join(dir, 'gbk.json');
  await writeFile(path, iconv.encode(JSON.stringify({ records: records(0, 300) }), 'gbk'));
  return path;
}

describe('one flag name per meaning in every command (the built bin)', () => {
  it('--file-charset is the records file charset in validate as in send', { timeout: 120_000 }, async () => {
    const dir = await tempDir();
    const gateway = await startGateway({ dir });
    await gbkFile(dir);
    const validated = await runZhima(['validate', 'gbk.json', ...FLAGS, '--file-charset', 'GBK'], { cwd: dir });
    expect(validated.code, validated.stderr).toBe(0);
    const sent = await runZhima(['send', 'gbk.json', ...FLAGS, '--file-charset', 'GBK'], { cwd: dir, env: gateway.env });
    expect(sent.code, sent.stderr).toBe(0);
    expect(gateway.sandbox.storedRecords({ appId: gateway.appId })).toEqual(records(0, 300));
  });

  it('--charset is refused everywhere with both flag names, so a merchant cannot mean one and get the other', { timeout: 120_000 }, async () => {
    const dir = await tempDir();
    const gateway = await startGateway({ dir });
    await gbkFile(dir);
    for (const command of ['validate', 'send']) {
      const result = await runZhima([command, 'gbk.json', ...FLAGS, '--charset', 'GBK'], { cwd: dir, env: gateway.env });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('--charset is not a flag');
      expect(result.stderr).toContain('--file-charset');
      expect(result.stderr).toContain('--request-charset');
    }
    expect(gateway.sandbox.uploads({ appId: gateway.appId })).toEqual([]);
  });

  it('a GBK file checked as UTF-8: the hint names --file-charset (the flag), never fileCharset (the library option), in validate and send', { timeout: 120_000 }, async () => {
    const dir = await tempDir();
    const gateway = await startGateway({ dir });
    await gbkFile(dir);
    for (const command of ['validate', 'send']) {
      const result = await runZhima([command, 'gbk.json', ...FLAGS], { cwd: dir, env: gateway.env });
      expect(result.code).not.toBe(0);
      expect(result.stdout).toMatch(/look like GBK: set --file-charset to GBK/);
      expect(result.stdout + result.stderr).not.toContain('fileCharset');
    }
  });

  it('--request-charset (ZHIMA_REQUEST_CHARSET, "requestCharset") is the request charset; the ambiguous ZHIMA_CHARSET and "charset" are refused by name', { timeout: 120_000 }, async () => {
    const dir = await tempDir();
    const gateway = await startGateway({ dir });
    await writeFile(join(dir, 'day.json'), JSON.stringify({ records: records(0, 5) }));
    const flag = await runZhima(['send', 'day.json', ...FLAGS, '--request-charset', 'gbk', '--dry-run'], { cwd: dir, env: gateway.env });
    expect(flag.code, flag.stderr).toBe(0);
    expect(flag.stdout).toMatch(/[?&]charset=gbk/);
    const sent = await runZhima(['send', 'day.json', ...FLAGS], { cwd: dir, env: { ...gateway.env, ZHIMA_REQUEST_CHARSET: 'gbk' } });
    expect(sent.code, sent.stderr).toBe(0);
    expect(gateway.sandbox.storedRecords({ appId: gateway.appId })).toHaveLength(5);

    const env = await runZhima(['send', 'day.json', ...FLAGS], { cwd: dir, env: { ...gateway.env, ZHIMA_CHARSET: 'gbk' } });
    expect(env.code).toBe(2);
    expect(env.stderr).toContain('ZHIMA_REQUEST_CHARSET');
    await writeFile(join(dir, 'zhima.config.json'), JSON.stringify({ charset: 'GBK' }));
    const config = await runZhima(['validate', 'day.json', ...FLAGS], { cwd: dir });
    expect(config.code).toBe(2);
    expect(config.stderr).toMatch(/"charset" is ambiguous: write "fileCharset" .* or "requestCharset"/);
    expect(gateway.sandbox.uploads({ appId: gateway.appId })).toHaveLength(1);
  });
});
