import { describe, expect, it } from 'vitest';
import { buildSignContent, isAbsentParamValue } from '../src/internal.js';
import { presentParams } from '../src/params/param-value.js';

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

  it('drops empty, null and absent values, keeps zero', () => {
    expect(buildSignContent({ b: '', c: null, d: undefined, f: 0, a: '0' })).toBe('a=0&f=0');
  });

  // Java's Character.isWhitespace, read off JDK 17 by looping over every UTF-16 unit (not derived from
  // this SDK): the gateway's StringUtils.isEmpty drops a value made only of these.
  const JAVA_WHITESPACE = [
    0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2008,
    0x2009, 0x200a, 0x2028, 0x2029, 0x205f, 0x3000,
  ];
  // Look like blanks but are not Java whitespace: no-break spaces, NEL, Mongolian vowel separator,
  // zero-width space, BOM, and a character outside the BMP.
  const NOT_JAVA_WHITESPACE = [0xa0, 0x2007, 0x202f, 0x85, 0x180e, 0x200b, 0xfeff, 0x1f600];

  it.each(JAVA_WHITESPACE.map((code) => [code.toString(16).padStart(4, '0'), String.fromCharCode(code)]))(
    'drops a value made only of U+%s, as the Java SDK does',
    (_, blank) => {
      expect(buildSignContent({ a: '1', memo: blank, note: `${blank}${blank} ${blank}` })).toBe('a=1');
      expect(isAbsentParamValue(blank)).toBe(true);
    },
  );

  it.each(NOT_JAVA_WHITESPACE.map((code) => [code.toString(16).padStart(4, '0'), String.fromCodePoint(code)]))('keeps a value made of U+%s', (_, char) => {
    expect(buildSignContent({ a: '1', memo: char })).toBe(`a=1&memo=${char}`);
    expect(isAbsentParamValue(` ${char} `)).toBe(false);
  });

  it('keeps a value with any non-blank character exactly, surrounding whitespace included', () => {
    expect(buildSignContent({ memo: ' \u3000x\t ' })).toBe('memo= \u3000x\t ');
    expect(presentParams({ records: 1, file_description: ' \n ', memo: ' a ', none: null })).toEqual({ records: '1', memo: ' a ' });
  });

  it('keeps values raw: &, =, %, spaces and emoji are not encoded', () => {
    expect(buildSignContent({ x: 'a&b=c d%20😀' })).toBe('x=a&b=c d%20😀');
  });

  it('sorts keys by byte order: upper case before lower case, underscore between', () => {
    expect(buildSignContent({ b: '1', B: '2', a_b: '3', ab: '4', a: '5' })).toBe('B=2&a=5&a_b=3&ab=4&b=1');
  });
});
