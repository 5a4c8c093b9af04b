import { defineConfig, type Options } from 'tsup';
import { libraryBuild } from '../../tsup.shared.js';

// Two builds write to dist/ at once, so neither cleans it.
const shared = { ...libraryBuild, clean: false } as const;

// The undici entry loads its optional peer with a top-level `await import()` in ESM and `require()` in
// CommonJS (src/undici/undici-module.ts); the flag picks the branch and esbuild drops the other.
// No code splitting or rollup tree-shaking here: tsup runs both for CommonJS on an ESM pass that keeps the `await`
// (and the two entries share no code: the root re-exports core).
const perFormat: Options['esbuildOptions'] = (options, { format }) => {
  options.define = { ...options.define, 'globalThis.__ZHIMA_CJS_BUILD__': String(format === 'cjs') };
  // The CommonJS build never reaches the `import.meta.url` of the ESM branch (src/undici/undici-module.ts).
  if (format === 'cjs') options.logOverride = { ...options.logOverride, 'empty-import-meta': 'silent' };
};

export default defineConfig([
  { ...shared, entry: { index: 'src/index.ts', 'undici/index': 'src/undici/index.ts', 'node-http/index': 'src/node-http/index.ts' }, splitting: false, treeshake: false, esbuildOptions: perFormat },
  // ESM only: the contract suite registers vitest tests, and vitest cannot be loaded with require().
  // The portable entry has the test data; the Node entry the suite, its servers and the throttling proxy.
  { ...shared, entry: { 'testing/index': 'src/testing/index.ts', 'testing/node': 'src/node/testing.ts' }, format: ['esm'] },
]);
