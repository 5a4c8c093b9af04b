import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

async function newestSource(dir: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? await newestSource(path) : (await stat(path)).mtimeMs);
  }
  return newest;
}

// The CLI tests run the built bin, as merchants do: a bin older than its sources would test old code.
export default async function checkBuiltBin(): Promise<void> {
  // Another build on purpose (ZHIMA_TEST_BIN, e.g. main's, to see tests fail before a fix).
  if (process.env.ZHIMA_TEST_BIN !== undefined) return;
  const built = await stat(join(ROOT, 'dist/cli.js')).catch(() => undefined);
  if (built === undefined || built.mtimeMs < (await newestSource(join(ROOT, 'src')))) {
    throw new Error('packages/cli/dist/cli.js is missing or older than src/: run `pnpm --filter @zhima/cli build` first (`pnpm test` at the root builds it).');
  }
}
