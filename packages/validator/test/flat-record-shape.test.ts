import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FlatRecordShape } from '../src/scan/flat-record-shape.js';

const COLUMNS = ['order_no', 'pay_month', 'user_name'];
const KEY_POSITIONS = [0, 1];
const encoder = new TextEncoder();
const decoder = new TextDecoder();

// Values and layouts that come close to the shape: escapes, quotes, braces, control characters, CJK,
// astral characters, blanks, non-strings, other and repeated keys, whitespace between tokens.
const text = fc.string({ unit: fc.constantFrom('a', '7', ' ', '张', '😀', '}', '"', '\\', '\n', '\u0000', '\u2028', ','), maxLength: 6 });
// Plain values too, so that records of the shape come often enough for the property to have matches to check.
const plain = fc.string({ unit: fc.constantFrom('a', '7', '-', '张'), minLength: 1, maxLength: 4 }).map((t) => JSON.stringify(t));
const value = fc.oneof(text.map((t) => JSON.stringify(t)), plain, fc.constantFrom('1', 'null', 'true', '{}', '["a"]', '"\\u0041"', '""', '" x"'));
const gap = fc.constantFrom('', '', '', ' ', '\n  ', '\t', '\r\n');
const key = fc.oneof({ arbitrary: fc.constantFrom(...COLUMNS), weight: 8 }, { arbitrary: fc.constantFrom('extra', 'order_n', 'Order_no'), weight: 1 });
// Half the records hold exactly the columns in order, so the values and gaps decide.
const pairsOf = fc.oneof(
  fc.array(fc.tuple(key, value, gap, gap), { minLength: 0, maxLength: 4 }),
  fc.tuple(value, value, value, gap, gap).map(([a, b, c, before, after]) => [a, b, c].map((v, i) => [COLUMNS[i]!, v, before, after] as [string, string, string, string])),
);
const recordText = fc
  .tuple(pairsOf, gap)
  .map(([pairs, last]) => `{${pairs.map(([name, v, before, after]) => `${before}"${name}"${after}:${before}${v}${after}`).join(',')}${last}}`);

/** The oracle: JSON.parse, then the shape's promise checked on the parsed value. */
function oracle(source: string): { proved: boolean; keys?: string[] } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(source);
  } catch {
    return { proved: false };
  }
  const names = Object.keys(parsed as object);
  const values = Object.values(parsed as object);
  const exact = names.length === COLUMNS.length && names.every((name, c) => name === COLUMNS[c]) && values.every((v) => typeof v === 'string');
  // Exactly the columns once each: a repeated key leaves fewer pairs than the text holds.
  const pairs = (source.match(/"\s*:/g) ?? []).length;
  if (!exact || pairs !== COLUMNS.length) return { proved: false };
  return { proved: true, keys: KEY_POSITIONS.map((position) => values[position] as string) };
}

describe('FlatRecordShape', () => {
  it('matches only records JSON.parse reads as exactly the columns with string values, and locates the key values', () => {
    const shape = new FlatRecordShape({ columns: COLUMNS, keyPositions: KEY_POSITIONS });
    let matched = 0;
    fc.assert(
      fc.property(recordText, fc.constantFrom('', ' ', ',{"x":"y"}'), (source, after) => {
        const bytes = encoder.encode(`${source}${after}`);
        const end = encoder.encode(source).length;
        const keys = new Float64Array(4);
        const matches = shape.match(bytes, 0, end, keys, 0);
        if (!matches) return;
        matched++;
        const expected = oracle(source);
        expect(expected.proved).toBe(true);
        expect([decoder.decode(bytes.subarray(keys[0], keys[1])), decoder.decode(bytes.subarray(keys[2], keys[3]))]).toEqual(expected.keys);
        // A key value starts with printable ASCII: never blank.
        for (const found of expected.keys!) expect(found).toMatch(/^[\x21-\x7e]/);
      }),
      { numRuns: 3000 },
    );
    expect(matched).toBeGreaterThan(0);
  });

  it('reads a record the same whatever records it read before (openings it learned), and counts the line feeds inside it', () => {
    // One shape reads a run of records, as it does a file; each record is also read by a fresh shape.
    const shared = new FlatRecordShape({ columns: COLUMNS, keyPositions: KEY_POSITIONS });
    let matched = 0;
    let spread = 0;
    fc.assert(
      fc.property(fc.array(recordText, { minLength: 1, maxLength: 12 }), (sources) => {
        for (const source of sources) {
          const bytes = encoder.encode(`${source},`);
          const end = bytes.length - 1;
          const read = (shape: FlatRecordShape) => {
            const keys = new Float64Array(4);
            const values = new Int32Array(4 * COLUMNS.length);
            shape.extraBytes = 0;
            shape.lineFeeds = 0;
            const matches = shape.match(bytes, 0, end, keys, 0, values, 0);
            return { matches, keys: matches ? [...keys] : [], values: matches ? [...values] : [], lineFeeds: matches ? shape.lineFeeds : 0, extraBytes: matches ? shape.extraBytes : 0 };
          };
          const got = read(shared);
          expect(got).toEqual(read(new FlatRecordShape({ columns: COLUMNS, keyPositions: KEY_POSITIONS })));
          if (!got.matches) continue;
          matched++;
          // A matched record has no line feed in a value: every one is between tokens.
          const lineFeeds = source.split('\n').length - 1;
          if (lineFeeds > 0) spread++;
          expect(got.lineFeeds).toBe(lineFeeds);
        }
      }),
      { numRuns: 1500 },
    );
    expect(matched).toBeGreaterThan(100);
    expect(spread).toBeGreaterThan(20);
  });

  it('matches the plain records of JSON.stringify, compact and pretty-printed, and refuses escapes and bad bytes', () => {
    const shape = new FlatRecordShape({ columns: COLUMNS, keyPositions: KEY_POSITIONS });
    const record = { order_no: 'LN1', pay_month: '2025-01', user_name: '张三😀' };
    for (const source of [JSON.stringify(record), JSON.stringify(record, null, 2)]) {
      const bytes = encoder.encode(source);
      expect(shape.match(bytes, 0, bytes.length, new Float64Array(4), 0)).toBe(true);
      expect(shape.match(bytes, 0, bytes.length - 1, new Float64Array(4), 0)).toBe(false);
    }
    const escaped = encoder.encode(JSON.stringify({ ...record, user_name: 'a\\b' }));
    expect(shape.match(escaped, 0, escaped.length, new Float64Array(4), 0)).toBe(false);
    // A lone continuation byte, a truncated sequence, an encoded surrogate: not UTF-8.
    for (const bad of [[0x80], [0xe5, 0xbc], [0xed, 0xa0, 0x80]]) {
      const bytes = Uint8Array.from([...encoder.encode('{"order_no":"LN1","pay_month":"2025-01","user_name":"'), ...bad, ...encoder.encode('"}')]);
      expect(shape.match(bytes, 0, bytes.length, new Float64Array(4), 0)).toBe(false);
    }
  });
});
