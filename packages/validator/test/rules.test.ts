import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { amount, codeList, dateFormat, loanTemplate, maskPersonal, maxLength, nonNegativeInteger, prcIdCheckChar, prcIdNumber, required, validateRecords, type DateFormat, type FieldCheck } from '../src/index.js';
import { encode, fileText, VALID_IDS } from './helpers.js';

const show = (value: string) => JSON.stringify(value);
function run(check: FieldCheck, value: string, record: Record<string, unknown> = {}) {
  return check({ value, field: 'f', record, recordIndex: 0, show });
}

/** Independent MOD 11-2 (ISO 7064) with the textbook formula: sum(a_i * 2^(17-i)) mod 11, check = (12 - sum) mod 11. */
function iso7064(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (2 ** (17 - i) % 11);
  const check = (12 - (sum % 11)) % 11;
  return check === 10 ? 'X' : String(check);
}

/** Independent date check: the JS Date round trip (UTC) of the same text, years from 1900. */
function isRealDate(value: string, format: DateFormat): boolean {
  const shapes: Record<DateFormat, RegExp> = { 'yyyy-MM': /^\d{4}-\d{2}$/, 'yyyy-MM-dd': /^\d{4}-\d{2}-\d{2}$/, 'yyyy-MM-dd HH:mm:ss': /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/ };
  if (!shapes[format].test(value) || Number(value.slice(0, 4)) < 1900) return false;
  const iso = format === 'yyyy-MM' ? `${value}-01` : value.replace(' ', 'T');
  const date = new Date(`${iso}${iso.length > 10 ? 'Z' : 'T00:00:00Z'}`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(iso);
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');
const dateText = fc.oneof(
  fc
    .tuple(fc.integer({ min: 1890, max: 2100 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }), fc.integer({ min: 0, max: 25 }), fc.integer({ min: 0, max: 61 }), fc.integer({ min: 0, max: 61 }), fc.constantFrom(7, 10, 19))
    .map(([y, mo, d, h, mi, s, length]) => `${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)} ${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}`.slice(0, length)),
  fc.string({ unit: fc.constantFrom(...'0123456789-: T/a'.split('')), minLength: 6, maxLength: 20 }),
);

describe('built-in field checks', () => {
  it('dateFormat agrees with the JS Date round trip on every format', () => {
    const formats: DateFormat[] = ['yyyy-MM', 'yyyy-MM-dd', 'yyyy-MM-dd HH:mm:ss'];
    fc.assert(
      fc.property(dateText, (value) => {
        for (const format of formats) expect(run(dateFormat({ formats: [format] }), value) === undefined).toBe(value === '' || isRealDate(value, format));
      }),
      { numRuns: 3000 },
    );
  });

  it('prcIdNumber accepts published specimens and agrees with the textbook MOD 11-2 formula', () => {
    for (const id of VALID_IDS) expect(run(prcIdNumber(), id)).toBeUndefined();
    for (let n = 0; n < 200; n++) {
      const first17 = `1101051980010${String(n).padStart(4, '0')}`;
      expect(prcIdCheckChar({ first17 })).toBe(iso7064(first17));
    }
  });

  it.each([
    ['a wrong check digit', '110105194912310021'],
    ['17 characters', '11010519491231002'],
    ['a letter inside', '1101051949123100AX'],
    ['February 30th', '110105194902300027'],
    ['a year before 1800', '110105179912310021'],
  ])('prcIdNumber rejects %s', (_name, id) => {
    expect(run(prcIdNumber(), id)).toMatchObject({ rule: 'prc-id' });
  });

  it('prcIdNumber warns about a lower-case x', () => {
    expect(run(prcIdNumber(), '11010519491231002x')).toMatchObject({ rule: 'prc-id', severity: 'warning' });
  });

  it('codeList, amount, dateFormat, maxLength, nonNegativeInteger and required', () => {
    const status = codeList({ codes: { '01': '审批通过', '04': '已放款' } });
    expect(run(status, '04')).toBeUndefined();
    expect(run(status, '4')).toMatchObject({ rule: 'code-list' });
    expect(run(amount(), '19000.00')).toBeUndefined();
    for (const bad of ['19000', '19,000.00', '-1.00', '1.5', '01.00']) expect(run(amount(), bad)).toMatchObject({ rule: 'amount' });
    const dates = dateFormat({ formats: ['yyyy-MM-dd', 'yyyy-MM-dd HH:mm:ss'] });
    for (const good of ['2024-02-29', '2025-01-31 23:59:59']) expect(run(dates, good)).toBeUndefined();
    for (const bad of ['2025-02-29', '2025-1-31', '2025-01-31 24:00:00', '2025/01/31']) expect(run(dates, bad)).toMatchObject({ rule: 'date' });
    expect(run(dateFormat({ formats: ['yyyy-MM'] }), '2025-13')).toMatchObject({ rule: 'date' });
    expect(run(maxLength({ max: 2 }), '张三')).toBeUndefined();
    expect(run(maxLength({ max: 2 }), '𠀀𠀀')).toBeUndefined(); // two characters, four UTF-16 units
    expect(run(maxLength({ max: 2 }), '张三丰')).toMatchObject({ rule: 'max-length' });
    expect(run(nonNegativeInteger(), '-1')).toMatchObject({ rule: 'integer' });
    expect(run(required(), ' ')).toMatchObject({ rule: 'required' });
    expect(run(amount(), '')).toBeUndefined();
  });
});

describe('template rules in validateRecords', () => {
  const base = {
    user_name: '张三', user_credentials_type: '0', user_credentials_no: VALID_IDS[0], order_no: 'LN1', biz_type: '1', order_status: '04',
    create_amt: '19000.00', pay_month: '2025-01', gmt_ovd_date: '', overdue_days: '0', overdue_amt: '0.00', gmt_pay: '2025-01-10 09:30:00', memo: '',
  };

  it('the loan preset passes a good record and flags each broken field as INVALID_PARAMETER', async () => {
    const good = await validateRecords({ input: encode(fileText([base])), ...loanTemplate, records: 1 });
    // The preset's 13 columns pass the documented 100-character limit of the columns param: a warning only.
    expect(good.issues.map((issue) => `${issue.severity}:${issue.field}`)).toEqual(['warning:columns']);
    const broken = { ...base, order_no: 'LN2', user_credentials_no: '110105194912310021', order_status: '05', create_amt: '19000', pay_month: '2025-13' };
    const report = await validateRecords({ input: encode(fileText([base, broken])), ...loanTemplate });
    expect(report.issues.slice(1).map((issue) => `${issue.code}:${issue.rule}:${issue.field}:${issue.recordIndex}`)).toEqual([
      'INVALID_PARAMETER:prc-id:user_credentials_no:1',
      'INVALID_PARAMETER:code-list:order_status:1',
      'INVALID_PARAMETER:amount:create_amt:1',
      'INVALID_PARAMETER:date:pay_month:1',
    ]);
  });

  it('checks ID numbers only for credential type 0 (身份证)', async () => {
    const passport = { ...base, user_credentials_type: '2', user_credentials_no: 'E12345678' };
    expect((await validateRecords({ input: encode(fileText([passport])), ...loanTemplate })).errorCount).toBe(0);
  });

  it('runs a plain user function as a rule, named after the function', async () => {
    const startsWithLn: FieldCheck = function startsWithLn({ value }) {
      return value.startsWith('LN') ? undefined : '订单号须以 LN 开头 / order_no must start with LN';
    };
    const text = fileText([{ order_no: 'X1', pay_month: '2025-01' }]);
    const report = await validateRecords({ input: encode(text), columns: 'order_no,pay_month', primaryKeyColumns: 'order_no', rules: { order_no: startsWithLn } });
    expect(report.issues).toMatchObject([{ rule: 'custom:startsWithLn', field: 'order_no', severity: 'error', code: 'INVALID_PARAMETER' }]);
  });

  it('never shows an ID number or a name whole in messages', async () => {
    const id = '110105194912310021';
    const name = '欧阳修远';
    const broken = { ...base, user_name: name, user_credentials_no: id, memo: id };
    const userRule: FieldCheck = ({ value, show: display }) => `bad ${display(value)}`;
    const report = await validateRecords({ input: encode(fileText([broken, broken])), ...loanTemplate, rules: { ...loanTemplate.rules, memo: userRule, user_name: userRule } });
    expect(report.issues.length).toBeGreaterThanOrEqual(3);
    for (const issue of report.issues) {
      expect(issue.message).not.toContain(id);
      expect(issue.message).not.toContain(name);
    }
    expect(report.issues.map((issue) => issue.message).join('\n')).toContain(maskPersonal({ value: id }));
  });

  it('masks names to their first character and ID numbers to 3 + 4', () => {
    expect(maskPersonal({ value: '张三' })).toBe('张*');
    expect(maskPersonal({ value: '11010519491231002X' })).toBe('110***********002X');
  });
});
