// A fresh npm project outside the workspace with packed tarballs installed, as a user gets them: no
// workspace links, internal dependencies satisfied by the sibling tarballs (npm `overrides`), every
// other dependency from the npm registry.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packedManifest } from './workspace.mjs';

/**
 * The internal packages a package needs, transitively, by name.
 * @param {{ name: string, tarballs: Map<string, string> }} options
 * @returns {string[]}
 */
export function internalClosure({ name, tarballs }) {
  const seen = new Set([name]);
  const queue = [name];
  while (queue.length > 0) {
    const manifest = packedManifest({ tarball: /** @type {string} */ (tarballs.get(/** @type {string} */ (queue.shift()))) });
    for (const dependency of Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies })) {
      if (tarballs.has(dependency) && !seen.has(dependency)) {
        seen.add(dependency);
        queue.push(dependency);
      }
    }
  }
  return [...seen];
}

/**
 * Creates a project folder and npm-installs the given packages from their tarballs.
 * @param {{ install: string[], tarballs: Map<string, string>, extraDependencies?: Record<string, string>, prefix?: string }} options
 * @returns {string} the project folder
 */
export function createConsumerProject({ install, tarballs, extraDependencies = {}, prefix = 'zhima-consumer-' }) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const fileSpecs = Object.fromEntries([...tarballs].map(([name, tarball]) => [name, `file:${tarball}`]));
  const manifest = {
    name: 'zhima-consumer',
    private: true,
    version: '0.0.0',
    dependencies: { ...Object.fromEntries(install.map((name) => [name, fileSpecs[name]])), ...extraDependencies },
    // A published package asks for `@zhima/core@^x.y.z`; here that must be the tarball, not the registry.
    overrides: fileSpecs,
  };
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts', '--loglevel=error'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], timeout: 240_000 });
  return dir;
}
