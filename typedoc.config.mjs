// `pnpm docs:api`: the API reference of every published entry point, from the TSDoc in the sources,
// into docs/api/ (git-ignored; CI can build it). Entry points follow each package's `exports`:
// `.` is src/index.ts, `./name` is src/name/index.ts or src/name.ts.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { entryPoints, publishedPackages } from './tooling/package-checks/src/workspace.mjs';

const sources = publishedPackages()
  .filter((pkg) => pkg.built)
  .flatMap((pkg) =>
    entryPoints(pkg).map((specifier) => {
      const subpath = specifier.slice(pkg.name.length + 1);
      const candidates = subpath === '' ? ['src/index.ts'] : [`src/${subpath}/index.ts`, `src/${subpath}.ts`];
      return candidates.map((file) => join(pkg.dir, file)).find((file) => existsSync(file));
    }),
  )
  .filter((file) => file !== undefined);

/** @type {Partial<import('typedoc').TypeDocOptions>} */
export default {
  name: 'zhima-sdk',
  entryPoints: sources,
  entryPointStrategy: 'resolve',
  plugin: ['./scripts/typedoc-entry-names.mjs'],
  tsconfig: './tsconfig.typedoc.json',
  out: 'docs/api',
  readme: 'README.md',
  // Source links without a git remote (scratch copies and CI clones may have none).
  disableGit: true,
  sourceLinkTemplate: 'https://github.com/zhima-sdk/zhima-sdk/blob/main/{path}#L{line}',
  excludePrivate: true,
  excludeInternal: true,
  // Report exports without TSDoc; `pnpm docs:coverage` also lists those without an @example.
  validation: { notExported: true, invalidLink: true, notDocumented: true },
  treatWarningsAsErrors: false,
};
