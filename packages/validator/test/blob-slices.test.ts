import fc from 'fast-check';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { validateRecords, type ValidationReport } from '../src/index.js';
import { COLUMNS, PRIMARY_KEY } from './helpers.js';

// A Blob is read in slices of this size (src/input/chunks.ts): the edges the properties aim at.
const SLICE = 1024 * 1024;
// Just over two slices of ~60-byte records: two slice edges inside the records.
const RECORDS = 37_000;
const NAMES = { 'UTF-8': ['张三', '李四', '王小明', '😀', 'ab', '𠀀乗'], GBK: ['张三', '李四', '王小明', '乗丂', 'ab', '丂乗'] } as const;
type Charset = keyof typeof NAMES;
type Defect = 'none' | 'duplicate' | 'bad-byte' | 'cut-sequence';

function encodeIn(text: string, charset: Charset): Uint8Array {
  return charset === 'GBK' ? new Uint8Array(iconv.encode(text, 'gbk')) : new TextEncoder().encode(text);
}

/** One record per line, the first one's name padded with `pad` letters: the padding moves every later byte. */
function loanFile(charset: Charset, pad: number, duplicateOf?: number): { records: Record<string, string>[]; bytes: Uint8Array } {
  const names = NAMES[charset];
  const records = Array.from({ length: RECORDS }, (_, i) => ({
    order_no: `LN${duplicateOf !== undefined && i === RECORDS - 1 ? duplicateOf : i}`,
    pay_month: '2025-01',
    user_name: (i === 0 ? 'a'.repeat(pad) : '') + names[i % names.length]!,
  }));
  return { records, bytes: encodeIn(`{"records":[\n${records.map((record) => JSON.stringify(record)).join(',\n')}\n]}`, charset) };
}

/** Starts of the multi-byte characters of `bytes` (every non-ASCII byte here belongs to one). */
function characterStarts(bytes: Uint8Array, charset: Charset): number[] {
  const starts: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i]! < 0x80) continue;
    starts.push(i);
    // GBK: a lead byte and one trail byte (which may be ASCII-valued, as 0x5C and 0x40 are); UTF-8: the lead says.
    if (charset === 'GBK') i += 1;
    else i += bytes[i]! >= 0xf0 ? 3 : bytes[i]! >= 0xe0 ? 2 : 1;
  }
  return starts;
}

/**
 * A file whose character `k` bytes before slice edge `edge` starts there, so it straddles the edge, and
 * the defect put on it: bad bytes in its place, or its lead byte followed by a space (a cut sequence).
 */
function fileAcrossEdge({ charset, edge, k, defect }: { charset: Charset; edge: number; k: number; defect: Defect }) {
  const boundary = edge * SLICE;
  const plain = loanFile(charset, 0);
  const before = characterStarts(plain.bytes, charset).filter((start) => start <= boundary - k).pop()!;
  const pad = boundary - k - before;
  const file = loanFile(charset, pad, defect === 'duplicate' ? RECORDS - 7 : undefined);
  const at = boundary - k;
  // Independent of the validator: the character the padding moved onto the edge.
  expect(characterStarts(file.bytes, charset)).toContain(at);
  // GBK: both bytes, so no trail byte is left to read as ASCII (0x5C would be a backslash).
  if (defect === 'bad-byte') file.bytes.fill(charset === 'GBK' ? 0x80 : 0xff, at, charset === 'GBK' ? at + 2 : at + 1);
  // Its lead byte then a space: no UTF-8 continuation byte, and below GBK's trail bytes (0x40–0xFE).
  if (defect === 'cut-sequence') file.bytes[at + 1] = 0x20;
  return { ...file, at };
}

