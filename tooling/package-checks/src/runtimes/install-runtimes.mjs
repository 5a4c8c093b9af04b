// Installs the matrix's runtimes (runtimes/package.json, locked) with npm into .runtimes/, once per
// lockfile change, so a clean clone with only npm registry access gets the same binaries.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const packageDir = new URL('../../', import.meta.url).pathname;
const source = join(packageDir, 'runtimes');
export const runtimesDir = join(packageDir, '.runtimes');

/**
 * Installs (if needed) and returns the binary of each runtime.
 * @returns {{ bun: string, deno: string, workerd: string }}
 */
export function installRuntimes() {
  const lock = readFileSync(join(source, 'package-lock.json'), 'utf8');
  const installedLock = join(runtimesDir, 'package-lock.json');
  const upToDate = existsSync(installedLock) && readFileSync(installedLock, 'utf8') === lock && existsSync(join(runtimesDir, 'node_modules'));
  if (!upToDate) {
    mkdirSync(runtimesDir, { recursive: true });
    copyFileSync(join(source, 'package.json'), join(runtimesDir, 'package.json'));
    copyFileSync(join(source, 'package-lock.json'), installedLock);
    execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: runtimesDir, stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 });
  }
  const bin = (name) => join(runtimesDir, 'node_modules', '.bin', name);
  return { bun: bin('bun'), deno: bin('deno'), workerd: bin('workerd') };
}
