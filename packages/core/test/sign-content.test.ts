import { describe, expect, it } from 'vitest';
import { buildSignContent } from '../src/index.js';

describe('buildSignContent (gateway rule)', () => {
  it('reproduces the UTF-8 example of the protocol notes character for character', () => {
    // Expected text copied from shared/docs/protocol.md §2, not produced by this SDK.
    const expected =
      'app_id=2021000000000001&biz_ext_params={"extparam1":"中文值"}&charset=utf-8&columns=order_no,pay_month,user_name&file_charset=UTF-8&file_description=文件描述信息&file_type=json_data&method=zhima.data.batch.feedback&primary_key_columns=order_no,pay_month&records=1&sign_type=RSA2&timestamp=2024-01-02 03:04:05&version=1.0';
    const params = {
      version: '1.0',
      timestamp: '2024-01-02 03:04:05',
      sign_type: 'RSA2',
      records: 1,
      primary_key_columns: 'order_no,pay_month',
      method: 'zhima.data.batch.feedback',
      file_type: 'json_data',
      file_description: '文件描述信息',
      file_charset: 'UTF-8',
      columns: 'order_no,pay_month,user_name',
      charset: 'utf-8',
      biz_ext_params: '{"extparam1":"中文值"}',
      app_id: '2021000000000001',
      sign: 'must-not-appear',
    };
    expect(buildSignContent(params)).toBe(expected);
  });

  it('drops empty, null and absent values but keeps white space and zero', () => {
    expect(buildSignContent({ b: '', c: null, d: undefined, e: ' ', f: 0, a: '0' })).toBe('a=0&e= &f=0');
  });

  it('keeps values raw: &, =, %, spaces and emoji are not encoded', () => {
    expect(buildSignContent({ x: 'a&b=c d%20😀' })).toBe('x=a&b=c d%20😀');
  });

  it('sorts keys by byte order: upper case before lower case, underscore between', () => {
    expect(buildSignContent({ b: '1', B: '2', a_b: '3', ab: '4', a: '5' })).toBe('B=2&a=5&a_b=3&ab=4&b=1');
  });
});
