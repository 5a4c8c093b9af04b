import { defineConfig } from 'tsup';
import { libraryBuild } from '../../tsup.shared.js';

// Two builds write to dist/ at once, so neither cleans it.
const shared = { ...libraryBuild, clean: false } as const;

export default defineConfig([
  { ...shared, entry: { index: 'src/index.ts', 'undici/index': 'src/undici/index.ts' } },
  // ESM only: the contract suite registers vitest tests, and vitest cannot be loaded with require().
  { ...shared, entry: { 'testing/index': 'src/testing/index.ts' }, format: ['esm'] },
]);
