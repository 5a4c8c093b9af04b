// The public API of every published entry point, pinned: a removed or renamed export (or an
// accidental new one) changes a committed snapshot under test/exports/ and fails here. After an
// intended API change: `pnpm --filter @zhima/package-checks test -u` and commit the snapshot with a changeset.
import { describe, expect, it } from 'vitest';
import { declaredExportNames, runtimeExportNames } from '../src/export-names.mjs';
import { entryPoints, isEsmOnly, publishedPackages } from '../src/workspace.mjs';

const entries = publishedPackages()
  .filter((pkg) => pkg.built)
  .flatMap((pkg) => entryPoints(pkg).map((specifier) => [specifier, isEsmOnly({ pkg, specifier })] as const));

describe.each(entries)('%s', (specifier, esmOnly) => {
  const snapshotFile = `./exports/${specifier.replace('@zhima/', '').replaceAll('/', '__')}.json`;
  let esm: string[] | undefined;
  let declared: string[] | undefined;
  const esmNames = () => (esm ??= runtimeExportNames({ specifier, format: 'esm' }));
  const declaredNames = () => (declared ??= declaredExportNames({ specifier }));

  it('exports the committed names (runtime values and declared types)', async () => {
    const api = { values: esmNames(), typesOnly: declaredNames().filter((name) => !esmNames().includes(name)) };
    await expect(`${JSON.stringify(api, null, 2)}\n`).toMatchFileSnapshot(
      snapshotFile,
      `${specifier}'s export names changed. If intended: pnpm --filter @zhima/package-checks test -u, then commit test/exports/ with a changeset`,
    );
  });

  it('declares every runtime value it exports', () => {
    expect(esmNames().filter((name) => !declaredNames().includes(name))).toEqual([]);
  });

  it(esmOnly ? 'refuses require() (ESM-only by its exports)' : 'exposes the same values to require() as to import', () => {
    if (esmOnly) expect(() => runtimeExportNames({ specifier, format: 'cjs' })).toThrow(/ERR_PACKAGE_PATH_NOT_EXPORTED/);
    else expect(runtimeExportNames({ specifier, format: 'cjs' })).toEqual(esmNames());
  });
});
