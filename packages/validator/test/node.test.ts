import { appendFile, mkdtemp, readFile, rm, truncate, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRecordsFile, validateBytes, validateFile } from '../src/node/index.js';
import { validateRecords, type ValidationReport } from '../src/index.js';
import { collectGarbage, encode, fileText, inChunks, options, record } from './helpers.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zhima-validator-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('@zhima/validator/node', () => {
  it('validateFile streams a file and confirms a duplicate far from its first occurrence', async () => {
    const records = Array.from({ length: 20_000 }, (_, i) => record(i));
    records.push(record(123, { user_name: '李四' }));
    const path = join(dir, 'dup.json');
    await writeFile(path, fileText(records));
    const report = await validateFile({ path, ...options, records: records.length });
    expect(report.issues).toMatchObject([{ rule: 'primary-key-duplicate', recordIndex: 20_000, relatedRecordIndex: 123 }]);
    expect(report.recordCount).toBe(20_001);
  });

  it('validateFile leaves no chunk behind: array-buffer memory stays at the key index plus a few MiB, however large the file', async () => {
    // 40 MB of records whose keys take well under 1 MB of index: before, every 1 MiB chunk read (and the
    // buffer it was joined into) stayed allocated until a collection, tens of MB on this file.
    const records = Array.from({ length: 40_000 }, (_, i) => record(i, { user_name: 'x'.repeat(1000) }));
    const path = join(dir, 'large.json');
    await writeFile(path, fileText(records));
    await collectGarbage();
    const start = process.memoryUsage().arrayBuffers;
    let peak = 0;
    const report = await validateFile({ path, ...options, maxFileBytes: Number.MAX_SAFE_INTEGER, onProgress: () => (peak = Math.max(peak, process.memoryUsage().arrayBuffers - start)) });
    expect(report.ok).toBe(true);
    expect(report.bytes).toBeGreaterThan(40_000_000);
    expect(peak).toBeLessThan(8 * 1024 * 1024);
  });

  it('validateFile gives the key index back when it returns, not at some later collection', async () => {
    // 600k short records: their key index takes at least 9 MB; the reader's and the scanner's buffers stay (3 MiB).
    const records = Array.from({ length: 600_000 }, (_, i) => ({ order_no: `LN${i}`, pay_month: '2025-01', user_name: 'x' }));
    const path = join(dir, 'many-keys.json');
    await writeFile(path, fileText(records));
    await collectGarbage();
    const start = process.memoryUsage().arrayBuffers;
    const report = await validateFile({ path, ...options, maxFileBytes: Number.MAX_SAFE_INTEGER });
    expect(report.recordCount).toBe(600_000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(process.memoryUsage().arrayBuffers - start).toBeLessThan(5 * 1024 * 1024);
  });

  it('openRecordsFile gives chunks, random access and the size', async () => {
    const path = join(dir, 'ok.json');
    const text = fileText([record(0)]);
    await writeFile(path, text);
    const file = await openRecordsFile({ path });
    try {
      expect(file.size).toBe(encode(text).length);
      expect(new TextDecoder().decode(await file.readAt({ offset: 0, length: 12 }))).toBe('{"records":[');
      expect(await validateRecords({ input: file.chunks, ...options, readAt: file.readAt })).toMatchObject({ ok: true });
    } finally {
      await file.close();
    }
  });

  it('openRecordsFile gives the file and its planned parts as upload content, read anew on every open(), at most 1 MiB a chunk', async () => {
    const records = Array.from({ length: 30_000 }, (_, i) => record(i));
    const path = join(dir, 'content.json');
    await writeFile(path, JSON.stringify({ records }, null, 1));
    const onDisk = await readFile(path);
    const report = await validateFile({ path, ...options, split: { maxFileBytes: 1_000_000 } });
    expect(report.ok).toBe(true);
    const file = await openRecordsFile({ path });
    try {
      const content = file.content();
      expect(content.size).toBe(onDisk.length);
      for (let attempt = 0; attempt < 2; attempt++) {
        const chunks: Uint8Array[] = [];
        const reader = content.open().getReader();
        for (let next = await reader.read(); !next.done; next = await reader.read()) chunks.push(next.value);
        expect(Math.max(...chunks.map((chunk) => chunk.length))).toBeLessThanOrEqual(1024 * 1024);
        expect(Buffer.concat(chunks).equals(onDisk)).toBe(true);
      }
      // Each part, read twice: the framed records of the file it names, parsed here on their own.
      expect(report.parts!.length).toBeGreaterThan(2);
      let next = 0;
      for (const part of report.parts!) {
        const content = file.partContent({ part });
        const first = new Uint8Array(await new Response(content.open()).arrayBuffer());
        const second = new Uint8Array(await new Response(content.open()).arrayBuffer());
        expect(first.length).toBe(part.bytes);
        expect(content.size).toBe(part.bytes);
        expect(Buffer.from(second).equals(Buffer.from(first))).toBe(true);
        const held = (JSON.parse(new TextDecoder().decode(first)) as { records: unknown[] }).records;
        expect(held).toEqual(records.slice(next, next + part.records));
        next += part.records;
      }
      expect(next).toBe(records.length);
    } finally {
      await file.close();
    }
  });

  it('validateBytes gives the report validateFile gives for the same file, and finds the duplicates a Map finds', async () => {
    const records = Array.from({ length: 120_000 }, (_, i) => record(i));
    // Seeded anywhere: repeated keys far apart and a record of another shape.
    for (const [at, from] of [[7, 110_001], [65_537, 3], [119_999, 64]] as const) records[at] = record(from, { user_name: '王五' });
    (records[90_000] as Record<string, unknown>).user_name = 12;
    for (const [name, text] of [['compact', JSON.stringify({ records })], ['pretty', JSON.stringify({ records }, null, 2)]] as const) {
      const path = join(dir, `bytes-${name}.json`);
      await writeFile(path, text);
      const bytes = await readFile(path);
      const fromBytes = await validateBytes({ bytes, ...options });
      const fromFile = await validateFile({ path, ...options });
      // A repeated key is reported once confirmed, at the end of the chunk it is in: chunks differ (4 MiB slices of bytes, 1 MiB reads of a file).
      const inFileOrder = (report: ValidationReport) => ({ ...report, issues: [...report.issues].sort((a, b) => (a.recordIndex ?? -1) - (b.recordIndex ?? -1)) });
      expect(inFileOrder(fromBytes)).toEqual(inFileOrder(fromFile));
      const seen = new Map<string, number>();
      const repeats: [number, number][] = [];
      (JSON.parse(text) as { records: Record<string, string>[] }).records.forEach((one, i) => {
        const key = `${one.order_no}|${one.pay_month}`;
        if (seen.has(key)) repeats.push([i, seen.get(key)!]);
        else seen.set(key, i);
      });
      const found = fromBytes.issues.filter((issue) => issue.rule === 'primary-key-duplicate').map((issue) => [issue.recordIndex, issue.relatedRecordIndex]);
      expect(found).toEqual(repeats);
      expect(fromBytes.issues.some((issue) => issue.recordIndex === 90_000)).toBe(true);
    }
    await expect(validateBytes({ bytes: 'text' as unknown as Uint8Array, ...options })).rejects.toMatchObject({ code: 'PARAM_INVALID' });
  });

  it("openRecordsFile's upload content refuses a file changed since it was opened, as a Node file Blob does", async () => {
    const path = join(dir, 'changing.json');
    await writeFile(path, fileText([record(0), record(1)]));
    const grown = await openRecordsFile({ path });
    const touched = await openRecordsFile({ path });
    try {
      expect(new Uint8Array(await new Response(grown.content().open()).arrayBuffer()).length).toBe(grown.size);
      await appendFile(path, ' ');
      await expect(new Response(grown.content().open()).arrayBuffer()).rejects.toMatchObject({ code: 'PARAM_INVALID', message: expect.stringMatching(/changed after it was opened \(\d+ → \d+ bytes\)/) });
      // The same size, another modification time: the bytes may differ.
      await writeFile(path, fileText([record(0), record(1)]));
      const later = new Date(Date.now() + 60_000);
      await utimes(path, later, later);
      await expect(new Response(touched.content().open()).arrayBuffer()).rejects.toMatchObject({ code: 'PARAM_INVALID', message: expect.stringMatching(/changed after it was opened \(modified\)/) });
    } finally {
      await grown.close();
      await touched.close();
    }
  });

  it("a file changed while its upload content is read: the stream fails before its last bytes, the whole file and a planned part alike", async () => {
    // 3 MiB and more: several 1 MiB reads, so the change lands after the first chunk and before the last.
    const path = join(dir, 'changing-mid-read.json');
    const records = Array.from({ length: 20_000 }, (_, i) => record(i, { user_name: 'x'.repeat(150) }));
    await writeFile(path, fileText(records));
    const report = await validateFile({ path, ...options, split: { maxFileBytes: 2_000_000 } });
    expect(report.ok).toBe(true);
    const file = await openRecordsFile({ path });
    expect(file.size).toBeGreaterThan(3 * 1024 * 1024);
    const readUntilFailure = async (stream: ReadableStream<Uint8Array>) => {
      const reader = stream.getReader();
      let bytes = 0;
      let first = true;
      try {
        for (let next = await reader.read(); !next.done; next = await reader.read()) {
          bytes += next.value.length;
          if (first) {
            first = false;
            const later = new Date(Date.now() + 60_000 + bytes);
            await utimes(path, later, later);
          }
        }
      } catch (error) {
        return { bytes, error };
      }
      return { bytes, error: undefined };
    };
    try {
      const whole = await readUntilFailure(file.content().open());
      expect(whole.error).toMatchObject({ code: 'PARAM_INVALID', message: expect.stringMatching(/changed after it was opened \(modified\)/) });
      expect(whole.bytes).toBeLessThan(file.size);
      const part = report.parts![0]!;
      expect(part.spans.reduce((sum, span) => sum + span.length, 0)).toBeGreaterThan(1024 * 1024);
      const reopened = await openRecordsFile({ path });
      try {
        const piece = await readUntilFailure(reopened.partContent({ part }).open());
        expect(piece.error).toMatchObject({ code: 'PARAM_INVALID', message: expect.stringMatching(/changed after it was opened \(modified\)/) });
        // Everything but the closing `]}`, at most: the part never ends whole.
        expect(piece.bytes).toBeLessThanOrEqual(part.bytes - 2);
      } finally {
        await reopened.close();
      }
    } finally {
      await file.close();
    }
  });

  it("openRecordsFile's reads hand over only bytes of the file: what a short read leaves of its buffer is zeros", async () => {
    const path = join(dir, 'shrinking.json');
    await writeFile(path, fileText(Array.from({ length: 2_000 }, (_, i) => record(i))));
    const file = await openRecordsFile({ path });
    try {
      const whole = await file.readAt({ offset: 0, length: file.size });
      expect(Buffer.from(whole).equals(await readFile(path))).toBe(true);
      await truncate(path, 1_000);
      const short = await file.readAt({ offset: 500, length: 4_000 });
      expect(short.length).toBe(500);
      // The view's memory beyond its bytes, reachable through `.buffer`, holds nothing from before.
      const memory = new Uint8Array(short.buffer, short.byteOffset, 4_000);
      expect(memory.subarray(500).every((byte) => byte === 0)).toBe(true);
      expect(Buffer.from(short).equals((await readFile(path)).subarray(500))).toBe(true);
    } finally {
      await file.close();
    }
  });

  it('treats a hash match as a duplicate only if the earlier record really holds the same key', async () => {
    // Records 0 and 1 share a key in the stream, but random access serves a different record 0:
    // the match must then be settled as a false match, not reported.
    const streamed = encode(fileText([record(0), record(0, { user_name: '李四' })]));
    const served = encode(fileText([record(9), record(0, { user_name: '李四' })]));
    const readAt = async ({ offset, length }: { offset: number; length: number }) => served.subarray(offset, offset + length);
    expect((await validateRecords({ input: inChunks(streamed, 16), ...options, readAt })).issues).toEqual([]);
    expect((await validateRecords({ input: inChunks(streamed, 16), ...options })).issues).toMatchObject([{ rule: 'primary-key-duplicate' }]);
  });
});
