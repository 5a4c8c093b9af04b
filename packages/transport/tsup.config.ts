import { defineConfig } from 'tsup';

const shared = { dts: true, sourcemap: true, clean: false, target: 'es2022', splitting: true, treeshake: true } as const;

export default defineConfig([
  { ...shared, entry: { index: 'src/index.ts', 'undici/index': 'src/undici/index.ts' }, format: ['esm', 'cjs'] },
  // ESM only: the contract suite registers vitest tests, and vitest cannot be loaded with require().
  { ...shared, entry: { 'testing/index': 'src/testing/index.ts' }, format: ['esm'] },
]);
