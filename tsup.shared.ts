import type { Options } from 'tsup';

/**
 * Build settings every library shares: ESM + CJS with separate `.d.ts`/`.d.cts`, ES2022, source maps.
 * Packages add their entries (and anything their entry layout needs) on top.
 */
export const libraryBuild = {
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  splitting: true,
  treeshake: true,
} satisfies Options;
