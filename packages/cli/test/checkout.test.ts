import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { COLUMNS, PRIMARY_KEY, records, tempDir, writeRecords } from './support.js';

const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));

describe('runnable from a checkout before publication', () => {
  it('`pnpm zhima …` from the repo root runs the built command, with a clean stdout for --json', { timeout: 120_000 }, async () => {
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

describe('commands load when they run', () => {
  it('`zhima --help` statically imports no library: the bin and its static chunks import neither @zhima/* nor undici', async () => {
    const { readFile } = await import('node:fs/promises');
    const { dirname, resolve } = await import('node:path');
    const { BIN } = await import('./support.js');
    const seen = new Set<string>();
    const bare: string[] = [];
    const visit = async (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = await readFile(file, 'utf8');
      // Static imports only: `import … from '…'` and bare `import '…'`; dynamic import() is what stays lazy.
      for (const [, specifier] of text.matchAll(/^import\s+(?:[^'"]*?\sfrom\s+)?['"]([^'"]+)['"]/gm)) {
        if (specifier!.startsWith('.')) await visit(resolve(dirname(file), specifier!));
        else bare.push(specifier!);
      }
    };
    await visit(BIN);
    expect(seen.size).toBeGreaterThan(1);
    expect(bare.filter((specifier) => specifier.startsWith('@zhima/') || specifier.startsWith('undici'))).toEqual([]);
    const { spawnSync } = await import('node:child_process');
    expect(spawnSync(process.execPath, [BIN, '--help'], { encoding: 'utf8' }).stdout).toContain('Usage: zhima');
  });
});
