import { defineConfig } from 'tsup';

export default defineConfig([
  {
    entry: { index: 'src/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    // Both builds run at once: cleaning must leave the bin's output alone.
    clean: ['!cli.js', '!cli.js.map'],
    target: 'es2022',
    splitting: true,
    treeshake: true,
  },
  {
    // The bin: ESM only (top-level await), with the shebang. Written to dist/ next to the library.
    entry: { cli: 'src/cli.ts' },
    format: ['esm'],
    sourcemap: true,
    clean: false,
    target: 'es2022',
    banner: { js: '#!/usr/bin/env node' },
  },
]);
