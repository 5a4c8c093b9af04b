import { defineConfig } from 'tsup';
import { libraryBuild } from '../../tsup.shared.js';

export default defineConfig([
  // Both builds run at once: cleaning must leave the bin's output alone.
  { ...libraryBuild, entry: { index: 'src/index.ts' }, clean: ['!cli.js', '!cli.js.map'] },
  {
    // The bin: ESM only (top-level await), with the shebang. Written to dist/ next to the library.
    ...libraryBuild,
    entry: { cli: 'src/cli.ts' },
    format: ['esm'],
    dts: false,
    splitting: false,
    clean: false,
    banner: { js: '#!/usr/bin/env node' },
  },
]);
