import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkRecord, checkRecordText, loanTemplateRules, prcIdNumber, validateCloseloopParams, validateRecords, type Issue } from '../src/index.js';
import { encode, fileText } from './helpers.js';
import { badIdsByOracle, LOAN_COLUMNS, LOAN_KEY, loansWithBadIds, seeded } from './loan-files.js';

// checkRecord is the file report's record-level checks for one record, from the same code: for every
// record of a file it must give exactly the issues the file report gives that record (less their
// places in the file), at merchant scale and on records built to break every rule.

/** An issue without its place in a file (a record checked alone has none). */
function unplaced({ byteOffset: _byteOffset, line: _line, column: _column, ...issue }: Issue): Issue {
  return issue;
}

/** The file report's issues of each record, without places; duplicates (a property of the file) left out. */
function fileIssuesByRecord(issues: readonly Issue[], count: number): Issue[][] {
  const byRecord = Array.from({ length: count }, (): Issue[] => []);
  for (const issue of issues) if (issue.recordIndex !== undefined && issue.rule !== 'primary-key-duplicate') byRecord[issue.recordIndex]!.push(unplaced(issue));
  return byRecord;
}

const columns = ['order_no', 'pay_month', 'user_name', 'user_credentials_no', 'memo'];
const primaryKeyColumns = ['order_no', 'pay_month'];
const rules = { user_credentials_no: prcIdNumber(), memo: ({ value, show }: { value: string; show(value: string): string }) => (value.includes('}') ? `memo ${show(value)} holds a brace` : undefined) };

// Values built to break the record rules every way: non-strings, nested values, blank keys, bad IDs,
// personal data in free text.
const value = fc.oneof(
  fc.string({ unit: fc.constantFrom(...'a7张}{ ,:'.split('')), maxLength: 6 }),
  fc.constantFrom('', ' ', '\u3000', '11010519491231002X', '110105194912310021', '13812345678'),
  fc.constantFrom<unknown>(7, true, null, { a: 1 }, ['x']),
);
const recordArbitrary = fc
  .tuple(fc.dictionary(fc.constantFrom(...columns, 'extra'), value, { maxKeys: 6 }), fc.boolean())
  .map(([fields, complete]) => (complete ? { order_no: 'LN1', pay_month: '2025-01', user_name: '张三', user_credentials_no: '11010519491231002X', memo: '', ...fields } : fields));

