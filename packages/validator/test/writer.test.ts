import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { createRecordsFileWriter, validateRecords, type RecordsFile } from '../src/index.js';
import { COLUMNS, PRIMARY_KEY, record } from './helpers.js';

async function collect(files: AsyncIterable<RecordsFile>): Promise<RecordsFile[]> {
  const out: RecordsFile[] = [];
  for await (const file of files) out.push(file);
  return out;
}

describe('createRecordsFileWriter', () => {
  it('writes one file that JSON.parse reads back, keys in column order', async () => {
    const writer = createRecordsFileWriter({ columns: COLUMNS, primaryKeyColumns: PRIMARY_KEY });
    const input = [record(0, { user_name: '引号"反斜杠\\换行\n制表\t\u2028' }), { user_name: '李四', pay_month: '2025-02', order_no: 'LN1' }];
    const [file, ...rest] = await collect(writer.files({ records: input }));
    expect(rest).toEqual([]);
    expect(file!.records).toBe(2);
    const parsed = JSON.parse(new TextDecoder().decode(file!.bytes)) as { records: Record<string, string>[] };
    expect(parsed.records).toEqual(input);
    expect(Object.keys(parsed.records[1]!)).toEqual(COLUMNS);
    expect((await validateRecords({ input: file!.bytes, columns: COLUMNS, primaryKeyColumns: PRIMARY_KEY, records: file!.records })).issues).toEqual([]);
  });

  it('encodes GBK when asked (checked with iconv-lite) and the result validates as GBK', async () => {
    const writer = createRecordsFileWriter({ columns: COLUMNS, primaryKeyColumns: PRIMARY_KEY, fileCharset: 'GBK' });
    const [file] = await collect(writer.files({ records: [record(0, { user_name: '张三乗' })] }));
    expect(iconv.decode(Buffer.from(file!.bytes), 'gbk')).toBe(JSON.stringify({ records: [record(0, { user_name: '张三乗' })] }));
    expect(await validateRecords({ input: file!.bytes, columns: COLUMNS, primaryKeyColumns: PRIMARY_KEY, fileCharset: 'GBK', records: 1 })).toMatchObject({ ok: true, issues: [] });
  });

  it('splits at maxFileBytes and maxRecordsPerFile; every part validates and counts add up', async () => {
    async function* many() {
      for (let i = 0; i < 500; i++) yield record(i);
    }
    const writer = createRecordsFileWriter({ columns: COLUMNS, primaryKeyColumns: PRIMARY_KEY, maxFileBytes: 4096 });
    const files = await collect(writer.files({ records: many() }));
    expect(files.length).toBeGreaterThan(5);
    let next = 0;
    for (const file of files) {
      expect(file.bytes.length).toBeLessThanOrEqual(4096);
      expect(file.firstRecordIndex).toBe(next);
      next += file.records;
      expect((await validateRecords({ input: file.bytes, columns: COLUMNS, primaryKeyColumns: PRIMARY_KEY, records: file.records, maxFileBytes: 4096 })).ok).toBe(true);
    }
    expect(next).toBe(500);
    const byCount = await collect(createRecordsFileWriter({ columns: COLUMNS, primaryKeyColumns: PRIMARY_KEY, maxRecordsPerFile: 200 }).files({ records: many() }));
    expect(byCount.map((file) => file.records)).toEqual([200, 200, 100]);
  });

  it('rejects a duplicate primary key across files of the same run', async () => {
    const writer = createRecordsFileWriter({ columns: COLUMNS, primaryKeyColumns: PRIMARY_KEY, maxRecordsPerFile: 1 });
    await expect(collect(writer.files({ records: [record(0), record(1), record(0, { user_name: '李四' })] }))).rejects.toMatchObject({ code: 'PARAM_INVALID', message: expect.stringContaining('record 0') });
  });

  it.each([
    ['a missing column', { order_no: 'LN1', pay_month: '2025-01' }],
    ['an extra key', record(0, { memo: '' })],
    ['an empty primary key', record(0, { order_no: '' })],
    ['a whitespace-only primary key', record(0, { pay_month: ' \u3000\t' })],
    ['a null value', record(0, { user_name: null })],
    ['a lone surrogate', record(0, { user_name: '\ud800' })],
  ])('throws PARAM_INVALID for %s', async (_name, input) => {
    const writer = createRecordsFileWriter({ columns: COLUMNS, primaryKeyColumns: PRIMARY_KEY });
    await expect(collect(writer.files({ records: [input] }))).rejects.toMatchObject({ code: 'PARAM_INVALID' });
  });

  it.each([
    ['an emoji', '😀', 'U+1F600'],
    // GBK decoders read the lone byte 0x80 as €, but 0x80 is not GBK: the gateway (and validateRecords) refuse it.
    ['the euro sign', '€', 'U+20AC'],
  ])('throws PARAM_INVALID naming the record, field and character for %s, which GBK cannot hold', async (_name, char, point) => {
    const writer = createRecordsFileWriter({ columns: COLUMNS, primaryKeyColumns: PRIMARY_KEY, fileCharset: 'GBK' });
    const rejected = collect(writer.files({ records: [record(0), record(1, { user_name: `张${char}三` })] }));
    await expect(rejected).rejects.toMatchObject({ code: 'PARAM_INVALID', message: `Record 1 field user_name holds "${char}" (${point}), which cannot be encoded as GBK.` });
    // The same text in UTF-8 is fine.
    const [file] = await collect(createRecordsFileWriter({ columns: COLUMNS, primaryKeyColumns: PRIMARY_KEY }).files({ records: [record(1, { user_name: `张${char}三` })] }));
    expect((await validateRecords({ input: file!.bytes, columns: COLUMNS, primaryKeyColumns: PRIMARY_KEY, records: 1 })).ok).toBe(true);
  });

  it('writes no file for no records: an empty records file is not an upload', async () => {
    const writer = createRecordsFileWriter({ columns: COLUMNS, primaryKeyColumns: PRIMARY_KEY });
    expect(await collect(writer.files({ records: [] }))).toEqual([]);
  });

  it('converts numbers and booleans to strings and offers the bytes as a stream', async () => {
    const writer = createRecordsFileWriter({ columns: COLUMNS, primaryKeyColumns: PRIMARY_KEY });
    const [file] = await collect(writer.files({ records: [record(0, { user_name: 42, pay_month: true })] }));
    const streamed = new Uint8Array(await new Response(file!.stream()).arrayBuffer());
    expect(streamed).toEqual(file!.bytes);
    expect(JSON.parse(new TextDecoder().decode(streamed))).toEqual({ records: [{ order_no: 'LN0', pay_month: 'true', user_name: '42' }] });
  });
});
