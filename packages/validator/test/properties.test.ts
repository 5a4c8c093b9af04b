import { isAbsentParamValue } from '@zhima/core/internal';
import fc from 'fast-check';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { createRecordsFileWriter, validateRecords, type ValidationReport } from '../src/index.js';
import { COLUMNS, encode, inChunks, inRefilledChunks, options, positionOf, PRIMARY_KEY } from './helpers.js';

const RUNS = { numRuns: 150 };
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const text = fc.string({ unit: 'binary', maxLength: 12 }).filter((value) => !LONE_SURROGATE.test(value));
const gbkText = fc.string({ unit: fc.constantFrom(...'张三李四乗丂ab"\\/\n\t {}[]:,'.split('')), maxLength: 12 });

/** Records with unique primary keys (the index is part of order_no). */
function recordsOf(value: fc.Arbitrary<string>, minLength = 0) {
  return fc.array(fc.tuple(value, value, value), { minLength, maxLength: 12 }).map((rows) =>
    // A blank pay_month (only whitespace, core's rule) is an empty primary key: the writer refuses it.
    rows.map(([order, month, name], i) => ({ order_no: `${i}:${order}`, pay_month: isAbsentParamValue(month) ? 'm' : month, user_name: name })),
  );
}

function check(bytes: Uint8Array | AsyncIterable<Uint8Array>, fileCharset: 'UTF-8' | 'GBK' = 'UTF-8'): Promise<ValidationReport> {
  return validateRecords({ input: bytes, ...options, fileCharset, maxIssues: 50, maxRecordBytes: 4096 });
}

// At least one record: a file with none is refused (records-empty).
const validFile = fc.tuple(recordsOf(text, 1), fc.constantFrom(undefined, 0, 1, '\t')).map(([records, indent]) => ({
  records,
  bytes: encode(JSON.stringify({ records }, null, indent)),
}));

/** A valid file with one byte inserted, deleted or replaced. */
const mutatedFile = fc.tuple(validFile, fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('insert', 'delete', 'replace')).map(([file, at, byte, how]) => {
  const bytes = Array.from(file.bytes);
  const position = at % (bytes.length + 1);
  if (how === 'insert') bytes.splice(position, 0, byte);
  else if (how === 'delete') bytes.splice(position, 1);
  else bytes[Math.min(position, bytes.length - 1)] = byte;
  return Uint8Array.from(bytes);
});

