// `onRecords`: the records the validator parsed, handed over so a caller never parses the file again.
// Every delivery is compared with an independent oracle: the whole file decoded (TextDecoder, iconv-lite)
// and given to JSON.parse.
import fc from 'fast-check';
import iconv from 'iconv-lite';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { validateRecords, type ValidationReport } from '../src/index.js';
import { utf8AsByteString } from '../src/node/byte-string.js';
import { BatchParser } from '../src/validate/batch-parser.js';
import { validateRecordsWith } from '../src/validate/validate-records.js';
import { COLUMNS, encode, inChunks, PRIMARY_KEY } from './helpers.js';
import { encodeAs, LOAN_COLUMNS, LOAN_KEY, loanRecord, seeded, validateAs, type InputKind, type Layout } from './loan-files.js';

type Charset = 'UTF-8' | 'GBK';
const BOM = [0xef, 0xbb, 0xbf];

/** The oracle: the file's records by whole-file JSON.parse (a leading UTF-8 BOM dropped first). */
function oracleRecords(bytes: Uint8Array, charset: Charset): unknown[] {
  const body = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  const text = charset === 'GBK' ? iconv.decode(Buffer.from(body), 'gbk') : new TextDecoder('utf-8', { ignoreBOM: true }).decode(body);
  return (JSON.parse(text) as { records: unknown[] }).records;
}

/** Collects what `onRecords` hands over, checking that batches come in file order, each record once. */
function collector(): { onRecords: (batch: { records: readonly unknown[]; firstRecordIndex: number }) => void; records: unknown[]; batches: number } {
  const state = {
    records: [] as unknown[],
    batches: 0,
    onRecords({ records, firstRecordIndex }: { records: readonly unknown[]; firstRecordIndex: number }) {
      expect(firstRecordIndex).toBe(state.records.length);
      expect(records.length).toBeGreaterThan(0);
      state.batches++;
      for (const record of records) state.records.push(record);
    },
  };
  return state;
}

afterEach(() => {
  vi.restoreAllMocks();
});

/** How many batches of records the fast path took (tryBatch proved them), by spying on it. */
function fastBatches(): () => number {
  const spy = vi.spyOn(BatchParser.prototype, 'tryBatch');
  return () => spy.mock.results.filter((result) => result.value === true).length;
}

describe('onRecords at a merchant’s scale (100k loan records)', () => {
  const COUNT = 100_000;
  const random = seeded(7);
  const loans = Array.from({ length: COUNT }, (_, i) => loanRecord(i, random));
  const texts: Record<Layout, string> = { compact: JSON.stringify({ records: loans }), pretty: JSON.stringify({ records: loans }, null, 2) };
  const options = { columns: LOAN_COLUMNS, primaryKeyColumns: LOAN_KEY, maxIssues: 10 };

  it.each<[Layout, Charset, boolean, InputKind]>([
    ['compact', 'UTF-8', false, 'Uint8Array'],
    ['compact', 'UTF-8', false, 'validateFile'],
    ['compact', 'UTF-8', true, 'Uint8Array'],
    ['pretty', 'UTF-8', false, 'validateFile'],
    ['pretty', 'UTF-8', true, 'ReadableStream'],
    ['compact', 'GBK', false, 'Uint8Array'],
    ['compact', 'GBK', true, 'validateFile'],
    ['pretty', 'GBK', false, 'AsyncIterable'],
  ])('%s %s (BOM: %s) through %s: exactly the records of JSON.parse, in order', async (layout, charset, bom, kind) => {
    const encoded = encodeAs(texts[layout], charset);
    const bytes = bom ? Uint8Array.from([...BOM, ...encoded]) : encoded;
    const fast = fastBatches();
    const got = collector();
    const report = await validateAs(kind, bytes, { ...options, fileCharset: charset, records: COUNT, onRecords: got.onRecords });
    // A BOM is the one finding about the file (the loan columns are a long param): the records are read all the same.
    expect(report.issues.filter((issue) => issue.field !== 'columns').map((issue) => issue.rule)).toEqual([...(bom ? ['file-bom'] : []), ...(layout === 'pretty' ? ['file-prefix-whitespace'] : [])]);
    expect(report.recordCount).toBe(COUNT);
    expect(got.records.length).toBe(COUNT);
    expect(got.records).toEqual(oracleRecords(bytes, charset));
    // Compact files go the fast path (validateFile parses byte strings there), pretty ones the exact path.
    if (layout === 'compact') expect(fast()).toBeGreaterThan(COUNT / 64 / 2);
    else expect(fast()).toBe(0);
  });

  it('hands over records that fail record rules too (the report says which), and stops before a record whose syntax fails', async () => {
    const defective: Record<string, unknown>[] = loans.slice(0, 20_000).map((loan, i) => (i % 997 === 5 ? { ...loan, overdue_cnt: i } : i % 1499 === 7 ? { ...loan, extra: 'x' } : loan));
    const text = JSON.stringify({ records: defective });
    const report = await validateRecords({ input: encode(text), ...options, onRecords: collector().onRecords });
    expect(report.ok).toBe(false);
    const got = collector();
    await validateRecords({ input: encode(text), ...options, onRecords: got.onRecords });
    expect(got.records).toEqual(oracleRecords(encode(text), 'UTF-8'));

    // Record 12345 loses its closing quote: records 0 to 12344 are handed over, and nothing after.
    const broken = 12_345;
    const loan = loans[broken]!;
    const marker = `"order_no":"${loan.order_no!}"`;
    const at = text.indexOf(`{"user_name":"${loan.user_name!}","user_credentials_type":"0","user_credentials_no":"${loan.user_credentials_no!}",${marker}`);
    expect(at).toBeGreaterThan(0);
    const cut = text.indexOf(marker, at) + marker.length - 1;
    const brokenText = text.slice(0, cut) + text.slice(cut + 1);
    const partial = collector();
    const failed = await validateRecords({ input: encode(brokenText), ...options, onRecords: partial.onRecords });
    expect(failed.issues.at(-1)).toMatchObject({ rule: 'json-syntax', severity: 'error' });
    expect(partial.records).toEqual(oracleRecords(encode(text), 'UTF-8').slice(0, broken));
  });

  it('refuses an onRecords that is not a function', async () => {
    await expect(validateRecords({ input: encode(texts.compact.slice(0, 100)), ...options, onRecords: 'store' as never })).rejects.toMatchObject({ code: 'PARAM_INVALID' });
  });
});

