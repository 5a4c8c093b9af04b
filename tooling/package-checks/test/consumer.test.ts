// Consumer smoke test: every package packed, npm-installed from its tarball into a fresh project
// outside the workspace (no links), then imported as ESM, required as CommonJS and type-checked with
// moduleResolution node16 (ESM and CJS files) and bundler; the app project runs a sign + verify round
// trip (checked by node:crypto) and a small validation from both module systems.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsumerProject } from '../src/consumer-project.mjs';
import { runtimeExportNames } from '../src/export-names.mjs';
import { isKnownIssue } from '../src/known-issues.mjs';
import { entryPoints, isEsmOnly, packAll, publishedPackages } from '../src/workspace.mjs';

const requireHere = createRequire(import.meta.url);
const tsc = requireHere.resolve('typescript/bin/tsc');
const fixtures = new URL('./consumer/', import.meta.url).pathname;
const packages = publishedPackages().filter((pkg) => pkg.built);
// A Node user's typings; the versions the repo itself builds against.
const TYPES_NODE = { '@types/node': '^20.19.0' };

const folders: string[] = [];
let tarballs = new Map<string, string>();
beforeAll(() => {
  const packed = packAll({ packages });
  folders.push(packed.folder);
  tarballs = packed.tarballs;
});
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

/** Type-checks files in a project with the given compiler options; returns tsc's diagnostics. */
function typeCheck({ dir, name, files, compilerOptions }: { dir: string; name: string; files: string[]; compilerOptions: Record<string, unknown> }): string {
  const config = join(dir, `tsconfig.${name}.json`);
  writeFileSync(config, JSON.stringify({ compilerOptions: { strict: true, noEmit: true, skipLibCheck: false, target: 'es2022', ...compilerOptions }, files }));
  try {
    execFileSync(process.execPath, [tsc, '-p', config], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return '';
  } catch (error) {
    return String((error as { stdout?: string }).stdout ?? error);
  }
}

// Both with the DOM lib: the packages' types name WebCrypto and fetch types (see the known issue below).
const NODE16 = { module: 'node16', moduleResolution: 'node16', lib: ['es2022', 'dom'], types: ['node'] };
const BUNDLER = { module: 'esnext', moduleResolution: 'bundler', lib: ['es2022', 'dom'], types: ['node'] };

/**
 * The optional peers a package's entries import (vitest for a test-helper entry): a user of that entry
 * has them. Pinned to the version this workspace runs, so the newest major (which may need a newer
 * Node) does not sneak in through an open range.
 */
function peersOf({ name }: { name: string }): Record<string, string> {
  const manifest = JSON.parse(execFileSync('tar', ['-xzOf', tarballs.get(name)!, 'package/package.json'], { encoding: 'utf8' }));
  const peers = Object.keys(manifest.peerDependencies ?? {}).filter((peer) => !tarballs.has(peer));
  return Object.fromEntries(peers.map((peer) => [peer, JSON.parse(readFileSync(requireHere.resolve(`${peer}/package.json`), 'utf8')).version]));
}

describe.each(packages.map((pkg) => [pkg.name, pkg] as const))('%s installed alone from its tarball', (name, pkg) => {
  let dir = '';
  beforeAll(() => {
    dir = createConsumerProject({ install: [name], tarballs, extraDependencies: peersOf({ name }) });
    folders.push(dir);
  });

  it.each(entryPoints(pkg))('imports %s as ESM with the same names as the workspace build', (specifier) => {
    expect(runtimeExportNames({ specifier, format: 'esm', cwd: dir })).toEqual(runtimeExportNames({ specifier, format: 'esm' }));
  });

  it.each(entryPoints(pkg).map((specifier) => [specifier, isEsmOnly({ pkg, specifier })] as const))('requires %s as CommonJS (unless ESM-only: %s)', (specifier, esmOnly) => {
    const load = () => runtimeExportNames({ specifier, format: 'cjs', cwd: dir });
    if (esmOnly) expect(load).toThrow(/ERR_PACKAGE_PATH_NOT_EXPORTED/);
    else expect(load().length).toBeGreaterThan(0);
  });
});

describe.runIf(packages.some((pkg) => pkg.name === '@zhima/transport'))('@zhima/transport installed without its optional undici peer (a fetch-only or edge user)', () => {
  let dir = '';
  beforeAll(() => {
    dir = createConsumerProject({ install: ['@zhima/transport'], tarballs });
    folders.push(dir);
  });

  /** What loading `specifier` does in a Node process in the project: its export names, or its error. */
  const load = (specifier: string, format: 'esm' | 'cjs') => {
    const report = 'console.log(JSON.stringify(Object.keys(m)))';
    const fail = 'console.log(JSON.stringify({ message: e.message, code: e.code, causeCode: e.cause?.code }))';
    const script =
      format === 'esm'
        ? `import(${JSON.stringify(specifier)}).then((m) => ${report}, (e) => ${fail});`
        : `try { const m = require(${JSON.stringify(specifier)}); ${report} } catch (e) { ${fail} }`;
    // No NODE_PATH: pnpm's bin shims set one to this workspace's store, where require() would find undici.
    const env = { ...process.env, NODE_PATH: '' };
    return JSON.parse(execFileSync(process.execPath, [`--input-type=${format === 'esm' ? 'module' : 'commonjs'}`, '-e', script], { cwd: dir, encoding: 'utf8', env }));
  };

  it('gets no undici from npm', () => {
    expect(existsSync(join(dir, 'node_modules', 'undici'))).toBe(false);
  });

  it.each(['esm', 'cjs'] as const)('loads the root (the fetch transport) from %s', (format) => {
    expect(load('@zhima/transport', format)).toEqual(['createFetchTransport']);
  });

  it.each([
    ['esm', 'ERR_MODULE_NOT_FOUND'],
    ['cjs', 'MODULE_NOT_FOUND'],
  ] as const)('fails to load @zhima/transport/undici from %s with DEPENDENCY_MISSING saying to npm install undici (Node\'s %s as its cause)', (format, code) => {
    const error = load('@zhima/transport/undici', format);
    expect(error.code).toBe('DEPENDENCY_MISSING');
    expect(error.causeCode).toBe(code);
    expect(error.message).toMatch(/^@zhima\/transport\/undici needs the undici package, which is not installed .*Run: npm install undici@\^7/);
  });
});

describe('an app using every package from tarballs', () => {
  let dir = '';
  beforeAll(() => {
    const peers = Object.assign({}, ...packages.map((pkg) => peersOf(pkg)));
    dir = createConsumerProject({ install: packages.map((pkg) => pkg.name), tarballs, extraDependencies: { ...peers, ...TYPES_NODE } });
    folders.push(dir);
    for (const file of ['round-trip.cjs', 'esm.mjs', 'cjs.cjs']) copyFileSync(join(fixtures, file), join(dir, file));
    // The CommonJS file leaves out ESM-only entries, which CommonJS cannot load by design.
    const entries = packages.flatMap((pkg) => entryPoints(pkg).map((specifier) => ({ specifier, esmOnly: isEsmOnly({ pkg, specifier }) })));
    const consumer = (list: typeof entries) =>
      `${readFileSync(join(fixtures, 'typed.ts'), 'utf8')}\n${list.map(({ specifier }, k) => `import * as entry${k} from '${specifier}';\nexport const used${k} = entry${k};`).join('\n')}\n`;
    for (const file of ['typed.mts', 'typed.ts']) writeFileSync(join(dir, file), consumer(entries));
    writeFileSync(join(dir, 'typed.cts'), consumer(entries.filter(({ esmOnly }) => !esmOnly)));
  });

  it.each(['esm.mjs', 'cjs.cjs'])('%s: signs, verifies (node:crypto agrees), verifies a gateway answer and validates', (script) => {
    const result = JSON.parse(execFileSync(process.execPath, [script], { cwd: dir, encoding: 'utf8' }));
    expect(result).toEqual({
      verified: true,
      tamperedVerified: false,
      nodeAgrees: true,
      responseVerified: true,
      responseCode: '10000',
      validationOk: false,
      recordCount: 2,
      issueCodes: ['INVALID_PRIMARY_ARGUMENTS'],
    });
  });

  it.runIf(packages.some((pkg) => pkg.name === '@zhima/cli'))('runs the installed `zhima` bin: validate exits 0 for a valid file and 1 for a duplicate key', () => {
    const bin = join(dir, 'node_modules', '.bin', 'zhima');
    const validate = (records: object[]) => {
      writeFileSync(join(dir, 'records.json'), JSON.stringify({ records }));
      try {
        execFileSync(bin, ['validate', 'records.json', '--columns', 'order_no,pay_month', '--primary-key', 'order_no,pay_month'], { cwd: dir, stdio: 'pipe' });
        return 0;
      } catch (error) {
        return (error as { status: number }).status;
      }
    };
    const record = { order_no: 'LN1', pay_month: '2025-01' };
    expect(validate([record])).toBe(0);
    expect(validate([record, { ...record }])).toBe(1);
  });

  it('type-checks a consumer of every entry with node16 (ESM and CJS files), shipped .d.ts included', () => {
    expect(typeCheck({ dir, name: 'node16', files: ['typed.mts', 'typed.cts'], compilerOptions: NODE16 })).toBe('');
  });

  it('type-checks the same consumer with bundler resolution', () => {
    expect(typeCheck({ dir, name: 'bundler', files: ['typed.ts'], compilerOptions: BUNDLER })).toBe('');
  });

  (isKnownIssue('core types without dom lib') ? it.fails : it)('type-checks @zhima/core for a Node project without the DOM lib (@types/node only)', () => {
    writeFileSync(join(dir, 'core-only.mts'), "import * as core from '@zhima/core';\nexport const used = core;\n");
    expect(typeCheck({ dir, name: 'nodom', files: ['core-only.mts'], compilerOptions: { ...NODE16, lib: ['es2022'], types: ['node'] } })).toBe('');
  });
});