describe('properties', () => {
  it('every valid generated file passes (pretty-printed ones with only the opening-whitespace warning)', async () => {
    await fc.assert(
      fc.asyncProperty(validFile, async ({ records, bytes }) => {
        const report = await validateRecords({ input: bytes, ...options, records: records.length });
        expect(report.errorCount).toBe(0);
        expect(report.issues.every((issue) => issue.rule === 'file-prefix-whitespace')).toBe(true);
        expect(report.recordCount).toBe(records.length);
      }),
      RUNS,
    );
  });

  it('arbitrary bytes always yield a bounded report, never an exception', async () => {
    const opening = encode('{"records":[');
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), fc.boolean(), async (random, prefixed) => {
        const bytes = prefixed ? Uint8Array.from([...opening, ...random]) : random;
        const report = await check(bytes);
        expect(report.issues.length).toBeLessThanOrEqual(50);
        expect(report.bytes).toBe(bytes.length);
        expect(report.ok).toBe(report.errorCount === 0);
      }),
      RUNS,
    );
  });

  it('mutated files: the report agrees with JSON.parse on whether the document is valid JSON', async () => {
    await fc.assert(
      fc.asyncProperty(mutatedFile, async (bytes) => {
        const report = await check(bytes);
        let decoded: string;
        try {
          decoded = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
        } catch {
          expect(report.ok).toBe(false);
          return;
        }
        let parses = true;
        try {
          JSON.parse(decoded);
        } catch {
          parses = false;
        }
        const syntax = report.issues.some((issue) => issue.code === 'JSON_PARSE_ERROR' && issue.severity === 'error');
        if (!parses) expect(syntax).toBe(true);
        else if (!LONE_SURROGATE.test(JSON.stringify(JSON.parse(decoded))) && decoded.charCodeAt(0) !== 0xfeff) {
          expect(report.issues.filter((issue) => issue.rule === 'json-syntax')).toEqual([]);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('the report does not depend on how the bytes are chunked', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(mutatedFile, validFile.map((file) => file.bytes)), fc.integer({ min: 1, max: 40 }), async (bytes, size) => {
        expect(await check(inChunks(bytes, size))).toEqual(await check(bytes));
      }),
      RUNS,
    );
  });

  it('a source may refill one buffer for every chunk: the validator keeps nothing of a chunk once it asks for the next', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(mutatedFile, validFile.map((file) => file.bytes)), fc.integer({ min: 1, max: 40 }), async (bytes, size) => {
        expect(await check(inRefilledChunks(bytes, size))).toEqual(await check(bytes));
      }),
      RUNS,
    );
  });

  it('the writer output always validates, in UTF-8 and GBK, whatever the split bound', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<'UTF-8' | 'GBK'>('UTF-8', 'GBK').chain((charset) => fc.tuple(fc.constant(charset), recordsOf(charset === 'GBK' ? gbkText : text))),
        fc.integer({ min: 200, max: 2000 }),
        async ([fileCharset, records], maxFileBytes) => {
        const writer = createRecordsFileWriter({ columns: COLUMNS, primaryKeyColumns: PRIMARY_KEY, fileCharset, maxFileBytes });
        const seen: unknown[] = [];
        for await (const file of writer.files({ records })) {
          expect(file.bytes.length).toBeLessThanOrEqual(maxFileBytes);
          const report = await validateRecords({ input: file.bytes, columns: COLUMNS, primaryKeyColumns: PRIMARY_KEY, fileCharset, records: file.records, maxFileBytes });
          expect(report.issues).toEqual([]);
          const decoded = fileCharset === 'GBK' ? iconv.decode(Buffer.from(file.bytes), 'gbk') : new TextDecoder().decode(file.bytes);
          seen.push(...(JSON.parse(decoded) as { records: unknown[] }).records);
        }
        expect(seen).toEqual(records);
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('issue locations', () => {
  // Records that each break a rule somewhere (a number, a missing or extra column, a repeated or blank
  // primary key, a repeated JSON key), in files laid out on one line or over many.
  const cell = fc.string({ unit: fc.constantFrom(...'a7张乗丂 ,:}'.split('')), maxLength: 5 });
  const odd = fc.constantFrom('plain', 'number', 'missing', 'extra', 'same-key', 'duplicate-json-key');
  const layoutFile = fc.tuple(
    fc.array(fc.tuple(odd, cell, cell), { minLength: 1, maxLength: 80 }),
    fc.constantFrom(',', ',\n', ', ', '\n,\n  '),
    fc.constantFrom<'UTF-8' | 'GBK'>('UTF-8', 'GBK'),
  );

  function recordText([shape, a, b]: [string, string, string], i: number): string {
    const pairs: [string, string][] = [
      ['order_no', JSON.stringify(shape === 'same-key' ? 'LN0' : `LN${i}${a}`)],
      ['pay_month', JSON.stringify('2025-01')],
      ['user_name', shape === 'number' ? String(i) : JSON.stringify(`张${b}`)],
    ];
    if (shape === 'missing') pairs.splice(1, 1);
    if (shape === 'extra') pairs.push(['memo', JSON.stringify(b)]);
    if (shape === 'duplicate-json-key') pairs.push(['user_name', '"x"']);
    return `{${pairs.map(([key, value]) => `"${key}":${value}`).join(',')}}`;
  }

  it('every reported line and column is where the text itself puts the byte offset, whatever the chunking', async () => {
    let checked = 0;
    await fc.assert(
      fc.asyncProperty(layoutFile, fc.integer({ min: 1, max: 3000 }), async ([rows, separator, fileCharset], chunkSize) => {
        const text = `{"records":[${rows.map((row, i) => recordText(row, i)).join(separator)}]}`;
        const bytes = encode(text, fileCharset);
        const report = await validateRecords({ input: inChunks(bytes, chunkSize), ...options, fileCharset, maxRecordBytes: 4096, maxIssues: 10_000 });
        // Text index of every byte offset that starts a character, from the text alone.
        const indexAt = new Map<number, number>();
        let offset = 0;
        for (let index = 0; index < text.length; index++) {
          indexAt.set(offset, index);
          offset += encode(text[index]!, fileCharset).length;
        }
        const located = report.issues.filter((issue) => issue.byteOffset !== undefined);
        checked += located.length;
        for (const issue of located) {
          expect({ rule: issue.rule, byteOffset: issue.byteOffset, line: issue.line, column: issue.column }).toEqual({ rule: issue.rule, ...positionOf(text, indexAt.get(issue.byteOffset!)!, fileCharset) });
        }
      }),
      { numRuns: 150 },
    );
    expect(checked).toBeGreaterThan(300);
  });
});
