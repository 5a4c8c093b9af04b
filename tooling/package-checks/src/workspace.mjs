// The published packages as npm sees them: every non-private package under packages/, packed with
// pnpm (which rewrites `workspace:` ranges exactly as `pnpm publish` does) into tarballs.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const repoRoot = new URL('../../../', import.meta.url).pathname;

/**
 * @typedef {{ name: string, dir: string, manifest: Record<string, any>, built: boolean }} PublishedPackage
 */

/**
 * Lists the published packages. `built` is false while a package has no source entry yet, so the
 * checks can name it instead of crashing on it.
 * @returns {PublishedPackage[]}
 */
export function publishedPackages() {
  const packagesDir = join(repoRoot, 'packages');
  return readdirSync(packagesDir)
    .map((folder) => join(packagesDir, folder))
    .filter((dir) => existsSync(join(dir, 'package.json')))
    .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) }))
    .filter(({ manifest }) => manifest.private !== true)
    .map(({ dir, manifest }) => ({ name: manifest.name, dir, manifest, built: existsSync(join(dir, 'src', 'index.ts')) }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * The entry points a package exports, as import specifiers (`@zhima/transport/undici`), without
 * `./package.json`.
 * @param {PublishedPackage} pkg
 */
export function entryPoints(pkg) {
  return Object.keys(pkg.manifest.exports ?? { '.': null })
    .filter((subpath) => subpath !== './package.json')
    .map((subpath) => (subpath === '.' ? pkg.name : `${pkg.name}/${subpath.slice(2)}`));
}

/**
 * Whether an entry point is ESM-only by design: its `exports` entry offers neither a `require` nor a
 * `default` condition, so CommonJS and node10 resolution are meant to fail for it.
 * @param {{ pkg: PublishedPackage, specifier: string }} options
 */
export function isEsmOnly({ pkg, specifier }) {
  const subpath = specifier === pkg.name ? '.' : `./${specifier.slice(pkg.name.length + 1)}`;
  const target = pkg.manifest.exports?.[subpath];
  return typeof target === 'object' && target !== null && !('require' in target) && !('default' in target) && 'import' in target;
}

/**
 * Packs one package with pnpm into `destination` and returns the tarball path.
 * @param {{ pkg: PublishedPackage, destination: string }} options
 */
export function packPackage({ pkg, destination }) {
  const out = execFileSync('pnpm', ['pack', '--pack-destination', destination, '--json'], { cwd: pkg.dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return JSON.parse(out.slice(out.indexOf('{'))).filename;
}

/**
 * Packs every built published package into a fresh temporary folder.
 * @returns {{ folder: string, tarballs: Map<string, string> }} tarball path by package name
 */
export function packAll({ packages = publishedPackages().filter((pkg) => pkg.built) } = {}) {
  const folder = mkdtempSync(join(tmpdir(), 'zhima-packs-'));
  return { folder, tarballs: new Map(packages.map((pkg) => [pkg.name, packPackage({ pkg, destination: folder })])) };
}

/**
 * Reads the manifest a tarball would publish.
 * @param {{ tarball: string }} options
 */
export function packedManifest({ tarball }) {
  return JSON.parse(execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' }));
}

/**
 * The file list inside a tarball, relative to the package root.
 * @param {{ tarball: string }} options
 */
export function packedFiles({ tarball }) {
  return execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
    .map((path) => path.replace(/^package\//, ''));
}

/** Fields every packed manifest must carry for npm users and provenance. */
export const REQUIRED_MANIFEST_FIELDS = ['files', 'license', 'repository', 'engines', 'types'];

/**
 * What is wrong with a packed manifest: leftover `workspace:` ranges and missing required fields.
 * @param {{ manifest: Record<string, any> }} options
 * @returns {string[]}
 */
export function manifestProblems({ manifest }) {
  const problems = REQUIRED_MANIFEST_FIELDS.filter((field) => manifest[field] === undefined).map((field) => `missing "${field}"`);
  for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
    for (const [dependency, range] of Object.entries(manifest[field] ?? {})) {
      if (String(range).startsWith('workspace:')) problems.push(`${field}.${dependency} is still "${range}"`);
    }
  }
  return problems;
}
