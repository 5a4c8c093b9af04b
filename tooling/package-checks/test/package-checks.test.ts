// publint and attw on each package's packed tarball (the same checks as `pnpm check:packages`), the
// packed manifest's required fields, and the size budget of @zhima/core.
import { describe, expect, it } from 'vitest';
import { checkPackages } from '../src/check-packages.mjs';
import { CORE_BUDGET_BYTES, kilobytes, measureBundle } from '../src/size.mjs';
import { publishedPackages } from '../src/workspace.mjs';

const packages = publishedPackages().filter((pkg) => pkg.built);
let rows: Awaited<ReturnType<typeof checkPackages>> | undefined;
const rowOf = async (name: string) => (rows ??= await checkPackages()).find((row) => row.name === name);

describe.each(packages.map((pkg) => pkg.name))('%s', (name) => {
  it('packs a manifest with files, license, repository, engines, types and no workspace: range; publint and attw find no problem', async () => {
    const row = await rowOf(name);
    expect(row?.failures).toEqual([]);
  });
});

it(`keeps @zhima/core within ${kilobytes(CORE_BUDGET_BYTES)} minified and gzipped for browsers and edge`, async () => {
  const size = await measureBundle();
  console.log(`@zhima/core: ${kilobytes(size.gzippedBytes)} minified+gzipped`);
  // The WebCrypto engine, not the node:crypto one, is what a browser bundle gets.
  expect(size.inputs.some((input) => input.endsWith('dist/rsa-engine.js'))).toBe(true);
  expect(size.inputs.some((input) => input.includes('/node/'))).toBe(false);
  expect(size.gzippedBytes).toBeLessThanOrEqual(CORE_BUDGET_BYTES);
});