describe('onRecords across batch edges (properties)', () => {
  // Values that fool the fast path's split (braces, quotes, escapes), non-ASCII text, and values that
  // are not strings (the exact path, with warnings).
  const unit = fc.constantFrom(...[...'a7张乗丂}{],: "\\\n\u2028😀']);
  const value = fc.oneof({ weight: 6, arbitrary: fc.string({ unit: fc.constantFrom(...'a7张}{],: '.split('')), maxLength: 6 }) }, { weight: 2, arbitrary: fc.string({ unit, maxLength: 6 }) }, { weight: 1, arbitrary: fc.integer() });
  // Record counts around multiples of the 64-record batch.
  const count = fc.oneof(fc.integer({ min: 1, max: 260 }), fc.constantFrom(63, 64, 65, 127, 128, 129, 192, 256));
  const file = fc.record({
    count,
    values: fc.array(value, { minLength: 1, maxLength: 7 }),
    indent: fc.constantFrom(undefined, undefined, 1, '\t'),
    charset: fc.constantFrom<Charset>('UTF-8', 'GBK'),
    chunk: fc.integer({ min: 1, max: 4096 }),
    byteString: fc.boolean(),
  });

  function recordsOf({ count, values }: { count: number; values: unknown[] }): Record<string, unknown>[] {
    // Unique primary keys (the index leads order_no), values cycling through the drawn ones.
    return Array.from({ length: count }, (_, i) => ({ order_no: `${i}:${String(values[i % values.length])}`, pay_month: values[(i + 1) % values.length], user_name: values[(i + 2) % values.length] }));
  }

  it('every record once, in order, equal to JSON.parse of the whole file, whatever the chunking and the path', async () => {
    await fc.assert(
      fc.asyncProperty(file, async (drawn) => {
        const charset = drawn.charset;
        // GBK has no emoji: those files keep to what GBK can encode.
        const records = recordsOf(drawn).map((record) => (charset === 'GBK' ? JSON.parse(JSON.stringify(record).replace(/😀|\\u2028|\u2028/g, 'x')) as Record<string, unknown> : record));
        const bytes = encode(JSON.stringify({ records }, null, drawn.indent), charset);
        const got = collector();
        const options = { input: inChunks(bytes, drawn.chunk), columns: COLUMNS, primaryKeyColumns: PRIMARY_KEY, fileCharset: charset, maxIssues: 5, onRecords: got.onRecords };
        const report: ValidationReport = await validateRecordsWith({ options, ...(drawn.byteString ? { byteString: utf8AsByteString } : {}) });
        expect(report.recordCount).toBe(records.length);
        expect(got.records).toEqual(oracleRecords(bytes, charset));
      }),
      { numRuns: 200 },
    );
  });
});
