// `pnpm check:packages`: publint and attw on the tarball each published package would upload.
// Fails on any publint error or warning and on any attw problem, except two that are by design and
// listed as notes: node10 (no `exports` support) resolving a subpath entry, and CommonJS or node10
// resolving an ESM-only entry (one whose `exports` entry has no `require` or `default` condition).
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { isEsmOnly, manifestProblems, packAll, packedManifest, publishedPackages } from './workspace.mjs';

const require = createRequire(import.meta.url);
const attwBin = join(dirname(require.resolve('@arethetypeswrong/cli/package.json')), 'dist', 'index.js');

/**
 * Runs attw on a tarball with the strict profile (node10, node16 from CJS and ESM, bundler).
 * @param {{ tarball: string, pkg: import('./workspace.mjs').PublishedPackage }} options
 * @returns {{ failures: string[], notes: string[] }}
 */
export function runAttw({ tarball, pkg }) {
  let out;
  try {
    out = execFileSync(process.execPath, [attwBin, tarball, '--format', 'json', '--profile', 'strict'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    // attw exits 1 when it finds problems; its JSON is still on stdout.
    out = /** @type {any} */ (error).stdout;
  }
  const { analysis } = JSON.parse(out);
  if (analysis.types === false) return { failures: ['attw: the package ships no types'], notes: [] };
  const failures = [];
  const notes = [];
  for (const problem of analysis.problems ?? []) {
    const text = `attw ${problem.kind} ${problem.entrypoint ?? ''} (${problem.resolutionKind ?? 'all'})`.replace('  ', ' ');
    const specifier = problem.entrypoint === '.' ? pkg.name : `${pkg.name}/${String(problem.entrypoint).slice(2)}`;
    const esmOnly = problem.entrypoint !== undefined && isEsmOnly({ pkg, specifier });
    if (esmOnly && problem.kind === 'NoResolution' && ['node10', 'node16-cjs'].includes(problem.resolutionKind)) notes.push(`${text}: ESM-only entry`);
    else if (problem.resolutionKind === 'node10' && problem.entrypoint !== '.') notes.push(`${text}: node10 has no subpath exports`);
    else failures.push(text);
  }
  return { failures, notes };
}

/**
 * Runs publint on a tarball's contents.
 * @param {{ tarball: string }} options
 * @returns {Promise<{ failures: string[], notes: string[] }>}
 */
export async function runPublint({ tarball }) {
  const bytes = readFileSync(tarball);
  const { messages, pkg } = await publint({ pack: { tarball: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) }, level: 'suggestion' });
  const format = (/** @type {any} */ message) => `publint ${message.type} ${message.code}: ${formatMessage(message, pkg, { color: false })}`;
  return {
    failures: messages.filter((message) => message.type !== 'suggestion').map(format),
    notes: messages.filter((message) => message.type === 'suggestion').map(format),
  };
}

/**
 * Checks every built published package; returns one row per package.
 * @returns {Promise<Array<{ name: string, failures: string[], notes: string[] }>>}
 */
export async function checkPackages() {
  const packages = publishedPackages();
  const { folder, tarballs } = packAll({ packages: packages.filter((pkg) => pkg.built) });
  try {
    const rows = [];
    for (const pkg of packages) {
      const tarball = tarballs.get(pkg.name);
      if (tarball === undefined) {
        rows.push({ name: pkg.name, failures: ['not built: no src/index.ts yet'], notes: [] });
        continue;
      }
      const manifest = manifestProblems({ manifest: packedManifest({ tarball }) }).map((problem) => `manifest: ${problem}`);
      const lint = await runPublint({ tarball });
      const types = runAttw({ tarball, pkg });
      rows.push({ name: pkg.name, failures: [...manifest, ...lint.failures, ...types.failures], notes: [...lint.notes, ...types.notes] });
    }
    return rows;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = await checkPackages();
  for (const row of rows) {
    console.log(`${row.failures.length === 0 ? 'ok  ' : 'FAIL'} ${row.name}`);
    for (const failure of row.failures) console.log(`     ✗ ${failure}`);
    for (const note of row.notes) console.log(`     · ${note}`);
  }
  process.exitCode = rows.some((row) => row.failures.length > 0) ? 1 : 0;
}
