// The README's configuration table and the CLI's option table (src/config/library-options.ts) say the
// same: every library option a row names is set, in the CLI, by that row's flag or variable.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { cliSettingOf, describeSetting, toCliWording } from '../src/config/library-options.js';

async function readmeRows(): Promise<{ flags: string; variables: string; config: string; options: string[] }[]> {
  const text = await readFile(new URL('../README.md', import.meta.url), 'utf8');
  const table = text.slice(text.indexOf('| flag | variable | config key |'));
  return table
    .split('\n')
    .slice(2)
    .filter((line) => line.startsWith('|'))
    .map((line) => line.split('|').map((cell) => cell.trim()))
    .map((cells) => ({ flags: cells[1]!, variables: cells[2]!, config: cells[3]!, options: [...cells[5]!.split('(')[0]!.matchAll(/`([^`]+)`/g)].map((match) => match[1]!) }));
}

describe('the option table', () => {
  it("the README's table is the code's: each library option's flag, variable and config key are on its row", async () => {
    const rows = await readmeRows();
    const options = rows.flatMap((row) => row.options);
    expect(options.length).toBeGreaterThan(15);
    for (const row of rows) {
      for (const option of row.options) {
        const setting = cliSettingOf({ option });
        expect(setting, option).toBeDefined();
        if (setting!.flag !== undefined) expect(row.flags, option).toContain(`\`${setting!.flag}\``);
        if (setting!.env !== undefined) expect(row.variables, option).toContain(`\`${setting!.env}\``);
        if (setting!.config !== undefined) expect(row.config, option).toContain(`\`${setting!.config}\``);
      }
    }
  });

  it('replaces exactly the option the error names, as a whole name, and nothing else', () => {
    expect(toCliWording({ text: 'the bytes look like GBK: set fileCharset to GBK', option: 'fileCharset' })).toBe('the bytes look like GBK: set --file-charset to GBK');
    // Another option in the same text stays: only the structured one is the error's.
    expect(toCliWording({ text: 'check alipayPublicKey and signType', option: 'signType' })).toBe('check alipayPublicKey and --sign-type');
    // Not inside longer names: file_charset, alipayPublicKeyFile, a dotted path.
    expect(toCliWording({ text: 'file_charset, charset, alipayPublicKeyFile', option: 'charset' })).toBe('file_charset, --request-charset, alipayPublicKeyFile');
    expect(toCliWording({ text: 'alipayPublicKeyFile or alipayPublicKey.', option: 'alipayPublicKey' })).toBe('alipayPublicKeyFile or --alipay-public-key-file.');
    expect(toCliWording({ text: 'raise retry.deadlineMs (600000 ms)', option: 'retry.deadlineMs' })).toBe('raise --retry-deadline (600000 ms)');
    expect(toCliWording({ text: 'check appAuthToken', option: 'appAuthToken' })).toBe('check ZHIMA_APP_AUTH_TOKEN');
    expect(toCliWording({ text: 'fileName must end in .txt', option: 'fileName' })).toBe('fileName must end in .txt');
    expect(toCliWording({ text: 'set fileCharset', option: undefined })).toBe('set fileCharset');
    expect(describeSetting({ option: 'gateway' })).toBe('--gateway, ZHIMA_GATEWAY or "gateway" in zhima.config.json');
  });
});
