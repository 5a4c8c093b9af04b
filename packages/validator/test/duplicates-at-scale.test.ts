import { afterEach, describe, expect, it, vi } from 'vitest';
import { PrimaryKeyIndex } from '../src/unique/primary-key-index.js';
import { encode, hashByteKeysAsText, positionOf } from './helpers.js';
import {
  duplicatesByOracle,
  fileOf,
  INPUT_KINDS,
  LOAN_COLUMNS,
  LOAN_KEY,
  loanRecord,
  loansWithDuplicates,
  reportedDuplicates,
  seeded,
  validateAs,
  type Layout,
} from './loan-files.js';

// "A duplicate is never missed" (README), checked the way a merchant's files look: generated loan files
// of 5k to 100k records, one line or pretty-printed, duplicates placed early (the index is still small
// and grows before candidates are confirmed) and anywhere, no `records` count, every input kind, each
// verdict compared with JSON.parse + a Map.

const options = { columns: LOAN_COLUMNS, primaryKeyColumns: LOAN_KEY, maxFileBytes: Number.MAX_SAFE_INTEGER };

afterEach(() => {
  vi.restoreAllMocks();
});

/** Files for one size: a single duplicate among the first 3000 records; duplicates anywhere, one key three times. */
function filesOf(count: number, layout: Layout): { name: string; bytes: Uint8Array }[] {
  const random = seeded(count);
  const pick = (below: number) => Math.floor(random() * below);
  const early = 1 + pick(2999);
  const far = count - 1 - pick(count / 2);
  const third = count / 2 + pick(count / 2 - 1);
  const scattered: [number, number][] = [[pick(count / 2), far], [0, 1 + pick(2999)], [0, third]];
  return [
    { name: `one duplicate at record ${early}`, copies: [[pick(early), early]] as [number, number][] },
    { name: `duplicates at ${scattered.map(([, to]) => to).join(', ')}`, copies: scattered },
  ].map(({ name, copies }) => ({ name, bytes: fileOf(loansWithDuplicates({ count, seed: count + copies.length, copies }), layout) }));
}

describe.each([5_000, 20_000, 100_000])('%i loan records', (count) => {
  describe.each<Layout>(['compact', 'pretty'])('%s', (layout) => {
    const files = filesOf(count, layout);
    it.each(files.map((file) => [file.name, file] as const))('%s: found by every input kind, with and without the count', async (_name, { bytes }) => {
      const expected = duplicatesByOracle(bytes, LOAN_KEY);
      expect(expected.length).toBeGreaterThan(0);
      for (const { name } of INPUT_KINDS) {
        const report = await validateAs(name, bytes, options);
        expect({ name, found: reportedDuplicates(report) }).toEqual({ name, found: expected });
        expect(report.errorCount).toBe(expected.length);
      }
      // With the count (the index sized up front) and with a stream's size (it jumps to an estimate).
      for (const name of ['Uint8Array', 'validateFile'] as const) {
        expect(reportedDuplicates(await validateAs(name, bytes, { ...options, records: count }))).toEqual(expected);
      }
      for (const name of ['ReadableStream', 'AsyncIterable + readAt'] as const) {
        expect(reportedDuplicates(await validateAs(name, bytes, { ...options, totalBytes: bytes.length }))).toEqual(expected);
      }
    });
  });
});

/** Forces the index's 64-bit fingerprint down to 65521 values: hundreds of different keys collide. */
function forceCollisions(): void {
  const proto = PrimaryKeyIndex.prototype as unknown as { hash(values: readonly string[]): void };
  vi.spyOn(proto, 'hash').mockImplementation(function (this: { h1: number; h2: number }, values: readonly string[]) {
    let sum = 0;
    for (const value of values) for (let i = 0; i < value.length; i++) sum = (sum * 31 + value.charCodeAt(i)) % 65_521;
    this.h1 = 1;
    this.h2 = sum;
  });
  // Keys staged from bytes collide the same way.
  hashByteKeysAsText();
}

