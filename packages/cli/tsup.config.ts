import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { defineConfig } from 'tsup';
import { libraryBuild } from '../../tsup.shared.js';

const BIN_CHUNKS = 'cli-chunks';
const started = Date.now();

// The bin's chunks are hashed; a rebuild writes new ones, so older files left in the folder are stale.
async function removeStaleChunks(): Promise<void> {
  const dir = join('dist', BIN_CHUNKS);
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if ((await stat(join(dir, name))).mtimeMs < started) await rm(join(dir, name));
  }
}

export default defineConfig([
  // Both builds run at once: cleaning must leave the bin's output alone.
  { ...libraryBuild, entry: { index: 'src/index.ts' }, clean: ['!cli.js', '!cli.js.map', `!${BIN_CHUNKS}/**`] },
  {
    // The bin: ESM only (top-level await), with the shebang. Each command is a chunk of its own,
    // imported only when it runs (zhima --help loads none of them).
    ...libraryBuild,
    entry: { cli: 'src/cli.ts' },
    format: ['esm'],
    dts: false,
    splitting: true,
    clean: false,
    esbuildOptions(options) {
      options.chunkNames = `${BIN_CHUNKS}/[name]-[hash]`;
    },
    onSuccess: removeStaleChunks,
    banner: { js: '#!/usr/bin/env node' },
  },
]);
