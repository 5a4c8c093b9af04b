import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateRecords, type Issue, type ValidationOptions } from '../src/index.js';
import { validateFile } from '../src/node/index.js';
import { COLUMNS, encode, errors, fileText, inChunks, options, positionOf, record, rules } from './helpers.js';

async function check(text: string, extra: Partial<ValidationOptions> = {}) {
  return validateRecords({ input: encode(text, extra.fileCharset === 'GBK' ? 'GBK' : 'UTF-8'), ...options, ...extra });
}

/** The one issue a file that breaks exactly one rule must produce. */
async function onlyIssue(text: string, extra: Partial<ValidationOptions> = {}): Promise<Issue> {
  const report = await check(text, extra);
  expect(report.issues).toHaveLength(1);
  return report.issues[0]!;
}

describe('a valid file', () => {
  it('passes, pretty-printed or compact', async () => {
    const records = [record(0), record(1), record(2)];
    const compact = fileText(records);
    expect(await check(compact, { records: 3 })).toMatchObject({ ok: true, recordCount: 3, issues: [], truncated: false, bytes: encode(compact).length });
    // Indentation puts whitespace inside the documented opening {"records": — accepted, with a warning.
    const pretty = JSON.stringify({ records }, null, 2);
    const report = await check(pretty, { records: 3 });
    expect(report).toMatchObject({ ok: true, recordCount: 3, warningCount: 1 });
    expect(rules(report)).toEqual(['file-prefix-whitespace']);
  });

  it('passes with keys in any order, and still finds duplicates and rule failures there', async () => {
    const reordered = [{ user_name: '张三', pay_month: '2025-01', order_no: 'LN1' }, { pay_month: '2025-01', order_no: 'LN1', user_name: 'X' }];
    expect(await check(fileText([reordered[0]]), { records: 1 })).toMatchObject({ ok: true, issues: [] });
    const report = await check(fileText(reordered), { rules: { user_name: ({ value }) => (value === 'X' ? 'no X' : undefined) } });
    expect(report.issues.map((issue) => `${issue.rule}:${issue.recordIndex}`)).toEqual(['custom:user_name:1', 'primary-key-duplicate:1']);
  });

  it('refuses a file with no records, with or without records = 0: there is nothing to send', async () => {
    for (const text of ['{"records":[]}', '{"records":[\n]}\n']) {
      const report = await check(text);
      expect(report).toMatchObject({ ok: false, recordCount: 0, errorCount: 1 });
      expect(report.issues).toMatchObject([{ rule: 'records-empty', code: 'INVALID_DATA_ARGUMENTS', severity: 'error' }]);
      expect(report.issues[0]!.message).toMatch(/没有可上传的数据.*nothing to send/);
    }
    // Declared 0: the param is refused (one issue, not two).
    const declared = await check('{"records":[]}', { records: 0 });
    expect(declared).toMatchObject({ ok: false, recordCount: 0 });
    expect(declared.issues.map((issue) => `${issue.rule}:${issue.field ?? ''}`)).toEqual(['records-empty:records']);
    // Declared 0 for a file that holds records: refused, and the count disagrees.
    const nonEmpty = await check(fileText([record(0)]), { records: '0' });
    expect(rules(nonEmpty)).toEqual(['records-empty', 'records-count']);
  });
});

