import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateRecords, type Issue, type ValidationReport } from '../src/index.js';
import { encode, inChunks, options } from './helpers.js';
import { LOAN_COLUMNS, LOAN_KEY, loansWithDuplicates, validateAs } from './loan-files.js';

// Records offered to the fast path are split at each next `}` without looking for line feeds inside
// them; the byte proof counts those in its own pass and has the offer's lines corrected. These files put
// line feeds inside records (between tokens), around them and in values' neighbours, then check every
// located finding after them against the line and column the bytes themselves give.

/** Line and column (1-based, in characters) of a UTF-8 byte offset, counted from the bytes alone. */
function placeOf(bytes: Uint8Array, byteOffset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < byteOffset; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  let column = 1;
  // A character starts at every byte that is not a UTF-8 continuation byte.
  for (let i = lineStart; i < byteOffset; i++) if ((bytes[i]! & 0xc0) !== 0x80) column++;
  return { line, column };
}

/** Every finding with a byte offset, its line and column beside the ones the bytes give. */
function locatedAgainstBytes(report: ValidationReport, bytes: Uint8Array): { reported: Pick<Issue, 'rule' | 'line' | 'column'>[]; expected: Pick<Issue, 'rule' | 'line' | 'column'>[] } {
  const located = report.issues.filter((issue) => issue.byteOffset !== undefined);
  return {
    reported: located.map(({ rule, line, column }) => ({ rule, line, column })),
    expected: located.map(({ rule, byteOffset }) => ({ rule, ...placeOf(bytes, byteOffset!) })),
  };
}

const WHITESPACE = ['', ' ', '\n', '\r\n', '\n  ', '\t\n\t'];

describe('lines of records offered to the fast path', () => {
  // Most records flat and clean (so whole offers are proved from their bytes), some spread over lines
  // between their tokens, some repeating a primary key (located at the record), a few with a number
  // (the exact path, after the offers before it).
  const kind = fc.oneof({ arbitrary: fc.constant('plain'), weight: 30 }, { arbitrary: fc.constant('same-key'), weight: 1 }, { arbitrary: fc.constant('number'), weight: 1 });
  // Some files spread a record in five, some one in 200 (so an offer holds one, whose line feeds alone count).
  const spread = (compactWeight: number) =>
    fc.oneof({ arbitrary: fc.constant<string[] | undefined>(undefined), weight: compactWeight }, { arbitrary: fc.array(fc.constantFrom(...WHITESPACE), { minLength: 14, maxLength: 14 }), weight: 1 });
  const row = (compactWeight: number) => fc.tuple(kind, spread(compactWeight), fc.constantFrom(',', ',\n', '\n,', ' ,\r\n  '), fc.constantFrom('a', '张', '7'));
  const file = fc
    .constantFrom(4, 200)
    .chain((compactWeight) => fc.array(row(compactWeight), { minLength: 1, maxLength: 400, size: 'max' }))
    .map((rows) => {
    const records = rows.map(([kind, gaps, , value], i) => {
      const pairs: [string, string][] = [
        ['order_no', JSON.stringify(kind === 'same-key' ? 'LN0' : `LN${i}`)],
        ['pay_month', JSON.stringify('2025-01')],
        ['user_name', kind === 'number' ? String(i) : JSON.stringify(`${value}${i}`)],
      ];
      const gap = (k: number) => gaps?.[k] ?? '';
      return `{${gap(0)}${pairs.map(([key, text], k) => `"${key}"${gap(4 * k + 1)}:${gap(4 * k + 2)}${text}${gap(4 * k + 3)}`).join(`,${gap(13)}`)}}`;
    });
    const body = records.map((text, i) => (i === 0 ? text : rows[i]![2] + text)).join('');
    return encode(`{"records":[\n${body}\n]}`);
  });

  it('every finding after records spread over lines is on the line and column its bytes give, whatever the chunking', async () => {
    let checked = 0;
    await fc.assert(
      fc.asyncProperty(file, fc.integer({ min: 1, max: 5000 }), async (bytes, chunkSize) => {
        const report = await validateRecords({ input: inChunks(bytes, chunkSize), ...options, maxRecordBytes: 4096, maxIssues: 10_000 });
        const { reported, expected } = locatedAgainstBytes(report, bytes);
        checked += reported.length;
        expect(reported).toEqual(expected);
      }),
      { numRuns: 200 },
    );
    expect(checked).toBeGreaterThan(300);
  });
});

describe('lines at a merchant scale', () => {
  // 100k loan records, keys repeated far into the file and one record of another shape near its end.
  const count = 100_000;
  const records: Record<string, unknown>[] = loansWithDuplicates({ count, seed: 15, copies: [[3, 61_234], [70_000, 99_990]] });
  records[98_765] = { ...records[98_765], overdue_cnt: 1 };
  const layouts: [string, string][] = [
    ['pretty-printed (line feeds inside every record)', JSON.stringify({ records }, null, 2)],
    ['one record per line', `{"records":[\n${records.map((record) => JSON.stringify(record)).join(',\n')}\n]}`],
    ['one line', JSON.stringify({ records })],
  ];

  it.each(layouts)('%s: every finding is on the line and column its bytes give', async (_layout, text) => {
    const bytes = encode(text);
    for (const kind of ['Uint8Array', 'validateFile'] as const) {
      const report = await validateAs(kind, bytes, { columns: LOAN_COLUMNS, primaryKeyColumns: LOAN_KEY, maxFileBytes: Number.MAX_SAFE_INTEGER });
      const ofRecords = report.issues.filter((issue) => issue.recordIndex !== undefined);
      expect(ofRecords.map((issue) => `${issue.rule}:${issue.recordIndex}`)).toEqual(['primary-key-duplicate:61234', 'value-not-string:98765', 'primary-key-duplicate:99990']);
      const { reported, expected } = locatedAgainstBytes(report, bytes);
      expect({ kind, reported }).toEqual({ kind, reported: expected });
    }
  });
});
