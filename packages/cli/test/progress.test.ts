import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COLUMNS, PRIMARY_KEY, records, runZhima, startGateway, tempDir, writeRecords } from './support.js';

const FLAGS = ['--columns', COLUMNS, '--primary-key', PRIMARY_KEY];

describe('progress on a terminal, silence elsewhere (the built bin; stderr made a TTY by a preload, no tmux)', () => {
  it('a split input shows validation and the upload of every part (no splitting step: parts are planned while validating); a pipe gets no progress at all', { timeout: 120_000 }, async () => {
    const dir = await tempDir();
    const gateway = await startGateway({ dir });
    await writeRecords(join(dir, 'day.json'), records(0, 3000));
    const terminal = await runZhima(['send', 'day.json', ...FLAGS, '--max-file-bytes', '80000', '--journal', 'j1'], { cwd: dir, env: gateway.env, tty: true });
    expect(terminal.code, terminal.stderr).toBe(0);
    const parts = terminal.stdout.split('\n').filter((line) => line.startsWith('sent ')).length;
    expect(parts).toBeGreaterThanOrEqual(3);
    expect(terminal.stderr).toMatch(/\r\x1b\[2Kvalidate day\.json \[[#-]+\] +\d+%/);
    expect(terminal.stderr).not.toMatch(/split day\.json/);
    for (let part = 1; part <= parts; part++) {
      expect(terminal.stderr).toMatch(new RegExp(`\\r\\x1b\\[2Kupload day\\.part-${String(part).padStart(3, '0')}\\.json \\[[#-]+\\] +\\d+%`));
    }
    expect(terminal.stderr).toMatch(/upload day\.part-001\.json \[#{24}\] 100%/);

    const piped = await runZhima(['send', 'day.json', ...FLAGS, '--max-file-bytes', '80000', '--journal', 'j2'], { cwd: dir, env: gateway.env });
    expect(piped.code, piped.stderr).toBe(0);
    expect(piped.stderr).not.toMatch(/\r|\x1b\[/);
    expect(piped.stdout).not.toMatch(/\r|\x1b\[/);
  });

  it('validate shows progress for every file on a terminal, none on a pipe', { timeout: 90_000 }, async () => {
    const dir = await tempDir();
    await writeRecords(join(dir, 'a.json'), records(0, 100));
    await writeRecords(join(dir, 'b.json'), records(100, 100));
    const terminal = await runZhima(['validate', 'a.json', 'b.json', ...FLAGS], { cwd: dir, tty: true });
    expect(terminal.code).toBe(0);
    expect(terminal.stderr).toMatch(/validate a\.json \[/);
    expect(terminal.stderr).toMatch(/validate b\.json \[/);
    const piped = await runZhima(['validate', 'a.json', 'b.json', ...FLAGS], { cwd: dir });
    expect(piped.stderr).toBe('');
  });
});