describe('checkRecord gives the file report of that record', () => {
  it('for arbitrary records, record by record', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(recordArbitrary, { minLength: 1, maxLength: 30 }), async (records) => {
        const report = await validateRecords({ input: encode(fileText(records)), columns, primaryKeyColumns, rules, maxIssues: 100_000 });
        const expected = fileIssuesByRecord(report.issues, records.length);
        records.forEach((record, recordIndex) => {
          expect(checkRecord({ record, columns, primaryKeyColumns, rules, recordIndex }).issues).toEqual(expected[recordIndex]);
        });
      }),
      { numRuns: 200 },
    );
  });

  it('for a 100k-record loan file with seeded bad ID numbers, and agrees with an independent ID check', async () => {
    const count = 100_000;
    const random = seeded(15);
    const badIds = new Set(Array.from({ length: 300 }, () => Math.floor(random() * count)));
    const records = loansWithBadIds({ count, seed: 15, badIds });
    // A few records of other shapes, anywhere.
    delete records[17]!.pay_month;
    records[54_321] = { ...records[54_321]!, overdue_cnt: 2 as unknown as string };
    const report = await validateRecords({ input: encode(fileText(records)), columns: LOAN_COLUMNS, primaryKeyColumns: LOAN_KEY, rules: loanTemplateRules, maxIssues: 1_000_000 });
    const expected = fileIssuesByRecord(report.issues, count);
    const flagged: number[] = [];
    records.forEach((record, recordIndex) => {
      const check = checkRecord({ record, columns: LOAN_COLUMNS, primaryKeyColumns: LOAN_KEY, rules: loanTemplateRules, recordIndex });
      expect(check.issues).toEqual(expected[recordIndex]);
      if (check.issues.some((issue) => issue.rule === 'prc-id')) flagged.push(recordIndex);
    });
    expect(flagged).toEqual(badIdsByOracle(records));
    expect(flagged.length).toBe(badIds.size);
  });

  it('names the record, masks its key and values, and takes the record’s own keys when no columns are given', () => {
    const record = { user_credentials_no: '110105194912310021', pay_month: '2025-01', phone_num: '13812345678' };
    const check = checkRecord({ record, primaryKeyColumns: 'user_credentials_no,pay_month,order_no', rules: { user_credentials_no: prcIdNumber() }, recordIndex: 41 });
    expect(check).toMatchObject({ ok: false, errorCount: 2, warningCount: 0 });
    expect(check.issues).toMatchObject([
      { rule: 'prc-id', recordIndex: 41, recordNumber: 42, field: 'user_credentials_no', primaryKey: { user_credentials_no: '110***********0021', pay_month: '2025-01' } },
      // Without columns, the gateway's answer to a primary key the record lacks.
      { rule: 'primary-key-not-field', code: 'INVALID_PRIMARY_ARGUMENTS', field: 'order_no', recordNumber: 42 },
    ]);
    expect(JSON.stringify(check)).not.toContain('110105194912310021');
  });

  it('refuses column lists the gateway would refuse', () => {
    // Read as @zhima/core reads every column list: names trimmed (so 'order_no, pay_month' is two names), a space inside a name refused.
    expect(() => checkRecord({ record: {}, columns: 'order no,pay_month', primaryKeyColumns: 'pay_month' })).toThrow(expect.objectContaining({ code: 'PARAM_INVALID' }));
    expect(() => checkRecord({ record: {}, columns: 'order_no,,pay_month', primaryKeyColumns: 'order_no' })).toThrow(expect.objectContaining({ code: 'PARAM_INVALID' }));
    expect(checkRecord({ record: { order_no: 'LN1', pay_month: '2025-01' }, columns: 'order_no, pay_month', primaryKeyColumns: 'order_no' }).ok).toBe(true);
    expect(() => checkRecord({ record: {}, columns: 'order_no', primaryKeyColumns: 'bill_no' })).toThrow(expect.objectContaining({ code: 'PARAM_INVALID' }));
  });
});

describe('checkRecordText (the data of zhima.merchant.single.data.upload)', () => {
  const base = { order_no: 'LN1', pay_month: '2025-01', user_name: '张三' };
  const options = { primaryKeyColumns: 'order_no,pay_month' };
  const padded = (memoChars: number, char: string) => JSON.stringify({ ...base, memo: char.repeat(memoChars) });

  it('holds the text to 4096 both in characters and in bytes of the request charset', () => {
    const ascii = (memoChars: number) => JSON.stringify({ ...base, user_name: 'Zhang San', memo: 'a'.repeat(memoChars) });
    const overhead = ascii(0).length;
    expect(checkRecordText({ ...options, text: ascii(4096 - overhead) })).toMatchObject({ ok: true, issues: [] });
    expect(checkRecordText({ ...options, text: ascii(4097 - overhead) }).issues).toMatchObject([{ rule: 'record-too-long', code: 'INVALID_PARAMETER' }]);
    // The same 4096 characters holding two CJK ones: 4100 bytes in UTF-8, 4098 in GBK.
    const twoCjk = padded(4096 - overhead + 'Zhang San'.length - 2, 'a');
    expect(twoCjk.length).toBe(4096);
    expect(checkRecordText({ ...options, text: twoCjk, charset: 'utf-8' }).issues[0]!.message).toContain('the record is 4096 characters and 4100 bytes in utf-8, over the limit of 4096');
    expect(checkRecordText({ ...options, text: twoCjk, charset: 'gbk' }).issues.map((issue) => issue.rule)).toEqual(['record-too-long']);
    // 1800 CJK characters: far under 4096 characters, 5400+ bytes in UTF-8, 3600+ in GBK.
    const cjk = padded(1800, '张');
    expect(cjk.length).toBeLessThan(4096);
    expect(checkRecordText({ ...options, text: cjk, charset: 'utf-8' }).issues.map((issue) => issue.rule)).toEqual(['record-too-long']);
    expect(checkRecordText({ ...options, text: cjk, charset: 'GBK' }).ok).toBe(true);
    expect(checkRecordText({ ...options, text: padded(2100, '张'), charset: 'gbk' }).issues[0]!.message).toMatch(/4\d{3} 字节（gbk）.* and 4\d{3} bytes in gbk, over the limit of 4096/);
  });

  it('refuses characters the request charset cannot encode, and unpaired surrogates', () => {
    expect(checkRecordText({ ...options, text: JSON.stringify({ ...base, user_name: '张😀' }), charset: 'gbk' }).issues).toMatchObject([{ rule: 'charset-invalid', message: expect.stringContaining('U+1F600') }]);
    expect(checkRecordText({ ...options, text: JSON.stringify({ ...base, user_name: '张😀' }), charset: 'utf-8' }).ok).toBe(true);
    expect(checkRecordText({ ...options, text: `{"order_no":"LN1","pay_month":"2025-01","user_name":"\ud800"}` }).issues.map((issue) => issue.rule)).toEqual(['charset-invalid']);
  });

  it('locates syntax errors by line and column in the text, and finds keys JSON.parse would merge', () => {
    const text = '{"order_no":"LN1",\n "pay_month":"2025-01",\n "user_name":"张三",}';
    expect(checkRecordText({ ...options, text }).issues).toEqual([
      { code: 'JSON_PARSE_ERROR', rule: 'json-syntax', severity: 'error', message: expect.stringContaining('trailing comma'), line: 3, column: 18, recordIndex: 0, recordNumber: 1 },
    ]);
    const twice = '{"order_no":"LN1","pay_month":"2025-01","user_name":"张三","order_no":"LN2"}';
    const column = [...twice.slice(0, twice.lastIndexOf('"order_no"'))].length + 1;
    expect(checkRecordText({ ...options, text: twice }).issues).toMatchObject([{ rule: 'record-duplicate-key', field: 'order_no', line: 1, column }]);
  });

  it('gives checkRecord’s findings for the record it reads, and the record', () => {
    fc.assert(
      fc.property(recordArbitrary, (record) => {
        const text = JSON.stringify(record, null, 1);
        const check = checkRecordText({ text, columns, primaryKeyColumns, rules, maxLength: 1 << 20 });
        expect(check.issues.map(unplaced)).toEqual(checkRecord({ record, columns, primaryKeyColumns, rules }).issues);
        expect(check.record).toEqual(record);
      }),
      { numRuns: 300 },
    );
  });
});

