import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { COLUMNS, PRIMARY_KEY, records, tempDir, writeRecords } from './support.js';

const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));

describe('runnable from a checkout before publication', () => {
  it('`pnpm zhima …` from the repo root runs the built command, with a clean stdout for --json', { timeout: 60_000 }, async () => {
    const help = spawnSync('pnpm', ['zhima', '--help'], { cwd: REPO_ROOT, encoding: 'utf8' });
    expect(help.status, help.stderr).toBe(0);
    expect(help.stdout).toMatch(/^Usage: zhima <command>/);

    const dir = await tempDir();
    const file = await writeRecords(join(dir, 'day.json'), records(0, 20));
    const json = spawnSync('pnpm', ['zhima', 'validate', file, '--columns', COLUMNS, '--primary-key', PRIMARY_KEY, '--json'], { cwd: REPO_ROOT, encoding: 'utf8' });
    expect(json.status, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: true, summary: { files: 1, ok: 1 } });
  });
});
