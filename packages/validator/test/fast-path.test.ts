import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ValidationReport } from '../src/index.js';
import { utf8AsByteString } from '../src/node/byte-string.js';
import { RecordChecker } from '../src/validate/record-checker.js';
import { validateRecordsWith } from '../src/validate/validate-records.js';
import { encode, inChunks, options } from './helpers.js';

// The scanner offers records split at each next `}`; the checker must refuse every offer it cannot prove.
// These values and record shapes are built to fool that split: braces, commas and colons inside strings,
// duplicate keys, whitespace inside records, nested values, escapes.
const tricky = fc.string({ unit: fc.constantFrom(...'a7张}{],: '.split('')), maxLength: 6 });
const escaped = fc.string({ unit: fc.constantFrom(...'a}"\\\n\u2028'.split('')), maxLength: 4 });

type Shape = 'plain' | 'duplicate-key' | 'spaced' | 'number' | 'missing' | 'extra' | 'nested' | 'escaped' | 'same-key' | 'same-cjk-key' | 'bad-utf8';
const shapes: Shape[] = ['plain', 'duplicate-key', 'spaced', 'number', 'missing', 'extra', 'nested', 'escaped', 'same-key', 'same-cjk-key', 'bad-utf8'];
// Stands for a byte sequence that is not UTF-8; `encodeWithBadBytes` puts one in its place.
const BAD = '~BAD~';
const BAD_SEQUENCES = [[0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xe5, 0xbc]];

function encodeWithBadBytes(text: string): Uint8Array {
  const parts = text.split(BAD);
  return Uint8Array.from(parts.flatMap((part, i) => [...encode(part), ...(i < parts.length - 1 ? BAD_SEQUENCES[i % BAD_SEQUENCES.length]! : [])]));
}

function orderNo(i: number, shape: Shape, value: string): string {
  if (shape === 'same-key') return 'LN0';
  if (shape === 'same-cjk-key') return '张0';
  return `LN${i}${value}${shape === 'bad-utf8' ? BAD : ''}`;
}

function recordText(i: number, shape: Shape, value: string, other: string): string {
  const pairs: [string, string][] = [
    ['order_no', JSON.stringify(orderNo(i, shape, value))],
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

// Dense files (a third of the records odd) test the refusals; sparse ones (one record in 50 odd) leave
// whole batches clean, so odd-but-clean records (shared or non-ASCII primary keys) go the fast way too.
const shape = (plainWeight: number) => fc.oneof({ arbitrary: fc.constant<Shape>('plain'), weight: plainWeight }, ...shapes.map((odd) => ({ arbitrary: fc.constant(odd), weight: 1 })));
const file = fc
  .constantFrom(20, 500)
  .chain((plainWeight) => fc.array(fc.tuple(shape(plainWeight), tricky, escaped, fc.constantFrom(',', ',\n', ' , ', '\r\n,\n')), { maxLength: 300 }))
  .map((rows) => {
    const records = rows.map(([shape, value, other], i) => recordText(i, shape, value, other));
    const body = records.map((text, i) => (i === 0 ? text : rows[i]![3] + text)).join('');
    return { bytes: encodeWithBadBytes(`{"records":[${body}]}`), records: rows.length };
  });

// The portable path decodes with TextDecoder; the Node subpath parses clean records from byte strings.
const engines = { portable: undefined, 'node byte strings': utf8AsByteString };

async function validate(bytes: Uint8Array, chunkSize: number, records: number, byteString?: typeof utf8AsByteString): Promise<ValidationReport> {
  return validateRecordsWith({ input: inChunks(bytes, chunkSize), options: { ...options, records, maxRecordBytes: 4096 }, ...(byteString ? { byteString } : {}) });
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe.each(Object.entries(engines))('the split-at-brace fast path (%s)', (_name, byteString) => {
  it('gives exactly the report of the byte-by-byte scan, whatever the records and the chunking', async () => {
    let accepted = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(file, fc.integer({ min: 1, max: 4000 }), async ({ bytes, records }, chunkSize) => {
        const offers = vi.spyOn(RecordChecker.prototype, 'tryBatch');
        const fast = await validate(bytes, chunkSize, records, byteString);
        for (const { value } of offers.mock.results) {
          if (value === true) accepted++;
          else refused++;
        }
        offers.mockReturnValue(false);
        const exact = await validate(bytes, chunkSize, records, byteString);
        vi.restoreAllMocks();
        expect(fast).toEqual(exact);
      }),
      { numRuns: 150 },
    );
    // Both outcomes of the proof were exercised, so the comparison above is not vacuous.
    expect(accepted).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  });

  it('names a repeated non-ASCII primary key in its own characters', async () => {
    // Record 3 sits in a clean batch; 70 in one the spaced record 71 sends through the byte scan.
    const records = Array.from({ length: 100 }, (_, i) => recordText(i, i === 3 || i === 70 ? 'same-cjk-key' : i === 71 ? 'spaced' : 'plain', 'x', ''));
    const bytes = encode(`{"records":[${records.join(',')}]}`);
    const report = await validate(bytes, 1 << 20, 100, byteString);
    expect(report.issues).toMatchObject([{ rule: 'primary-key-duplicate', recordIndex: 70, relatedRecordIndex: 3 }]);
    expect(report.issues[0]!.message).toContain('"张0"');
  });

  it('refuses a duplicate key that JSON.parse would silently merge', async () => {
    const records = Array.from({ length: 100 }, (_, i) => recordText(i, i === 70 ? 'duplicate-key' : 'plain', 'x', ''));
    const bytes = encode(`{"records":[${records.join(',')}]}`);
    const report = await validate(bytes, 1 << 20, 100, byteString);
    expect(report.issues.map((issue) => `${issue.rule}:${issue.recordIndex}`)).toEqual(['record-duplicate-key:70']);
  });
});
