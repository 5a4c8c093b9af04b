import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FieldRules, ValidationReport } from '../src/index.js';
import { utf8AsByteString } from '../src/node/byte-string.js';
import { FlatRecordShape } from '../src/scan/flat-record-shape.js';
import { BatchParser } from '../src/validate/batch-parser.js';
import { validateRecordsWith } from '../src/validate/validate-records.js';
import { encode, inChunks, options } from './helpers.js';

// The scanner offers records split at each next `}`; the checker must refuse every offer it cannot prove.
// These values and record shapes are built to fool that split: braces, commas and colons inside strings,
// duplicate keys, whitespace inside records, nested values, escapes.
// In GBK, 乗 is 0x81 0x5C: its trail byte is a backslash.
const tricky = fc.string({ unit: fc.constantFrom(...'a7张乗丂}{],: '.split('')), maxLength: 6 });
const escaped = fc.string({ unit: fc.constantFrom(...'a}"\\\n\u2028'.split('')), maxLength: 4 });

type Charset = 'UTF-8' | 'GBK';
type Shape = 'plain' | 'duplicate-key' | 'spaced' | 'pretty' | 'number' | 'missing' | 'extra' | 'nested' | 'escaped' | 'same-key' | 'same-cjk-key' | 'bad-bytes' | 'blank-key' | 'null' | 'reordered';
const shapes: Shape[] = ['plain', 'duplicate-key', 'spaced', 'pretty', 'number', 'missing', 'extra', 'nested', 'escaped', 'same-key', 'same-cjk-key', 'bad-bytes', 'blank-key', 'null', 'reordered'];
// Primary-key values made only of whitespace (blank to the gateway) and two that are not (no-break space, text after U+3000).
const BLANKS = [' ', '\u3000', '\t \u2003', '\u00a0', '\u3000x'];
// Stands for a byte sequence invalid in the file's charset; `encodeWithBadBytes` puts one in its place.
const BAD = '~BAD~';
const BAD_SEQUENCES: Record<Charset, number[][]> = {
  'UTF-8': [[0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xe5, 0xbc]],
  // 0x80 and 0xFF are not GBK though runtime decoders map them; a lead byte needs a trail byte.
  GBK: [[0x80], [0xff], [0x81, 0xff], [0x81], [0xa2, 0xe3]],
};

function encodeWithBadBytes(text: string, charset: Charset): Uint8Array {
  const parts = text.split(BAD);
  const bad = BAD_SEQUENCES[charset];
  return Uint8Array.from(parts.flatMap((part, i) => [...encode(part, charset), ...(i < parts.length - 1 ? bad[i % bad.length]! : [])]));
}

function orderNo(i: number, shape: Shape, value: string): string {
  if (shape === 'same-key') return 'LN0';
  if (shape === 'same-cjk-key') return '张0';
  if (shape === 'blank-key') return BLANKS[i % BLANKS.length]!;
  return `LN${i}${value}${shape === 'bad-bytes' ? BAD : ''}`;
}

function recordText(i: number, shape: Shape, value: string, other: string): string {
  const pairs: [string, string][] = [
    ['order_no', JSON.stringify(orderNo(i, shape, value))],
    ['pay_month', JSON.stringify('2025-01')],
    // Every name holds a non-ASCII character, so GBK files finish their charset sampling early.
    ['user_name', JSON.stringify(shape === 'escaped' ? other : `张${value}`)],
  ];
  if (shape === 'duplicate-key') pairs.splice(i % 4, 0, [['order_no', 'pay_month', 'user_name'][i % 3]!, JSON.stringify(value)]);
  if (shape === 'number') pairs[2]![1] = String(i);
  if (shape === 'null') pairs[1]![1] = 'null';
  if (shape === 'reordered') pairs.reverse();
  if (shape === 'missing') pairs.pop();
  if (shape === 'extra') pairs.push(['extra', '"}"']);
  if (shape === 'nested') pairs[2]![1] = `{"a":${JSON.stringify(value)}}`;
  // `pretty`: JSON.stringify(record, null, 2) inside the array, line feeds between the tokens.
  if (shape === 'pretty') return `{\n      ${pairs.map(([key, text]) => `"${key}": ${text}`).join(',\n      ')}\n    }`;
  const separator = shape === 'spaced' ? ' , ' : ',';
  return `{${pairs.map(([key, text]) => `"${key}"${shape === 'spaced' ? ' : ' : ':'}${text}`).join(separator)}}`;
}

// Dense files (a third of the records odd) test the refusals; sparse ones (one record in 50 odd) leave
// whole batches clean, so odd-but-clean records (shared or non-ASCII primary keys) go the fast way too.
const shape = (plainWeight: number) => fc.oneof({ arbitrary: fc.constant<Shape>('plain'), weight: plainWeight }, ...shapes.map((odd) => ({ arbitrary: fc.constant(odd), weight: 1 })));
const fileIn = (charset: Charset) =>
  fc
  .constantFrom(20, 500)
  .chain((plainWeight) => fc.array(fc.tuple(shape(plainWeight), tricky, escaped, fc.constantFrom(',', ',\n', ' , ', '\r\n,\n')), { maxLength: 300, size: 'max' }))
  .map((rows) => {
    const records = rows.map(([shape, value, other], i) => recordText(i, shape, value, other));
    const body = records.map((text, i) => (i === 0 ? text : rows[i]![3] + text)).join('');
    return { bytes: encodeWithBadBytes(`{"records":[${body}]}`, charset), records: rows.length };
  });

