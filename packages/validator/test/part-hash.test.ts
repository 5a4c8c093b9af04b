import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZhimaError } from '@zhima/core';
import { validateRecords, type PartHash, type RecordsPart } from '../src/index.js';
import { createFileSha256, createSha256, validateFile, type FileSha256 } from '../src/node/index.js';
import { inChunks } from './helpers.js';
import { fileOf, LOAN_COLUMNS, LOAN_KEY, loanRecord, seeded } from './loan-files.js';

// `split.hash` hashes each part (and the input within one part's bound) as it is validated, on the
// validating thread (createSha256) or on a worker thread reading the parts from the file
// (createFileSha256). Checked against node:crypto over bytes built here from the source and the plan's
// spans alone (the `{"records":[` + spans joined by `,` + `]}` rule), never through readPart.

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zhima-part-hash-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

function oracleHash(source: Uint8Array, part: RecordsPart): string {
  const spans = part.spans.map(({ offset, length }) => Buffer.from(source.subarray(offset, offset + length)));
  return sha256(Buffer.concat([Buffer.from('{"records":['), ...spans.flatMap((span, k) => (k === 0 ? [span] : [Buffer.from(','), span])), Buffer.from(']}')]));
}

function loans(count: number, seed: number): Record<string, string>[] {
  const random = seeded(seed);
  return Array.from({ length: count }, (_, i) => loanRecord(i, random));
}

const options = { columns: LOAN_COLUMNS, primaryKeyColumns: LOAN_KEY };

describe('split.hash', () => {
  it.each(['compact', 'pretty'] as const)('hashes every part of a 100k-record %s file as validateFile reads it, and not the whole file', async (layout) => {
    const bytes = fileOf(loans(100_000, 7), layout);
    const path = join(dir, `loans-${layout}.json`);
    await writeFile(path, bytes);
    const report = await validateFile({ path, ...options, split: { maxFileBytes: 2_000_000, hash: createSha256 } });
    expect(report.ok).toBe(true);
    expect(report.parts!.length).toBeGreaterThan(5);
    for (const part of report.parts!) expect(part.sha256).toBe(oracleHash(bytes, part));
    // Over one part's bound, the input never goes as it is.
    expect(report.sha256).toBeUndefined();
  });

  it('hashes the whole input when it fits in one part, and its one part', async () => {
    const bytes = fileOf(loans(2000, 3), 'pretty');
    const path = join(dir, 'small.json');
    await writeFile(path, bytes);
    const report = await validateFile({ path, ...options, split: { hash: createSha256 } });
    expect(report.sha256).toBe(sha256(bytes));
    expect(report.parts).toHaveLength(1);
    expect(report.parts![0]!.sha256).toBe(oracleHash(bytes, report.parts![0]!));
    // A stream of unknown size: hashed while within the bound.
    const streamed = await validateRecords({ input: inChunks(bytes, 4096), ...options, split: { hash: createSha256 } });
    expect(streamed.sha256).toBe(sha256(bytes));
    expect(streamed.parts![0]!.sha256).toBe(report.parts![0]!.sha256);
  });

  it('copies GBK bytes as they are, and hashes them so', async () => {
    const records = loans(3000, 11).map((record, i) => ({ ...record, user_name: `张三${i}` }));
    const bytes = Uint8Array.from(iconv.encode(JSON.stringify({ records }), 'gbk'));
    const report = await validateRecords({ input: inChunks(bytes, 10_000), ...options, fileCharset: 'GBK', split: { maxFileBytes: 100_000, hash: createSha256 } });
    expect(report.ok).toBe(true);
    for (const part of report.parts!) expect(part.sha256).toBe(oracleHash(bytes, part));
  });

  it('leaves a part unhashed once a repeated key is taken out of it after the scan (hold-back)', async () => {
    const records = loans(5000, 5);
    records[4000] = { ...records[4000]!, order_no: records[10]!.order_no!, pay_month: records[10]!.pay_month! };
    const bytes = fileOf(records, 'compact');
    const report = await validateRecords({ input: bytes, ...options, holdBack: true, split: { maxFileBytes: 200_000, hash: createSha256 } });
    expect(report.heldBack!.records).toHaveLength(2);
    const touched = report.parts!.filter((part) => part.sha256 === undefined);
    expect(touched.length).toBeGreaterThan(0);
    for (const part of report.parts!) if (part.sha256 !== undefined) expect(part.sha256).toBe(oracleHash(bytes, part));
    // Held back in the scan (a bad record): the part is planned without it, and hashed.
    const bad = loans(3000, 6);
    bad[1500] = { ...bad[1500]!, pay_month: '' };
    const badBytes = fileOf(bad, 'pretty');
    const readAt = async ({ offset, length }: { offset: number; length: number }) => badBytes.slice(offset, offset + length);
    const held = await validateRecords({ input: inChunks(badBytes, 777), readAt, ...options, holdBack: true, split: { maxFileBytes: 150_000, hash: createSha256 } });
    expect(held.heldBack!.records.map((record) => record.recordNumber)).toEqual([1501]);
    for (const part of held.parts!) expect(part.sha256).toBe(oracleHash(badBytes, part));
  });

  it('gives the same hashes however the input is chunked, across chunk edges, odd separators and part bounds (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 400 }),
        fc.integer({ min: 300, max: 20_000 }),
        fc.array(fc.constantFrom(',', ' ,', ',\n  ', ' \r\n,\t'), { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 1, max: 9 }),
        async (records, maxFileBytes, separators, chunk) => {
          const body = loans(records, records).map((record) => JSON.stringify(record));
          const text = `{"records": [\n${body.map((one, i) => (i === 0 ? one : `${separators[i % separators.length]!}${one}`)).join('')}\n]}`;
          const bytes = new TextEncoder().encode(text);
          const report = await validateRecords({ input: inChunks(bytes, chunk * 97), ...options, split: { maxFileBytes, hash: createSha256 } });
          expect(report.ok).toBe(true);
          for (const part of report.parts!) expect(part.sha256).toBe(oracleHash(bytes, part));
          expect(report.sha256).toBe(bytes.length <= maxFileBytes ? sha256(bytes) : undefined);
        },
      ),
      { numRuns: 60 },
    );
  });
});