describe('validateCloseloopParams (zhima.merchant.closeloop.data.upload)', () => {
  const valid = { scene_code: '8', columns: 'order_no,pay_month', primary_key_columns: 'order_no,pay_month', records: '2', file_charset: 'UTF-8' };
  const found = (params: Record<string, string | undefined>) => validateCloseloopParams(params).issues.map((issue) => `${issue.severity}:${issue.rule}:${issue.field}`);

  it('accepts the documented params', () => {
    expect(validateCloseloopParams(valid)).toEqual({ ok: true, issues: [] });
    expect(validateCloseloopParams({ ...valid, linked_merchant_id: '2088123456789012', biz_ext_params: JSON.stringify({ note: 'x'.repeat(240) }) }).ok).toBe(true);
  });

  it.each([
    ['no scene_code', { scene_code: undefined }, 'error:param-required:scene_code'],
    ['a blank scene_code', { scene_code: ' ' }, 'error:param-required:scene_code'],
    ['linked_merchant_id over 16', { linked_merchant_id: '20881234567890123' }, 'error:param-max-length:linked_merchant_id'],
    ['biz_ext_params over 256', { biz_ext_params: JSON.stringify({ note: 'x'.repeat(250) }) }, 'error:param-max-length:biz_ext_params'],
    ['biz_ext_params not a JSON object', { biz_ext_params: '[1]' }, 'error:biz-ext-params-json:biz_ext_params'],
    ['a file_type, which the method does not define', { file_type: 'json_data' }, 'warning:param-not-defined:file_type'],
    ['a file_description', { file_description: 'x' }, 'warning:param-not-defined:file_description'],
    ['records 0', { records: '0' }, 'error:records-empty:records'],
    ['a primary key outside columns', { primary_key_columns: 'order_no,bill_month' }, 'error:primary-key-not-column:primary_key_columns'],
    ['GBK in lower case', { file_charset: 'gbk' }, 'warning:file-charset:file_charset'],
  ])('reports %s', (_name, change, expected) => {
    expect(found({ ...valid, ...change })).toEqual([expected]);
  });
});
