// `pnpm size`: what @zhima/core costs a browser or edge bundle. esbuild bundles the package's ESM
// entry as a bundler would for the browser/default conditions (so `#rsa-engine` is the WebCrypto
// engine), dependencies included, minified; the number reported is that bundle gzipped.
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

/** The budget from the release issue: at most 25 KB (25 × 1024 bytes) minified and gzipped. */
export const CORE_BUDGET_BYTES = 25 * 1024;

/**
 * Bundles everything a package's entry exports and measures it.
 * @param {{ specifier?: string, conditions?: string[] }} [options]
 * @returns {Promise<{ specifier: string, minifiedBytes: number, gzippedBytes: number, inputs: string[] }>}
 */
export async function measureBundle({ specifier = '@zhima/core', conditions = [] } = {}) {
  const result = await build({
    stdin: { contents: `export * from '${specifier}';`, resolveDir: new URL('.', import.meta.url).pathname, loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    conditions,
    write: false,
    metafile: true,
    // Resolve as a consumer does: by package.json alone, not by core's own tsconfig `paths`.
    tsconfigRaw: '{}',
    logLevel: 'silent',
  });
  const code = result.outputFiles[0].contents;
  return {
    specifier,
    minifiedBytes: code.byteLength,
    gzippedBytes: gzipSync(code, { level: 9 }).byteLength,
    inputs: Object.keys(result.metafile.inputs),
  };
}

/** @param {number} bytes */
export const kilobytes = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

if (import.meta.url === `file://${process.argv[1]}`) {
  const size = await measureBundle();
  const within = size.gzippedBytes <= CORE_BUDGET_BYTES;
  console.log(`${size.specifier}: ${kilobytes(size.minifiedBytes)} minified, ${kilobytes(size.gzippedBytes)} minified+gzipped (budget ${kilobytes(CORE_BUDGET_BYTES)}) ${within ? 'ok' : 'OVER BUDGET'}`);
  console.log(`  bundled: ${size.inputs.map((input) => input.replace(/^.*node_modules\//, '').replace(/^\.\.\/\.\.\/packages\//, 'packages/')).join(', ')}`);
  process.exitCode = within ? 0 : 1;
}