/** validateFile of `bytes` (written to a file first) with its parts hashed on the worker. */
async function validateHashed({ bytes, name, ...rest }: { bytes: Uint8Array; name: string; maxFileBytes: number; fileCharset?: 'UTF-8' | 'GBK'; holdBack?: boolean }) {
  const path = join(dir, name);
  await writeFile(path, bytes);
  const hashes = createFileSha256({ path });
  try {
    const { maxFileBytes, ...more } = rest;
    return await validateFile({ path, ...options, ...more, split: { maxFileBytes, hash: hashes.hash } });
  } finally {
    await hashes.close();
  }
}

async function failureOf(run: () => unknown): Promise<ZhimaError> {
  try {
    await run();
  } catch (error) {
    if (ZhimaError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a ZhimaError');
}

describe('createFileSha256', () => {
  it.each(['compact', 'pretty'] as const)('hashes every part of a 100k-record %s file as node:crypto does over its bytes', async (layout) => {
    const bytes = fileOf(loans(100_000, 17), layout);
    const report = await validateHashed({ bytes, name: `loans-${layout}.json`, maxFileBytes: 1_500_000 });
    expect(report.ok).toBe(true);
    expect(report.parts!.length).toBeGreaterThan(10);
    for (const part of report.parts!) expect(part.sha256).toBe(oracleHash(bytes, part));
  });

  it('hashes the whole input within one part, and its one part, from offsets alone: only the framing goes as bytes', async () => {
    const bytes = fileOf(loans(2000, 29), 'pretty');
    const path = join(dir, 'small-file-hash.json');
    await writeFile(path, bytes);
    const hashes = createFileSha256({ path });
    // Counts what the validator hands each hash as bytes rather than as offsets.
    let handedBytes = 0;
    const counted = (): PartHash => {
      const hash = hashes.hash();
      return { update: (chunk) => ((handedBytes += chunk.length), hash.update(chunk)), updateRange: (range) => hash.updateRange!(range), digest: () => hash.digest() };
    };
    try {
      const report = await validateFile({ path, ...options, split: { hash: counted } });
      expect(report.sha256).toBe(sha256(bytes));
      expect(report.parts).toHaveLength(1);
      expect(report.parts![0]!.sha256).toBe(oracleHash(bytes, report.parts![0]!));
      // A stream of unknown size: hashed while within the bound, as the same offsets of the file.
      const streamed = await validateRecords({ input: inChunks(bytes, 4096), ...options, split: { hash: counted } });
      expect(streamed.sha256).toBe(sha256(bytes));
      expect(streamed.parts![0]!.sha256).toBe(report.parts![0]!.sha256);
    } finally {
      await hashes.close();
    }
    // `{"records":[` and `]}` for the part, in each of the two validations.
    expect(handedBytes).toBe(2 * ('{"records":['.length + ']}'.length));
  });

  it('hashes a GBK file as its bytes are, and a part a bad record was held back from', async () => {
    const records: Record<string, string>[] = loans(20_000, 23).map((record, i) => ({ ...record, user_name: `张三${i}` }));
    records[12_345] = { ...records[12_345]!, pay_month: '' };
    const bytes = Uint8Array.from(iconv.encode(JSON.stringify({ records }), 'gbk'));
    const report = await validateHashed({ bytes, name: 'gbk.json', maxFileBytes: 300_000, fileCharset: 'GBK', holdBack: true });
    expect(report.heldBack!.records.map((record) => record.recordNumber)).toEqual([12_346]);
    expect(report.parts!.length).toBeGreaterThan(5);
    for (const part of report.parts!) expect(part.sha256).toBe(oracleHash(bytes, part));
  });

  it('hashes every part whatever the separators, long runs of whitespace included, across part bounds (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 300, max: 20_000 }),
        // 5000 spaces: more than the in-thread hash keeps across a buffer, which then leaves a part unhashed.
        fc.array(fc.constantFrom(',', ' ,', ',\n  ', ' \r\n,\t', `,${' '.repeat(5000)}`), { minLength: 1, maxLength: 40 }),
        async (count, maxFileBytes, separators) => {
          const body = loans(count, count).map((record) => JSON.stringify(record));
          const text = `{"records": [\n${body.map((one, i) => (i === 0 ? one : `${separators[i % separators.length]!}${one}`)).join('')}\n]}`;
          const bytes = new TextEncoder().encode(text);
          const report = await validateHashed({ bytes, name: 'property.json', maxFileBytes });
          expect(report.ok).toBe(true);
          for (const part of report.parts!) expect(part.sha256).toBe(oracleHash(bytes, part));
        },
      ),
      { numRuns: 40 },
    );
  });

  describe('refuses, with the cause', () => {
    let hashes: FileSha256 | undefined;
    afterAll(async () => {
      await hashes?.close();
    });

    it('bytes past the end of the file (it shrank while validated): PARAM_INVALID at the digest', async () => {
      const path = join(dir, 'short.json');
      await writeFile(path, '{"records":[]}');
      hashes = createFileSha256({ path });
      const hash = hashes.hash();
      hash.updateRange!({ offset: 0, length: 100 });
      const error = await failureOf(() => hash.digest());
      expect(error.code).toBe('PARAM_INVALID');
      expect(error.message).toContain('the file ends at byte 14, before byte 100');
      // The other hashes of the same worker are not affected.
      const other = hashes.hash();
      other.update(new TextEncoder().encode('{"records":'));
      other.updateRange!({ offset: 11, length: 3 });
      expect(other.digest()).toBe(sha256(new TextEncoder().encode('{"records":[]}')));
    });

    it('a file that is not there', async () => {
      const missing = createFileSha256({ path: join(dir, 'missing.json') });
      try {
        const hash = missing.hash();
        hash.updateRange!({ offset: 0, length: 1 });
        const error = await failureOf(() => hash.digest());
        expect(error.code).toBe('PARAM_INVALID');
        expect(error.message).toContain('ENOENT');
      } finally {
        await missing.close();
      }
    });

    it('a digest after close, and a path that is not one', async () => {
      const path = join(dir, 'closed.json');
      await writeFile(path, '{"records":[]}');
      const closed = createFileSha256({ path });
      const hash = closed.hash();
      await closed.close();
      const error = await failureOf(() => hash.digest());
      expect(error.code).toBe('PARAM_INVALID');
      expect(error.message).toContain('was digested after its createFileSha256 was closed');
      expect((await failureOf(() => createFileSha256({ path: '' }))).code).toBe('PARAM_INVALID');
    });
  });
});
