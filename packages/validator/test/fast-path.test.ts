import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { validateRecords, type ValidationReport } from '../src/index.js';
import { RecordChecker } from '../src/validate/record-checker.js';
import { encode, inChunks, options } from './helpers.js';

// The scanner offers records split at each next `}`; the checker must refuse every offer it cannot prove.
// These values and record shapes are built to fool that split: braces, commas and colons inside strings,
// duplicate keys, whitespace inside records, nested values, escapes.
const tricky = fc.string({ unit: fc.constantFrom(...'a7张}{],: '.split('')), maxLength: 6 });
const escaped = fc.string({ unit: fc.constantFrom(...'a}"\\\n\u2028'.split('')), maxLength: 4 });

type Shape = 'plain' | 'duplicate-key' | 'spaced' | 'number' | 'missing' | 'extra' | 'nested' | 'escaped' | 'same-key';
const shapes: Shape[] = ['plain', 'duplicate-key', 'spaced', 'number', 'missing', 'extra', 'nested', 'escaped', 'same-key'];

function recordText(i: number, shape: Shape, value: string, other: string): string {
  const pairs: [string, string][] = [
    ['order_no', JSON.stringify(shape === 'same-key' ? 'LN0' : `LN${i}${value}`)],
    ['pay_month', JSON.stringify('2025-01')],
    ['user_name', JSON.stringify(shape === 'escaped' ? other : value)],
  ];
  if (shape === 'duplicate-key') pairs.splice(i % 4, 0, [['order_no', 'pay_month', 'user_name'][i % 3]!, JSON.stringify(value)]);
  if (shape === 'number') pairs[2]![1] = String(i);
  if (shape === 'missing') pairs.pop();
  if (shape === 'extra') pairs.push(['extra', '"}"']);
  if (shape === 'nested') pairs[2]![1] = `{"a":${JSON.stringify(value)}}`;
  const separator = shape === 'spaced' ? ' , ' : ',';
  return `{${pairs.map(([key, text]) => `"${key}"${shape === 'spaced' ? ' : ' : ':'}${text}`).join(separator)}}`;
}

const file = fc
  .array(fc.tuple(fc.constantFrom(...shapes, 'plain', 'plain', 'plain', 'plain'), tricky, escaped, fc.constantFrom(',', ',\n', ' , ', '\r\n,\n')), { maxLength: 200 })
  .map((rows) => {
    const records = rows.map(([shape, value, other], i) => recordText(i, shape, value, other));
    const body = records.map((text, i) => (i === 0 ? text : rows[i]![3] + text)).join('');
    return { bytes: encode(`{"records":[${body}]}`), records: rows.length };
  });

async function validate(bytes: Uint8Array, chunkSize: number, records: number): Promise<ValidationReport> {
  return validateRecords(inChunks(bytes, chunkSize), { ...options, records, maxRecordBytes: 4096 });
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('the split-at-brace fast path', () => {
  it('gives exactly the report of the byte-by-byte scan, whatever the records and the chunking', async () => {
    let accepted = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(file, fc.integer({ min: 1, max: 4000 }), async ({ bytes, records }, chunkSize) => {
        const offers = vi.spyOn(RecordChecker.prototype, 'tryBatch');
        const fast = await validate(bytes, chunkSize, records);
        for (const { value } of offers.mock.results) {
          if (value === true) accepted++;
          else refused++;
        }
        offers.mockReturnValue(false);
        const exact = await validate(bytes, chunkSize, records);
        vi.restoreAllMocks();
        expect(fast).toEqual(exact);
      }),
      { numRuns: 150 },
    );
    // Both outcomes of the proof were exercised, so the comparison above is not vacuous.
    expect(accepted).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  });

  it('refuses a duplicate key that JSON.parse would silently merge', async () => {
    const records = Array.from({ length: 100 }, (_, i) => recordText(i, i === 70 ? 'duplicate-key' : 'plain', 'x', ''));
    const bytes = encode(`{"records":[${records.join(',')}]}`);
    const report = await validate(bytes, 1 << 20, 100);
    expect(report.issues.map((issue) => `${issue.rule}:${issue.recordIndex}`)).toEqual(['record-duplicate-key:70']);
  });
});