// Template rules that read the value and the whole record, and report on some of the generated values.
const probingRules: FieldRules = {
  user_name: [({ value }) => (value.includes('7') ? `user_name ${value} holds a 7` : undefined), ({ value }) => (value.includes('张}') ? { rule: 'brace', severity: 'warning', message: 'a brace' } : undefined)],
  pay_month: ({ value, record }) => (String(record['order_no']).endsWith('a') ? `${value} after ${String(record['user_name'])}` : undefined),
};

// The portable path decodes with TextDecoder; the Node subpath parses clean UTF-8 records from byte strings.
const cases = [
  { name: 'UTF-8, portable', charset: 'UTF-8' },
  { name: 'UTF-8, Node byte strings', charset: 'UTF-8', byteString: utf8AsByteString },
  { name: 'GBK', charset: 'GBK' },
  { name: 'UTF-8, portable, template rules', charset: 'UTF-8', rules: probingRules },
  { name: 'UTF-8, Node byte strings, template rules', charset: 'UTF-8', byteString: utf8AsByteString, rules: probingRules },
] as const;
type Case = { charset: Charset; byteString?: typeof utf8AsByteString; rules?: FieldRules };

async function validate(bytes: Uint8Array, chunkSize: number, records: number, { charset, byteString, rules }: Case): Promise<ValidationReport> {
  const fileOptions = { ...options, records, fileCharset: charset, maxRecordBytes: 4096, ...(rules ? { rules } : {}) };
  return validateRecordsWith({ options: { ...fileOptions, input: inChunks(bytes, chunkSize) }, ...(byteString ? { byteString } : {}) });
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe.each(cases)('the split-at-brace fast path ($name)', (engine) => {
  it('gives exactly the report of the byte-by-byte scan, whatever the records and the chunking', async () => {
    let accepted = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(fileIn(engine.charset), fc.integer({ min: 1, max: 4000 }), async ({ bytes, records }, chunkSize) => {
        const offers = vi.spyOn(BatchParser.prototype, 'tryBatch');
        const fast = await validate(bytes, chunkSize, records, engine);
        for (const { value } of offers.mock.results) {
          if (value === true) accepted++;
          else refused++;
        }
        offers.mockReturnValue(false);
        const exact = await validate(bytes, chunkSize, records, engine);
        vi.restoreAllMocks();
        expect(fast).toEqual(exact);
      }),
      { numRuns: 150 },
    );
    // Both outcomes of the proof were exercised, so the comparison above is not vacuous.
    expect(accepted).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  });

  it('gives the report of the parsing proof when the byte-level proof is left out', async () => {
    // The byte proof (FlatRecordShape) answers first on UTF-8 files; without it the offer is proved by JSON.parse.
    let matched = 0;
    let unmatched = 0;
    await fc.assert(
      fc.asyncProperty(fileIn(engine.charset), fc.integer({ min: 1, max: 4000 }), async ({ bytes, records }, chunkSize) => {
        const matches = vi.spyOn(FlatRecordShape.prototype, 'match');
        const withBytes = await validate(bytes, chunkSize, records, engine);
        for (const { value } of matches.mock.results) {
          if (value === true) matched++;
          else unmatched++;
        }
        matches.mockReturnValue(false);
        const withoutBytes = await validate(bytes, chunkSize, records, engine);
        vi.restoreAllMocks();
        expect(withBytes).toEqual(withoutBytes);
      }),
      { numRuns: 100 },
    );
    if (engine.charset === 'UTF-8') {
      expect(matched).toBeGreaterThan(0);
      expect(unmatched).toBeGreaterThan(0);
    } else expect(matched + unmatched).toBe(0);
  });

  it('names a repeated non-ASCII primary key in its own characters', async () => {
    // Record 3 sits in a clean batch; 70 in one the spaced record 71 sends through the byte scan.
    const records = Array.from({ length: 100 }, (_, i) => recordText(i, i === 3 || i === 70 ? 'same-cjk-key' : i === 71 ? 'spaced' : 'plain', 'x', ''));
    const bytes = encode(`{"records":[${records.join(',')}]}`, engine.charset);
    const report = await validate(bytes, 1 << 20, 100, engine);
    expect(report.issues).toMatchObject([{ rule: 'primary-key-duplicate', recordIndex: 70, relatedRecordIndex: 3 }]);
    expect(report.issues[0]!.message).toContain('"张0"');
  });

  it('refuses a duplicate key that JSON.parse would silently merge', async () => {
    const records = Array.from({ length: 100 }, (_, i) => recordText(i, i === 70 ? 'duplicate-key' : 'plain', 'x', ''));
    const bytes = encode(`{"records":[${records.join(',')}]}`, engine.charset);
    const report = await validate(bytes, 1 << 20, 100, engine);
    expect(report.issues.map((issue) => `${issue.rule}:${issue.recordIndex}`)).toEqual(['record-duplicate-key:70']);
  });
});

describe('the fast path in GBK files', () => {
  it('still samples records for a UTF-8 file declared GBK', async () => {
    // 张三 in UTF-8 (E5 BC A0 E4 B8 89) also reads as three GBK characters, so the batches are accepted.
    const records = Array.from({ length: 200 }, (_, i) => JSON.stringify({ order_no: `LN${i}`, pay_month: '2025-01', user_name: '张三' }));
    const offers = vi.spyOn(BatchParser.prototype, 'tryBatch');
    const report = await validate(encode(`{"records":[${records.join(',')}]}`), 1 << 20, 200, { charset: 'GBK' });
    expect(offers.mock.results.every(({ value }) => value === true)).toBe(true);
    expect(report.issues).toMatchObject([{ rule: 'charset-mismatch', byteOffset: '{"records":[{"order_no":"LN0","pay_month":"2025-01","user_name":"'.length }]);
  });
});
