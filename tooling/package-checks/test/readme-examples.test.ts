import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The README examples headed `// name.mjs — node name.mjs` are run as a reader would run them: the file
// as written, the packages imported by name (as built, through this package's workspace links). What
// they print must show what the README says they print: each `// …` line after the last statement,
// and each `console.log(…); // …` comment, in order, whitespace aside (a README wraps long lines); a
// `…` in an expected line stands for anything.

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const HEADER = /^\/\/ (\S+\.mjs) — node \1$/;
// An aside in an expected line: `0 205 true b99c   (the same parts on every run)`.
const ASIDE = /\s{3,}\(.*\)$/;

interface Example {
  readme: string;
  name: string;
  code: string;
  expected: string[];
}

const collapse = (text: string) => text.replace(/\s+/g, ' ').trim();

function examplesOf(readme: string, text: string): Example[] {
  const examples: Example[] = [];
  for (const match of text.matchAll(/```js\n([\s\S]*?)```/g)) {
    const lines = match[1]!.trimEnd().split('\n');
    const name = HEADER.exec(lines[0]!)?.[1];
    if (name === undefined) continue;
    const expected: string[] = [];
    let last = lines.length;
    while (last > 1 && lines[last - 1]!.startsWith('//')) last--;
    for (const line of lines.slice(1, last)) {
      const inline = /^\s*console\.log\(.*\);\s*\/\/ (.+)$/.exec(line);
      if (inline !== undefined && inline !== null) expected.push(inline[1]!);
    }
    // Trailing comment lines: one printed line each, a line starting with two spaces continuing the one before.
    const trailing: string[] = [];
    for (const line of lines.slice(last)) {
      const body = line.replace(/^\/\/ ?/, '');
      if (/^\s{2}/.test(body) && trailing.length > 0) trailing[trailing.length - 1] += ` ${body}`;
      else trailing.push(body);
    }
    expected.push(...trailing);
    examples.push({ readme, name, code: lines.join('\n'), expected: expected.map((line) => collapse(line.replace(ASIDE, ''))).filter(Boolean) });
  }
  return examples;
}

const readmes = ['core', 'validator', 'transport', 'sandbox', 'cli'].map((name) => `packages/${name}/README.md`);
const examples = (
  await Promise.all(readmes.map(async (readme) => examplesOf(readme, await readFile(join(ROOT, readme), 'utf8').catch(() => ''))))
).flat();

let dir: string;
beforeAll(async () => {
  // Inside this package, so bare imports resolve to the workspace packages.
  dir = await mkdtemp(join(fileURLToPath(new URL('..', import.meta.url)), '.readme-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('README examples print what their READMEs say', () => {
  it('finds the runnable examples', async () => {
    expect(examples.length).toBeGreaterThanOrEqual(8);
    expect((await readdir(join(ROOT, 'packages'))).length).toBeGreaterThan(0);
  });

  for (const example of examples) {
    it(`${example.readme}: ${example.name}`, { timeout: 90_000 }, async () => {
      const path = join(dir, example.name);
      await writeFile(path, example.code);
      const { stdout } = await promisify(execFile)(process.execPath, [path], { cwd: dir, maxBuffer: 16 * 1024 * 1024 });
      const printed = collapse(stdout);
      let from = 0;
      for (const line of example.expected) {
        for (const piece of line.split('…').map((text) => text.trim()).filter(Boolean)) {
          const at = printed.indexOf(piece, from);
          expect(at, `${example.name} should print, after what came before: ${line}\n--- it printed:\n${stdout}`).toBeGreaterThanOrEqual(0);
          from = at + piece.length;
        }
      }
    });
  }
});
