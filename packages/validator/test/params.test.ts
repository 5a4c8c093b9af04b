import { describe, expect, it } from 'vitest';
import { validateCloseloopParams, validateFeedbackParams, type FeedbackParams } from '../src/index.js';

const valid: FeedbackParams = {
  columns: 'order_no,pay_month,user_name',
  primary_key_columns: 'order_no,pay_month',
  records: '2',
  file_type: 'json_data',
  file_charset: 'UTF-8',
};

function rulesOf(params: FeedbackParams): string[] {
  return validateFeedbackParams(params).issues.map((issue) => `${issue.severity}:${issue.rule}:${issue.code}`);
}

describe('validateFeedbackParams', () => {
  it('accepts well-formed params, with columns as a string or an array', () => {
    expect(validateFeedbackParams(valid)).toEqual({ ok: true, issues: [] });
    expect(validateFeedbackParams({ ...valid, columns: ['order_no', 'pay_month'], records: 1, biz_ext_params: '{"extparam1":"value1"}' }).ok).toBe(true);
  });

  it('takes a whitespace-only biz_ext_params as absent, as the gateway does (neither sent nor signed), like core', () => {
    expect(validateFeedbackParams({ ...valid, biz_ext_params: ' \t\u3000' })).toEqual({ ok: true, issues: [] });
    expect(validateCloseloopParams({ ...valid, scene_code: '8', file_type: undefined, biz_ext_params: '  ' }).issues.filter((issue) => issue.field === 'biz_ext_params')).toEqual([]);
  });

  it.each([
    ['a blank column (stray comma)', { columns: 'order_no,,pay_month' }, 'error:column-blank:INVALID_DATA_ARGUMENTS'],
    ['a trailing comma', { columns: 'order_no,pay_month,' }, 'error:column-blank:INVALID_DATA_ARGUMENTS'],
    ['a space inside a name', { columns: 'order_no,pay_month,user name' }, 'error:column-whitespace:INVALID_DATA_ARGUMENTS'],
    ['a line break inside a name', { columns: 'order_no,pay_month,user\nname' }, 'error:column-whitespace:INVALID_DATA_ARGUMENTS'],
    ['a comma inside an array item', { columns: ['order_no', 'pay_month', 'user_name,id_no'] }, 'error:column-comma:INVALID_DATA_ARGUMENTS'],
    ['a duplicate column', { columns: 'order_no,pay_month,order_no' }, 'error:column-duplicate:INVALID_DATA_ARGUMENTS'],
    ['a primary key outside columns', { primary_key_columns: 'order_no,bill_month' }, 'error:primary-key-not-column:INVALID_PRIMARY_ARGUMENTS'],
    ['records 0 (nothing to send)', { records: 0 }, 'error:records-empty:INVALID_DATA_ARGUMENTS'],
    ['records "0"', { records: '0' }, 'error:records-empty:INVALID_DATA_ARGUMENTS'],
    ['negative records', { records: '-1' }, 'error:records-not-count:INVALID_DATA_ARGUMENTS'],
    ['fractional records', { records: 1.5 }, 'error:records-not-count:INVALID_DATA_ARGUMENTS'],
    ['records with a leading zero', { records: '01' }, 'error:records-not-count:INVALID_DATA_ARGUMENTS'],
    ['another file type', { file_type: 'txt' }, 'error:file-type:INVALID_FILE_TYPE'],
    ['an unknown charset', { file_charset: 'UTF-16' }, 'error:file-charset:INVALID_PARAMETER'],
    ['a lower-case charset', { file_charset: 'gbk' }, 'warning:file-charset:INVALID_PARAMETER'],
    ['a charset spelled utf8', { file_charset: 'utf8' }, 'warning:file-charset:INVALID_PARAMETER'],
    ['biz_ext_params that is not JSON', { biz_ext_params: '{extparam1:value1}' }, 'error:biz-ext-params-json:INVALID_PARAMETER'],
    ['biz_ext_params that is a JSON array', { biz_ext_params: '[1]' }, 'error:biz-ext-params-json:INVALID_PARAMETER'],
    ['a description over 100 characters', { file_description: '描'.repeat(101) }, 'warning:param-max-length:INVALID_PARAMETER'],
  ])('reports %s', (_name, change, expected) => {
    expect(rulesOf({ ...valid, ...change })).toEqual([expected]);
  });

  it('reads column lists as @zhima/core does: spaces around names (a config file, a command line) are dropped', () => {
    expect(validateFeedbackParams({ ...valid, columns: ' order_no, pay_month , user_name\n', primary_key_columns: ['order_no ', 'pay_month'] })).toEqual({ ok: true, issues: [] });
  });

  it('only warns about the documented 100-character columns limit, which the API page itself exceeds', () => {
    const docExample = 'user_name,user_credentials_type,user_credentials_no,order_no,biz_type,order_status,create_amt,pay_month,gmt_ovd_date,overdue_cnt';
    expect(docExample.length).toBe(128);
    const report = validateFeedbackParams({ ...valid, columns: docExample });
    expect(report.ok).toBe(true);
    expect(report.issues.map((issue) => `${issue.severity}:${issue.field}`)).toEqual(['warning:columns']);
  });

  it('reports missing required params', () => {
    expect(rulesOf({})).toEqual([
      'error:param-required:INVALID_DATA_ARGUMENTS',
      'error:param-required:INVALID_DATA_ARGUMENTS',
      'error:param-required:INVALID_DATA_ARGUMENTS',
      'error:file-type:INVALID_FILE_TYPE',
      'error:file-charset:INVALID_PARAMETER',
    ]);
  });
});