describe('fingerprint collisions between different keys', () => {
  it('with random access every duplicate is reported and no collision is, on every exact input kind', async () => {
    forceCollisions();
    // A candidate that proves to be another key joins the index with `add`.
    const collisions = vi.spyOn(PrimaryKeyIndex.prototype, 'add');
    for (const layout of ['compact', 'pretty'] as const) {
      const bytes = fileOf(loansWithDuplicates({ count: 8000, seed: 7, copies: [[3, 1500], [10, 2999], [10, 6000], [7998, 7999]] }), layout);
      const expected = duplicatesByOracle(bytes, LOAN_KEY);
      for (const { name, exact } of INPUT_KINDS) {
        if (!exact) continue;
        const report = await validateAs(name, bytes, options);
        expect({ name, layout, found: reportedDuplicates(report) }).toEqual({ name, layout, found: expected });
        expect(report.errorCount).toBe(expected.length);
      }
    }
    expect(collisions.mock.calls.length).toBeGreaterThan(1000);
  });

  it('a duplicate kept after candidates that proved to be collisions still gets its exact location', async () => {
    forceCollisions();
    // Room for two issues besides the columns warning: the first two candidates found are collisions,
    // so the duplicates reported after them were not located while scanning.
    const records = loansWithDuplicates({ count: 8000, seed: 7, copies: [[3, 6500], [10, 7000], [20, 7500]] });
    const text = JSON.stringify({ records });
    const starts: number[] = [];
    for (let i = 0, at = '{"records":['.length; i < records.length; at += JSON.stringify(records[i]).length + 1, i++) starts.push(at);
    const expected = duplicatesByOracle(encode(text), LOAN_KEY);
    for (const fileCharset of ['UTF-8', 'GBK'] as const) {
      for (const name of ['Uint8Array', 'validateFile', 'AsyncIterable + readAt'] as const) {
        const report = await validateAs(name, encode(text, fileCharset), { ...options, fileCharset, maxIssues: 3 });
        expect(reportedDuplicates(report)).toEqual(expected.slice(0, 2));
        for (const issue of report.issues.slice(1)) {
          expect({ name, fileCharset, byteOffset: issue.byteOffset, line: issue.line, column: issue.column }).toEqual({ name, fileCharset, ...positionOf(text, starts[issue.recordIndex!]!, fileCharset) });
        }
      }
    }
  });
});

/** A one-line file whose records all share `pay_month` values (12 months): almost every record repeats a key. */
function sharedKeyFile(count: number): { text: string; bytes: Uint8Array; starts: number[] } {
  const random = seeded(42);
  const parts = Array.from({ length: count }, (_, i) => JSON.stringify(loanRecord(i, random)));
  const starts: number[] = [];
  let at = '{"records":['.length;
  for (const part of parts) {
    starts.push(at);
    at += part.length + 1;
  }
  const text = `{"records":[${parts.join(',')}]}`;
  return { text, bytes: new TextEncoder().encode(text), starts };
}

describe('a one-line file where nearly every record repeats a key', () => {
  const file = sharedKeyFile(200_000);

  it.each(['Uint8Array', 'validateFile', 'AsyncIterable + readAt', 'ReadableStream'] as const)('200k records keyed on pay_month complete with the true counts (%s)', async (kind) => {
    const expected = duplicatesByOracle(file.bytes, ['pay_month']);
    expect(expected.length).toBe(200_000 - 12);
    const report = await validateAs(kind, file.bytes, { ...options, primaryKeyColumns: ['pay_month'] });
    expect(report).toMatchObject({ ok: false, recordCount: 200_000, errorCount: expected.length, truncated: true });
    // Kept: the columns warning (the loan columns exceed the documented 100 characters) and the first 999 duplicates.
    expect(report.issues.map((issue) => issue.rule)).toEqual(['param-max-length', ...Array<string>(999).fill('primary-key-duplicate')]);
    expect(reportedDuplicates(report)).toEqual(expected.slice(0, 999));
    // Each location read off the text itself: column = characters from the line start.
    for (const issue of report.issues.slice(1, 50)) {
      expect({ byteOffset: issue.byteOffset, line: issue.line, column: issue.column }).toEqual(positionOf(file.text, file.starts[issue.recordIndex!]!));
    }
  });

  it('keeps the counts true however few issues are kept', async () => {
    const expected = duplicatesByOracle(file.bytes, ['user_credentials_type']);
    for (const maxIssues of [0, 1, 10]) {
      const report = await validateAs('validateFile', file.bytes, { ...options, primaryKeyColumns: ['user_credentials_type'], maxIssues });
      expect(report).toMatchObject({ ok: false, errorCount: expected.length, warningCount: 1 });
      expect(report.issues).toHaveLength(maxIssues);
      expect(reportedDuplicates(report)).toEqual(expected.slice(0, Math.max(0, maxIssues - 1)));
    }
  });
});
