// The release dry run (scripts/release-dry.mjs) and the house rule that every published export has
// TSDoc with an @example (scripts/docs-coverage.mjs), run as CI runs tests.
import { spawnSync } from 'node:child_process';
import { expect, it } from 'vitest';

const root = new URL('../../../', import.meta.url).pathname;
const runScript = (script: string, args: string[] = []) => spawnSync(process.execPath, [`scripts/${script}`, ...args], { cwd: root, encoding: 'utf8' });

it('release:dry versions on a scratch copy, packs manifests without workspace: ranges, never versions private packages', () => {
  const { status, stdout, stderr } = runScript('release-dry.mjs');
  expect(`${stdout}${stderr}`).toContain('release:dry ok');
  expect(stdout).toMatch(/@zhima\/example\s+(\S+) → \1\s+\(private: never versioned or tagged\)/);
  expect(stdout).not.toContain('workspace:');
  expect(status).toBe(0);
});

it('documents every export of every published entry point with TSDoc and an @example', () => {
  const { status, stdout, stderr } = runScript('docs-coverage.mjs', ['--strict']);
  expect(stdout + stderr).toMatch(/ 0 without TSDoc or @example/);
  expect(status).toBe(0);
});
