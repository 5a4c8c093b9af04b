// The runtime matrix (src/runtimes/matrix.mjs, also `pnpm test:runtimes`): packed packages on Node,
// Bun, Deno and workerd, each running the sign/verify vectors, a small validation (and one of a file on
// disk where there is a file system) and fetch-transport uploads against a 127.0.0.1 echo server that
// measures what arrives on the wire. Each cell is a test; known failures run as expected failures.
import { beforeAll, describe, expect, it } from 'vitest';
import { isKnownIssue, KNOWN_ISSUES } from '../src/known-issues.mjs';
import { CHECK_NAMES, NOT_APPLICABLE } from '../src/runtimes/check-names.mjs';
import { formatMatrix, RUNTIMES, runMatrix } from '../src/runtimes/matrix.mjs';

let results: Awaited<ReturnType<typeof runMatrix>>['results'] = {};
let wire: Awaited<ReturnType<typeof runMatrix>>['wire'] = {};
beforeAll(async () => {
  ({ results, wire } = await runMatrix());
  console.log(formatMatrix({ results, wire }));
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

// Issue 13: the gateway's access layer limits the chunks of an upload, so the fetch transport must
// send one with its length (or in chunks of at least 2 MiB) on every runtime, whatever the runtime's
// own fetch does with a stream; this reads what the echo server measured, not what the runtime says.
describe.each(RUNTIMES)('on %s the echo server received', (runtime) => {
  it.each(['transport fetch bytes', 'transport fetch stream'])('%s with a content-length, or in chunks of at least 2 MiB', (row) => {
    const record = wire[runtime]?.[row];
    expect(record?.shape, record?.text ?? 'no record').not.toBeNull();
    expect(record!.uploadShape, record!.text).toBe(true);
  });
});

it('lists only known issues that name a real check or entry', () => {
  const keys = Object.keys(KNOWN_ISSUES);
  const matrixKeys = keys.filter((key) => RUNTIMES.some((runtime) => key.startsWith(`${runtime} `)));
  for (const key of matrixKeys) expect(CHECK_NAMES).toContain(key.slice(key.indexOf(' ') + 1));
});