describe('charset', () => {
  it('catches a GBK file declared UTF-8, pointing at the first bad byte', async () => {
    const text = fileText([record(0, { user_name: '李四' })]);
    const report = await validateRecords({ input: encode(text, 'GBK'), ...options });
    const issue = errors(report)[0]!;
    expect(issue).toMatchObject({ rule: 'charset-invalid', code: 'INVALID_PARAMETER', recordIndex: 0, ...positionOf(text, text.indexOf('李'), 'GBK') });
    expect(issue.message).toContain('GBK');
  });

  it('catches a UTF-8 file declared GBK', async () => {
    const text = fileText([record(0, { user_name: '王小明' }), record(1, { user_name: '赵六' })]);
    const report = await validateRecords({ input: encode(text), ...options, fileCharset: 'GBK' });
    expect(errors(report).map((issue) => issue.rule)).toContain('charset-mismatch');
    expect(report.ok).toBe(false);
  });

  it('accepts GBK text whose trail byte is a backslash (0x5C)', async () => {
    // 乗 is 0x81 0x5C in GBK: a naive scanner would read an escape and lose the closing quote.
    const text = fileText([record(0, { user_name: '乗' }), record(1)]);
    expect(encode(text, 'GBK').includes(0x5c)).toBe(true);
    expect(await check(text, { fileCharset: 'GBK', records: 2 })).toMatchObject({ ok: true, issues: [] });
  });

  it('rejects the lone byte 0x80 in GBK, which the runtime decoder would turn into €', async () => {
    const bytes = encode(fileText([record(0, { user_name: '张X' })]), 'GBK');
    bytes[bytes.indexOf(0x58)] = 0x80;
    const report = await validateRecords({ input: bytes, ...options, fileCharset: 'GBK' });
    expect(rules(report)).toEqual(['charset-invalid']);
  });

  it('reports a byte order mark', async () => {
    const text = '\ufeff' + fileText([record(0)]);
    const issue = await onlyIssue(text);
    expect(issue).toMatchObject({ rule: 'file-bom', severity: 'error', code: 'JSON_PARSE_ERROR', byteOffset: 0 });
  });
});

describe('the opening and the end of the document', () => {
  it('warns about whitespace around the opening tokens', async () => {
    const text = '{ "records" : [' + JSON.stringify(record(0)) + ']}';
    const issue = await onlyIssue(text);
    expect(issue).toMatchObject({ rule: 'file-prefix-whitespace', severity: 'warning', ...positionOf(text, 1) });
  });

  it.each([
    ['another key', '{"data":[]}', 'file-prefix', 1],
    ['a bare array', '[{"order_no":"LN1"}]', 'file-prefix', 0],
    ['records that is not an array', '{"records":{}}', 'records-not-array', 11],
    ['another top-level field', '{"records":[],"total":0}', 'file-extra-field', 13],
    ['content after the closing brace', '{"records":[]}\n{"records":[]}', 'trailing-content', 15],
    ['a control character ending the opening key', '{"records\u0000:[]}', 'json-syntax', 9],
  ])('rejects %s', async (_name, text, rule, index) => {
    const issue = await onlyIssue(text);
    expect(issue).toMatchObject({ rule, severity: 'error', code: 'JSON_PARSE_ERROR', ...positionOf(text, index) });
  });

  it('allows whitespace after the closing brace', async () => {
    expect(await check(`${fileText([record(0)])}\n\n  `)).toMatchObject({ ok: true, issues: [] });
  });
});

