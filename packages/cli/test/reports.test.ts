import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COLUMNS, PRIMARY_KEY, records, runZhima, startGateway, tempDir, writeRecords } from './support.js';

const FLAGS = ['--columns', COLUMNS, '--primary-key', PRIMARY_KEY];

describe('what reports show (the built bin)', () => {
  it('send shows validator warnings (here file-prefix-whitespace, which the gateway may refuse) and still sends', { timeout: 90_000 }, async () => {
    const dir = await tempDir();
    const gateway = await startGateway({ dir });
    await writeFile(join(dir, 'pretty.json'), JSON.stringify({ records: records(0, 10) }, null, 2));
    const result = await runZhima(['send', 'pretty.json', ...FLAGS], { cwd: dir, env: gateway.env });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('pretty.json: OK, the gateway would accept it');
    expect(result.stdout).toMatch(/warning JSON_PARSE_ERROR · file-prefix-whitespace \(1\)/);
    expect(result.stdout).toContain('1 warnings');
    expect(gateway.sandbox.storedRecords({ appId: gateway.appId })).toHaveLength(10);
  });

  it('--max-issues caps the issues kept (counts stay true), in validate and send, and as "maxIssues" in the config', { timeout: 120_000 }, async () => {
    const dir = await tempDir();
    const gateway = await startGateway({ dir });
    const list = records(0, 40);
    for (let k = 1; k < 40; k += 4) list[k] = { ...list[k - 1]! }; // 10 duplicate keys
    await writeRecords(join(dir, 'dup.json'), list);
    const validated = JSON.parse((await runZhima(['validate', 'dup.json', ...FLAGS, '--max-issues', '3', '--json'], { cwd: dir })).stdout);
    expect(validated.files[0].report).toMatchObject({ errorCount: 10, truncated: true });
    expect(validated.files[0].report.issues).toHaveLength(3);

    const sent = await runZhima(['send', 'dup.json', ...FLAGS, '--max-issues', '2', '--json'], { cwd: dir, env: gateway.env });
    expect(sent.code).toBe(4);
    const receipt = JSON.parse(sent.stdout);
    expect(receipt.inputs[0]).toMatchObject({ errorCount: 10, truncated: true });
    expect(receipt.inputs[0].issues).toHaveLength(2);

    await writeFile(join(dir, 'zhima.config.json'), JSON.stringify({ maxIssues: 4 }));
    const configured = JSON.parse((await runZhima(['validate', 'dup.json', ...FLAGS, '--json'], { cwd: dir })).stdout);
    expect(configured.files[0].report.issues).toHaveLength(4);
    const text = await runZhima(['validate', 'dup.json', ...FLAGS, '--max-issues', '1'], { cwd: dir });
    expect(text.stdout).toContain('--max-issues keeps more');
  });

  it('--sensitive-fields (and "sensitiveFields") masks the values of more fields in messages', { timeout: 120_000 }, async () => {
    const dir = await tempDir();
    // A field @zhima/validator does not mask by default (customer_name now is one of its defaults).
    const list = Array.from({ length: 5 }, (_, k) => ({ guarantor_name: `王小${'二三四五六'[k]}明`, pay_month: '2025-01' }));
    list[4] = { ...list[1]! };
    await writeRecords(join(dir, 'custom.json'), list);
    const flags = ['--columns', 'guarantor_name,pay_month', '--primary-key', 'guarantor_name,pay_month'];
    const plain = await runZhima(['validate', 'custom.json', ...flags], { cwd: dir });
    expect(plain.code).toBe(1);
    expect(plain.stdout).toContain('王小三明');
    const masked = await runZhima(['validate', 'custom.json', ...flags, '--sensitive-fields', 'guarantor_name'], { cwd: dir });
    expect(masked.code).toBe(1);
    expect(masked.stdout).not.toContain('王小三明');
    expect(masked.stdout).toContain('王***');
    await writeFile(join(dir, 'zhima.config.json'), JSON.stringify({ sensitiveFields: ['guarantor_name'] }));
    const configured = await runZhima(['validate', 'custom.json', ...flags], { cwd: dir });
    expect(configured.stdout).not.toContain('王小三明');
  });

  it('each issue names the 1-based record number and the masked primary key beside line:column, in validate and send, text and --json (a compact one-line file)', { timeout: 120_000 }, async () => {
    const dir = await tempDir();
    const gateway = await startGateway({ dir });
    const list: Record<string, string>[] = records(0, 20_000);
    // Record number 12,345: an ID-number-shaped order number (masked wherever it is shown) and no user_name.
    const bad: Record<string, string> = { order_no: '110105194912310021', pay_month: '2025-01' };
    list[12_344] = bad;
    const text = JSON.stringify({ records: list });
    await writeFile(join(dir, 'day.json'), text);
    // The oracle: where record 12,345 starts on the one line, counted in characters.
    const recordText = JSON.stringify(bad);
    const column = [...text.slice(0, text.indexOf(recordText))].length + 1;
    const maskedKey = { order_no: '110***********0021', pay_month: '2025-01' };

    const validated = await runZhima(['validate', 'day.json', ...FLAGS], { cwd: dir });
    expect(validated.code).toBe(1);
    expect(validated.stdout).toContain(`record 12345 (order_no 110***********0021, pay_month 2025-01), line 1:${column}`);
    expect(validated.stdout).not.toContain('110105194912310021');
    const document = JSON.parse((await runZhima(['validate', 'day.json', ...FLAGS, '--json'], { cwd: dir })).stdout);
    expect(document.files[0].report.issues).toEqual([
      expect.objectContaining({ rule: 'record-missing-column', recordIndex: 12_344, recordNumber: 12_345, primaryKey: maskedKey, line: 1, column }),
    ]);

    const sent = await runZhima(['send', 'day.json', ...FLAGS, '--json'], { cwd: dir, env: gateway.env });
    expect(sent.code).toBe(4);
    expect(sent.stderr).toContain(`record 12345 (order_no 110***********0021, pay_month 2025-01), line 1:${column}`);
    expect(JSON.parse(sent.stdout).inputs[0].issues).toEqual([expect.objectContaining({ recordNumber: 12_345, primaryKey: maskedKey, line: 1, column })]);
    expect(sent.stdout + sent.stderr).not.toContain('110105194912310021');
  });
});
