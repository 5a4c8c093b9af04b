// `pnpm size`: what @zhima/core costs a browser or edge bundle. esbuild bundles the package's ESM
// entry as a bundler would for the browser/default conditions (so `#rsa-engine` is the WebCrypto
// engine), dependencies included, minified, with code splitting: what the entry loads up front (the
// entry chunk and every chunk it imports statically) is measured together, gzipped, against the
// budget; what it only loads on first use through `import()` (certificate mode, the feedback family's
// other calls) is reported apart, since a user who never calls it never loads it.
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

/** The budget from the release issue: at most 25 KB (25 × 1024 bytes) minified and gzipped. */
export const CORE_BUDGET_BYTES = 25 * 1024;

const gzipped = (bytes) => gzipSync(bytes, { level: 9 }).byteLength;

/**
 * Bundles everything a package's entry exports and measures it: `minifiedBytes` / `gzippedBytes` for
 * what loads up front, `lazy` for each chunk loaded only on first use, `totalGzippedBytes` for all
 * of it bundled as one file (what a bundler without code splitting ships).
 * @param {{ specifier?: string, conditions?: string[] }} [options]
 * @returns {Promise<{ specifier: string, minifiedBytes: number, gzippedBytes: number, totalGzippedBytes: number, lazy: { file: string, minifiedBytes: number, gzippedBytes: number, inputs: string[] }[], inputs: string[] }>}
 */
export async function measureBundle({ specifier = '@zhima/core', conditions = [] } = {}) {
  const shared = {
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
  };
  const split = await build({ ...shared, splitting: true, outdir: '/size', entryNames: 'entry', chunkNames: 'chunk-[hash]' });
  const whole = await build(shared);
  const outputs = split.metafile.outputs;
  const contents = new Map(split.outputFiles.map((file) => [file.path, file.contents]));
  const key = (path) => Object.keys(outputs).find((name) => path.endsWith(name.replace(/^(\.\.\/)+/, '')));
  // The entry and what it imports statically, transitively: loaded before the first line runs.
  const upFront = new Set();
  const visit = (name) => {
    if (upFront.has(name)) return;
    upFront.add(name);
    for (const imported of outputs[name].imports) if (imported.kind === 'import-statement' && outputs[imported.path]) visit(imported.path);
  };
  visit(Object.keys(outputs).find((name) => outputs[name].entryPoint !== undefined));
  const bytesOf = (name) => contents.get([...contents.keys()].find((path) => key(path) === name));
  const upFrontBytes = Buffer.concat([...upFront].map(bytesOf));
  const inputsOf = (names) => [...new Set(names.flatMap((name) => Object.keys(outputs[name].inputs)))];
  return {
    specifier,
    minifiedBytes: upFrontBytes.byteLength,
    gzippedBytes: gzipped(upFrontBytes),
    totalGzippedBytes: gzipped(whole.outputFiles[0].contents),
    lazy: Object.keys(outputs)
      .filter((name) => !upFront.has(name) && !name.endsWith('.map'))
      .map((name) => ({ file: name.replace(/^.*\//, ''), minifiedBytes: bytesOf(name).byteLength, gzippedBytes: gzipped(bytesOf(name)), inputs: Object.keys(outputs[name].inputs) })),
    inputs: inputsOf([...upFront]),
  };
}

/** @param {number} bytes */
export const kilobytes = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

const shortName = (input) => input.replace(/^.*node_modules\//, '').replace(/^(\.\.\/)+packages\//, 'packages/');

if (import.meta.url === `file://${process.argv[1]}`) {
  const size = await measureBundle();
  const within = size.gzippedBytes <= CORE_BUDGET_BYTES;
  console.log(`${size.specifier}: ${kilobytes(size.minifiedBytes)} minified, ${kilobytes(size.gzippedBytes)} minified+gzipped up front (budget ${kilobytes(CORE_BUDGET_BYTES)}) ${within ? 'ok' : 'OVER BUDGET'}`);
  console.log(`  up front: ${size.inputs.map(shortName).join(', ')}`);
  for (const chunk of size.lazy) console.log(`  on first use: ${kilobytes(chunk.gzippedBytes)} minified+gzipped (${chunk.inputs.map(shortName).join(', ')})`);
  console.log(`  all of it as one bundle (no code splitting): ${kilobytes(size.totalGzippedBytes)} minified+gzipped`);
  process.exitCode = within ? 0 : 1;
}
