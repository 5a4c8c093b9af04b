import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { splitRecordsFile } from '../src/upload/split-records-file.js';

// Values that trip naive scanners: braces and brackets in strings, escaped quotes and backslashes.
const TRICKY = ['{', '}', '[', ']', '"', '\\', '\\"', '},{', ']}', '中文', '😀', ''];

function makeRecords(count: number, seed: number): Record<string, string>[] {
  let state = seed;
  const next = () => (state = (state * 1103515245 + 12345) % 2 ** 31);
  return Array.from({ length: count }, (_, k) => ({ order_no: `A${k}`, pay_month: '2025-01', memo: `${TRICKY[next() % TRICKY.length]}x${TRICKY[next() % TRICKY.length]}`.repeat(1 + (next() % 5)) }));
}

function chunked(bytes: Uint8Array, seed: number): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  let state = seed;
  for (let at = 0; at < bytes.length; ) {
    state = (state * 69069 + 1) % 2 ** 32;
    const size = 1 + (state % 97);
    chunks.push(bytes.slice(at, at + size));
    at += size;
  }
  return chunks;
}

async function collect(generator: AsyncGenerator<{ bytes: Uint8Array; records: number }>) {
  const pieces: { bytes: Uint8Array; records: number }[] = [];
  for await (const piece of generator) pieces.push(piece);
  return pieces;
}

describe('splitRecordsFile', () => {
  it('splits into valid files within the bound whose records, in order, are the original ones', async () => {
    for (const seed of [1, 2, 3]) {
      const records = makeRecords(400, seed);
      // Pretty-printed input: whitespace between records must not matter.
      const bytes = new TextEncoder().encode(JSON.stringify({ records }, null, seed === 2 ? 2 : undefined));
      const pieces = await collect(splitRecordsFile({ chunks: chunked(bytes, seed), fileCharset: 'UTF-8', bounds: { maxFileBytes: 2000 } }));
      expect(pieces.length).toBeGreaterThan(5);
      const parsed = pieces.map((piece) => JSON.parse(new TextDecoder().decode(piece.bytes)) as { records: unknown[] });
      expect(parsed.flatMap((file) => file.records)).toEqual(records);
      pieces.forEach((piece, k) => {
        expect(piece.bytes.length).toBeLessThanOrEqual(2000);
        expect(piece.records).toBe(parsed[k]!.records.length);
      });
    }
  });

  it('honours a record-count bound', async () => {
    const records = makeRecords(25, 9);
    const bytes = new TextEncoder().encode(JSON.stringify({ records }));
    const pieces = await collect(splitRecordsFile({ chunks: [bytes], fileCharset: 'UTF-8', bounds: { maxFileBytes: 10 ** 9, maxRecordsPerFile: 10 } }));
    expect(pieces.map((piece) => piece.records)).toEqual([10, 10, 5]);
  });

  it('steps over GBK double-byte characters whose trail byte is a backslash or bracket', async () => {
    // Find GBK characters whose second byte is `\` (0x5C) and `]` (0x5D), with iconv-lite.
    const withTrail = (trail: number) => {
      for (let code = 0x4e00; code < 0x9fa5; code++) {
        const char = String.fromCharCode(code);
        const encoded = iconv.encode(char, 'gbk');
        if (encoded.length === 2 && encoded[1] === trail) return char;
      }
      throw new Error('none found');
    };
    const slash = withTrail(0x5c);
    const bracket = withTrail(0x5d);
    const records = Array.from({ length: 50 }, (_, k) => ({ order_no: `G${k}`, pay_month: '2025-01', user_name: `${bracket}${slash}`, memo: slash }));
    const bytes = new Uint8Array(iconv.encode(JSON.stringify({ records }), 'gbk'));
    const pieces = await collect(splitRecordsFile({ chunks: chunked(bytes, 5), fileCharset: 'GBK', bounds: { maxFileBytes: 400 } }));
    expect(pieces.length).toBeGreaterThan(3);
    const back = pieces.flatMap((piece) => (JSON.parse(iconv.decode(Buffer.from(piece.bytes), 'gbk')) as { records: unknown[] }).records);
    expect(back).toEqual(records);
  });
});