describe('strict JSON syntax, first error located exactly', () => {
  const good = JSON.stringify(record(0));
  it.each([
    ['a truncated file', `{"records":[\n${good},\n{"order_no":"LN1","pay_mon`, (t: string) => t.length, 'end-of-input'],
    ['a file cut after the array', `{"records":[${good}]`, (t: string) => t.length, 'end-of-input'],
    ['an empty file', '', () => 0, 'end-of-input'],
    ['a trailing comma in a record', `{"records":[\n  {"order_no":"LN1","pay_month":"2025-01","user_name":"张三",}\n]}`, (t: string) => t.indexOf(',}'), 'trailing-comma'],
    ['a trailing comma in the array', `{"records":[\n${good},\n]}`, (t: string) => t.lastIndexOf(','), 'trailing-comma'],
    ['a bad escape', `{"records":[{"order_no":"LN\\x1","pay_month":"2025-01","user_name":"张三"}]}`, (t: string) => t.indexOf('\\x'), 'bad-escape'],
    ['a lone high surrogate escape', `{"records":[{"order_no":"LN1","pay_month":"2025-01","user_name":"张\\ud800"}]}`, (t: string) => t.indexOf('\\ud800'), 'lone-surrogate'],
    ['a lone low surrogate escape', `{"records":[{"order_no":"LN1","pay_month":"2025-01","user_name":"\\udc00张"}]}`, (t: string) => t.indexOf('\\udc00'), 'lone-surrogate'],
    ['a raw line break in a string', `{"records":[{"order_no":"LN1","pay_month":"2025-01","user_name":"张\n三"}]}`, (t: string) => t.indexOf('\n'), 'control-character'],
    ['a single-quoted string', `{"records":[{"order_no":'LN1',"pay_month":"2025-01","user_name":"张三"}]}`, (t: string) => t.indexOf("'"), 'unexpected-character'],
    ['a missing comma between records', `{"records":[${good}\n${good}]}`, (t: string) => t.indexOf('\n') + 1, 'unexpected-character'],
    ['a bad number', `{"records":[{"order_no":01,"pay_month":"2025-01","user_name":"张三"}]}`, (t: string) => t.indexOf('1,'), 'unexpected-character'],
    ['a bad literal', `{"records":[{"order_no":tru,"pay_month":"2025-01","user_name":"张三"}]}`, (t: string) => t.indexOf(','), 'bad-literal'],
  ])('finds %s', async (_name, text, at, reason) => {
    expect(() => JSON.parse(text)).toSatisfy((parse: () => unknown) => {
      try {
        parse();
        return reason === 'lone-surrogate'; // JSON.parse accepts these; we do not.
      } catch {
        return reason !== 'lone-surrogate';
      }
    });
    const report = await check(text);
    const syntax = report.issues.filter((issue) => issue.rule === 'json-syntax');
    expect(syntax).toHaveLength(1);
    expect(syntax[0]).toMatchObject({ code: 'JSON_PARSE_ERROR', severity: 'error', ...positionOf(text, at(text)) });
    expect(syntax[0]!.message).toContain(`line ${positionOf(text, at(text)).line}`);
    expect(report.ok).toBe(false);
    void reason;
  });

  it('counts columns in characters on lines full of Chinese text', async () => {
    const text = `{"records":[{"order_no":"LN1","pay_month":"2025-01","user_name":"张三丰"}\n,{"order_no":"LN2","pay_month":"2025-01","user_name":"诸葛亮",}]}`;
    const issue = (await check(text)).issues[0]!;
    expect(issue).toMatchObject({ rule: 'json-syntax', ...positionOf(text, text.lastIndexOf(',}')) });
    expect(issue.column).toBeLessThan(issue.byteOffset! - text.indexOf('\n'));
  });

  it('reports an unclosed string that swallows the rest of the file without holding it all', async () => {
    const body = Array.from({ length: 2000 }, (_, i) => JSON.stringify(record(i + 1))).join(',');
    const text = `{"records":[{"order_no":"LN0,"pay_month":"2025-01","user_name":"张三"},${body}]}`;
    const report = await validateRecords({ input: inChunks(encode(text), 4096), ...options, maxRecordBytes: 16 * 1024 });
    expect(report.issues.map((issue) => issue.rule)).toEqual(['json-syntax']);
    expect(report.issues[0]).toMatchObject(positionOf(text, text.indexOf('pay_month') - 1 + 1));
  });
});

