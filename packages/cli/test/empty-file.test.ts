import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COLUMNS, PRIMARY_KEY, records, runZhima, startGateway, tempDir, writeRecords } from './support.js';

const FLAGS = ['--columns', COLUMNS, '--primary-key', PRIMARY_KEY];

// A 0-record file is refused as `records-empty` (@zhima/validator's rule, reported by validate and send).
describe('a file with no records', () => {
  it.each([
    ['compact', '{"records":[]}'],
    ['pretty', '{\n  "records": [\n  ]\n}\n'],
  ])('zhima validate refuses a %s 0-record file, also with --records 0', { timeout: 90_000 }, async (_, text) => {
    const dir = await tempDir();
    await writeFile(join(dir, 'empty.json'), text);
    for (const extra of [[], ['--records', '0']]) {
      const result = await runZhima(['validate', 'empty.json', ...FLAGS, ...extra], { cwd: dir });
      expect(result.code).toBe(1);
      expect(result.stdout).toContain('empty.json: REJECTED');
      expect(result.stdout).toContain('records-empty');
      expect(result.stdout).toMatch(/nothing to send/i);
    }
    const json = await runZhima(['validate', 'empty.json', ...FLAGS, '--json'], { cwd: dir });
    const document = JSON.parse(json.stdout);
    expect(document.ok).toBe(false);
    expect(document.files[0].report.issues).toContainEqual(expect.objectContaining({ rule: 'records-empty', severity: 'error' }));
  });

  it('zhima send uploads nothing when one input holds no records', { timeout: 90_000 }, async () => {
    const dir = await tempDir();
    const gateway = await startGateway({ dir });
    await writeFile(join(dir, 'empty.json'), '{"records":[]}');
    const alone = await runZhima(['send', 'empty.json', ...FLAGS], { cwd: dir, env: gateway.env });
    expect(alone.code).toBe(4);
    expect(alone.stdout).toContain('records-empty');
    expect(alone.stdout).toContain('Nothing was sent');

    await writeRecords(join(dir, 'day.json'), records(0, 10));
    const together = await runZhima(['send', 'day.json', 'empty.json', ...FLAGS], { cwd: dir, env: gateway.env });
    expect(together.code).toBe(4);
    expect(gateway.sandbox.uploads({ appId: gateway.appId })).toEqual([]);
  });
});
