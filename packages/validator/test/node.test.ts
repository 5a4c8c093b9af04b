import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRecordsFile, validateFile } from '../src/node/index.js';
import { validateRecords } from '../src/index.js';
import { encode, fileText, inChunks, options, record } from './helpers.js';

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