describe('records', () => {
  it('rejects a record that is not an object', async () => {
    const text = fileText([record(0), ['LN1', '2025-01', '张三']]);
    expect(await onlyIssue(text)).toMatchObject({ rule: 'record-not-object', recordIndex: 1, ...positionOf(text, text.indexOf('["LN1"')) });
  });

  it('rejects a duplicate key within a record', async () => {
    const text = `{"records":[{"order_no":"LN1","pay_month":"2025-01","user_name":"张三","user_name":"李四"}]}`;
    expect(await onlyIssue(text)).toMatchObject({ rule: 'record-duplicate-key', field: 'user_name', recordIndex: 0, ...positionOf(text, text.lastIndexOf('"user_name"')) });
  });

  it('reports a missing and an extra column as separate rules', async () => {
    const missing = fileText([{ order_no: 'LN1', pay_month: '2025-01' }]);
    expect(await onlyIssue(missing)).toMatchObject({ rule: 'record-missing-column', code: 'INVALID_DATA_ARGUMENTS', field: 'user_name', recordIndex: 0 });
    const extra = fileText([record(0, { memo: '' })]);
    expect(await onlyIssue(extra)).toMatchObject({ rule: 'record-extra-column', code: 'INVALID_DATA_ARGUMENTS', field: 'memo', recordIndex: 0 });
  });

  it('treats Object.prototype names as columns like any other', async () => {
    const text = fileText([{ order_no: 'LN1', pay_month: '2025-01' }]);
    const report = await validateRecords({ input: encode(text), columns: ['order_no', 'pay_month', 'constructor'], primaryKeyColumns: PRIMARY });
    expect(rules(report)).toEqual(['record-missing-column']);
  });

  it('rejects an empty primary key value', async () => {
    const text = fileText([record(0, { pay_month: '' })]);
    expect(await onlyIssue(text)).toMatchObject({ rule: 'primary-key-empty', code: 'INVALID_PRIMARY_ARGUMENTS', field: 'pay_month', ...positionOf(text, text.indexOf('"pay_month"')) });
  });

  it.each([' ', '\t', '\u3000', ' \u2003\r\n', '\u2028', '\u001f'])('rejects a primary key value made only of whitespace (%j), on both engines', async (blank) => {
    // Record 70 of 100 sits in a batch of clean records, which the fast path would otherwise accept whole.
    const records = Array.from({ length: 100 }, (_, i) => record(i, i === 70 ? { pay_month: blank } : {}));
    const text = fileText(records);
    const expected = { rule: 'primary-key-empty', code: 'INVALID_PRIMARY_ARGUMENTS', recordIndex: 70, field: 'pay_month', ...positionOf(text, text.indexOf('"pay_month"', text.indexOf('"LN70"'))) };
    expect((await check(text, { records: 100 })).issues).toMatchObject([expected]);
    const path = join(await mkdtemp(join(tmpdir(), 'zhima-blank-')), 'records.json');
    await writeFile(path, text);
    try {
      expect((await validateFile({ path, ...options, records: 100 })).issues).toMatchObject([expected]);
    } finally {
      await rm(dirname(path), { recursive: true, force: true });
    }
  });

  it('accepts a primary key holding a no-break space, which Java does not count as whitespace', async () => {
    const text = fileText([record(0, { pay_month: '\u00a0' }), record(1, { order_no: '\u3000LN1' })]);
    expect(await check(text, { records: 2 })).toMatchObject({ ok: true, issues: [] });
  });

  it('names both records of a duplicate primary key', async () => {
    const records = [record(0), record(1), record(2), record(1, { user_name: '李四' })];
    const text = fileText(records);
    const issue = await onlyIssue(text);
    expect(issue).toMatchObject({ rule: 'primary-key-duplicate', code: 'INVALID_PRIMARY_ARGUMENTS', recordIndex: 3, relatedRecordIndex: 1 });
    // Named as a person counts them: the second and the fourth record.
    expect(issue.message).toContain('#2 ');
    expect(issue.message).toContain('#4');
    expect(issue.message).not.toContain('#3');
  });

  it('locates a duplicate primary key at its record, across lines and across parse batches', async () => {
    // One record per line; 151 records span three batches of the parser.
    const records = Array.from({ length: 150 }, (_, i) => JSON.stringify(record(i)));
    const last = JSON.stringify(record(70, { user_name: '李四' }));
    const text = `{"records":[\n${[...records, last].join(',\n')}\n]}`;
    const issue = await onlyIssue(text, { records: 151 });
    expect(issue).toMatchObject({ rule: 'primary-key-duplicate', recordIndex: 150, relatedRecordIndex: 70, ...positionOf(text, text.lastIndexOf(last)) });
  });

  it('keeps keys whose values only concatenate alike apart', async () => {
    const records = [{ order_no: 'LN1', pay_month: '2025-011', user_name: 'a' }, { order_no: 'LN12', pay_month: '025-011', user_name: 'a' }];
    expect(rules(await check(fileText(records)))).toEqual([]);
  });

  it('compares the record count with records', async () => {
    const issue = await onlyIssue(fileText([record(0), record(1)]), { records: 3 });
    expect(issue).toMatchObject({ rule: 'records-count', code: 'INVALID_DATA_ARGUMENTS', severity: 'error' });
  });

  it('warns about numbers and booleans, rejects objects and arrays', async () => {
    const text = fileText([record(0, { user_name: 12 }), record(1, { user_name: true }), record(2, { user_name: { first: '三' } }), record(3, { user_name: ['三'] })]);
    const report = await check(text);
    expect(report.issues.map((issue) => `${issue.severity}:${issue.rule}:${issue.recordIndex}`)).toEqual([
      'warning:value-not-string:0',
      'warning:value-not-string:1',
      'error:value-nested:2',
      'error:value-nested:3',
    ]);
  });

  it('checks the size against maxFileBytes', async () => {
    const text = fileText([record(0), record(1)]);
    const issue = await onlyIssue(text, { maxFileBytes: 50 });
    expect(issue).toMatchObject({ rule: 'file-too-large', severity: 'error', byteOffset: 50 });
  });
});

