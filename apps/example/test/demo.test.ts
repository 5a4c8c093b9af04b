import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

it('`pnpm demo` (src/demo.ts) runs several days with nothing installed; from day two on only the changed records are sent', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/demo.ts'], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', EXAMPLE_LOANS: '400', EXAMPLE_DAYS: '3', EXAMPLE_MAX_FILE_BYTES: '60000' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  expect(code, output).toBe(0);
  const days = [...output.matchAll(/(\d+) records: (\d+) unchanged, (\d+) sent \((\d+) accepted, 0 not\), (\d+) held back/g)].map((match) => match.slice(1).map(Number));
  expect(days).toHaveLength(3);
  const [first, second] = days as [number[], number[]];
  expect(first[1]).toBe(0); // the first day sends everything
  expect(first[2]! + first[4]!).toBe(first[0]);
  expect(second[2]).toBeGreaterThan(0);
  expect(second[2]).toBeLessThan(first[2]! / 5); // day two: the changes only
  expect(second[1]! + second[2]! + second[4]!).toBe(second[0]);
  expect(output).toMatch(/accepted +loan-\d{4}-\d{2}-\d{2}-run1-00[2-9]\.txt/); // day one in several files
  expect(output).toMatch(/held back \["LN\d+","\d{4}-\d{2}"\]: 身份证号 "\d{3}\*+[\dX]{4}"/);
  expect(output).toMatch(/the sandbox now holds \d+ records/);
});