/** The verdict from `JSON.parse` and a `Map` alone: duplicate primary keys and whether the text decodes. */
function oracle(bytes: Uint8Array, charset: Charset): { decodes: boolean; duplicates: number; count: number } {
  let text: string;
  try {
    text = new TextDecoder(charset === 'GBK' ? 'gbk' : 'utf-8', { fatal: true }).decode(bytes);
    if (charset === 'GBK' && /[\u20ac\uf8f5]/.test(text)) return { decodes: false, duplicates: 0, count: 0 };
  } catch {
    return { decodes: false, duplicates: 0, count: 0 };
  }
  const records = (JSON.parse(text) as { records: Record<string, string>[] }).records;
  const seen = new Map<string, number>();
  let duplicates = 0;
  for (const record of records) {
    const key = JSON.stringify(PRIMARY_KEY.map((column) => record[column]));
    if (seen.has(key)) duplicates++;
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  return { decodes: true, duplicates, count: records.length };
}

const validate = (input: Uint8Array | Blob, charset: Charset): Promise<ValidationReport> =>
  validateRecords({ input, columns: COLUMNS, primaryKeyColumns: PRIMARY_KEY, records: RECORDS, fileCharset: charset, maxFileBytes: 4 * SLICE });

describe('a Blob read in slices', () => {
  it('gives the verdict JSON.parse gives, and the report the same bytes in memory give, with a character across a slice edge', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<Charset>('UTF-8', 'GBK'),
        fc.constantFrom(1, 2),
        fc.integer({ min: 1, max: 3 }),
        fc.constantFrom<Defect>('none', 'duplicate', 'bad-byte', 'cut-sequence'),
        async (charset, edge, wanted, defect) => {
          // A GBK character has one byte before its last; a UTF-8 one up to three.
          const k = charset === 'GBK' ? 1 : wanted;
          const { bytes, at } = fileAcrossEdge({ charset, edge, k, defect });
          const fromBlob = await validate(new Blob([bytes.slice()]), charset);
          expect(fromBlob).toEqual(await validate(bytes, charset));
          const expected = oracle(bytes, charset);
          expect(fromBlob.ok).toBe(expected.decodes && expected.duplicates === 0);
          if (!expected.decodes) {
            const invalid = fromBlob.issues.filter((issue) => issue.rule === 'charset-invalid');
            expect(invalid.map((issue) => issue.byteOffset)).toEqual([at]);
          } else {
            expect(fromBlob.recordCount).toBe(expected.count);
            expect(fromBlob.issues.filter((issue) => issue.rule === 'primary-key-duplicate')).toHaveLength(expected.duplicates);
          }
        },
      ),
      { numRuns: 16 },
    );
  }, 120_000);

  it('fails with the read error of a slice it could not read, after the slices before it', async () => {
    const { bytes } = loanFile('UTF-8', 0);
    const seen: number[] = [];
    const report = validateRecords({ input: blobFailingAfter(bytes, SLICE), columns: COLUMNS, primaryKeyColumns: PRIMARY_KEY, onProgress: ({ bytes }) => seen.push(bytes) });
    await expect(report).rejects.toThrow('NotReadableError: the second slice is gone');
    expect(seen).toEqual([SLICE]);
  });

  it('leaves no failed read behind when validation stops early (an onProgress that throws)', async () => {
    const { bytes } = loanFile('UTF-8', 0);
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const report = validateRecords({
        input: blobFailingAfter(bytes, SLICE),
        columns: COLUMNS,
        primaryKeyColumns: PRIMARY_KEY,
        onProgress: () => {
          throw new Error('stop here');
        },
      });
      await expect(report).rejects.toThrow('stop here');
      // Unhandled rejections are reported after the microtasks of the turn that made them.
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});

/** A Blob of `bytes` whose slices from `from` on fail to read, as a file Blob does once the file changed. */
function blobFailingAfter(bytes: Uint8Array, from: number): Blob {
  class FailingBlob extends Blob {
    override slice(start?: number, end?: number, contentType?: string): Blob {
      const part = super.slice(start, end, contentType);
      if ((start ?? 0) < from) return part;
      return Object.assign(part, { arrayBuffer: () => Promise.reject(new Error('NotReadableError: the second slice is gone')) });
    }
  }
  return new FailingBlob([bytes.slice()]);
}