describe('the report', () => {
  it('holds at most maxIssues issues and says it was truncated', async () => {
    const text = fileText(Array.from({ length: 30 }, (_, i) => ({ order_no: `LN${i}`, pay_month: '2025-01' })));
    const report = await check(text, { maxIssues: 10 });
    expect(report.issues).toHaveLength(10);
    expect(report).toMatchObject({ truncated: true, errorCount: 30, ok: false, recordCount: 30 });
  });

  it('is the same whatever the chunking, for streams and web streams', async () => {
    const text = `{"records":[\n${[record(0), record(1, { user_name: 7 }), record(1)].map((r) => JSON.stringify(r)).join(',\n')},\n{"order_no":"LN9",}]}`;
    const bytes = encode(text);
    const whole = await validateRecords({ input: bytes, ...options });
    expect(whole.issues.length).toBeGreaterThanOrEqual(3);
    for (const size of [1, 2, 3, 7, 64]) {
      expect(await validateRecords({ input: inChunks(bytes, size), ...options })).toEqual(whole);
    }
    const stream = new ReadableStream<Uint8Array>({ start: (controller) => (controller.enqueue(bytes.slice(0, 10)), controller.enqueue(bytes.slice(10)), controller.close()) });
    expect(await validateRecords({ input: stream, ...options })).toEqual(whole);
  });

  it('reports progress', async () => {
    const seen: number[] = [];
    await validateRecords({ input: encode(fileText([record(0)])), ...options, onProgress: ({ records }) => seen.push(records) });
    expect(seen.at(-1)).toBe(1);
  });

  it('throws ZhimaError PARAM_INVALID for unusable options and inputs, never for file content', async () => {
    await expect(validateRecords({ input: encode('{}'), ...options, fileCharset: 'latin1' })).rejects.toMatchObject({ code: 'PARAM_INVALID' });
    await expect(validateRecords({ input: encode('{}'), ...options, maxIssues: -1 })).rejects.toMatchObject({ code: 'PARAM_INVALID' });
    await expect(validateRecords({ input: '{"records":[]}' as unknown as Uint8Array, ...options })).rejects.toMatchObject({ code: 'PARAM_INVALID' });
    await expect(validateRecords({ input: encode('{}'), columns: 5 as unknown as string, primaryKeyColumns: 'a' })).rejects.toMatchObject({ code: 'PARAM_INVALID' });
  });

  it('takes one object, as validateFile does, and names the shape when called the old way', async () => {
    const bytes = encode(fileText([record(0)]));
    expect(await validateRecords({ input: bytes, ...options, records: 1 })).toMatchObject({ ok: true, recordCount: 1 });
    const oldShape = validateRecords as unknown as (input: Uint8Array, more: unknown) => Promise<unknown>;
    await expect(oldShape(bytes, options)).rejects.toMatchObject({ code: 'PARAM_INVALID', message: 'validateRecords takes one object: the input and the options together.' });
  });

  it('includes param findings such as a primary key outside columns', async () => {
    const report = await validateRecords({ input: encode(fileText([record(0)])), columns: COLUMNS, primaryKeyColumns: 'order_no,bill_month' });
    expect(rules(report)).toEqual(['primary-key-not-column']);
  });
});

const PRIMARY = ['order_no', 'pay_month'];
