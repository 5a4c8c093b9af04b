// The runtime matrix (src/runtimes/matrix.mjs, also `pnpm test:runtimes`): packed packages on Node,
// Bun, Deno and workerd, each running the sign/verify vectors, a small validation (and one of a file on
// disk where there is a file system) and fetch-transport requests against a 127.0.0.1 echo server.
// Each cell is a test; known failures run as expected failures.
import { beforeAll, describe, expect, it } from 'vitest';
import { isKnownIssue, KNOWN_ISSUES } from '../src/known-issues.mjs';
import { CHECK_NAMES, NOT_APPLICABLE } from '../src/runtimes/check-names.mjs';
import { formatMatrix, RUNTIMES, runMatrix } from '../src/runtimes/matrix.mjs';

let results: Awaited<ReturnType<typeof runMatrix>> = {};
beforeAll(async () => {
  results = await runMatrix();
  console.log(formatMatrix({ results }));
});

describe.each(RUNTIMES)('on %s', (runtime) => {
  const applicable = CHECK_NAMES.filter((check) => !(NOT_APPLICABLE as Record<string, string[]>)[runtime]?.includes(check));
  it.each(applicable.map((check) => [check, isKnownIssue(`${runtime} ${check}`)] as const))('%s', (check, known) => {
    const result = results[runtime]?.find((entry) => entry.check === check);
    expect(result, 'the runtime reported no result for this check').toBeDefined();
    if (known) expect(result!.ok, `known issue fixed? remove "${runtime} ${check}" from src/known-issues.mjs`).toBe(false);
    else expect(result!.ok, result!.detail).toBe(true);
  });
});

it('lists only known issues that name a real check or entry', () => {
  const keys = Object.keys(KNOWN_ISSUES);
  const matrixKeys = keys.filter((key) => RUNTIMES.some((runtime) => key.startsWith(`${runtime} `)));
  for (const key of matrixKeys) expect(CHECK_NAMES).toContain(key.slice(key.indexOf(' ') + 1));
});
