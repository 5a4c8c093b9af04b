import { bilingual } from '../report/issue.js';
import type { FieldCheck } from './field-check.js';

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK_CHARS = '10X98765432';

function isCalendarDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
  return day <= days;
}

/**
 * The ISO 7064 MOD 11-2 check character of a PRC ID number's first 17 digits.
 *
 * @example
 * ```ts
 * prcIdCheckChar('11010519491231002'); // 'X'
 * ```
 */
export function prcIdCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 0x30) * ID_WEIGHTS[i]!;
  return ID_CHECK_CHARS[sum % 11]!;
}

/**
 * PRC resident ID number (居民身份证号): 18 characters, 17 digits and a MOD 11-2 check character
 * (`X` for 10), with a real birth date (year 1800 or later) at positions 7–14. Empty values pass
 * (combine with {@link required}).
 *
 * @example
 * ```ts
 * const rules = { user_credentials_no: prcIdNumber() };
 * ```
 */
export function prcIdNumber(): FieldCheck {
  return ({ value, show }) => {
    if (value === '') return undefined;
    const rule = 'prc-id';
    if (!/^\d{17}[\dXx]$/.test(value)) {
      return { rule, message: bilingual(`身份证号 ${show(value)} 须为 18 位（17 位数字加校验位）`, `ID number ${show(value)} must be 18 characters: 17 digits and a check character`) };
    }
    const year = Number(value.slice(6, 10));
    const month = Number(value.slice(10, 12));
    const day = Number(value.slice(12, 14));
    if (year < 1800 || !isCalendarDate(year, month, day)) {
      return { rule, message: bilingual(`身份证号 ${show(value)} 的出生日期无效`, `ID number ${show(value)} holds an invalid birth date`) };
    }
    const expected = prcIdCheckChar(value);
    const actual = value[17]!;
    if (actual.toUpperCase() !== expected) {
      return { rule, message: bilingual(`身份证号 ${show(value)} 校验位错误`, `ID number ${show(value)} fails its MOD 11-2 check character`) };
    }
    if (actual === 'x') return { rule, severity: 'warning', message: bilingual(`身份证号 ${show(value)} 校验位请用大写 X`, `ID number ${show(value)}: write the check character as upper-case X`) };
    return undefined;
  };
}

/**
 * The value is one of a fixed list of codes (labels only make messages readable). Empty values pass.
 *
 * @example
 * ```ts
 * const rules = { order_status: codeList({ codes: { '01': '审批通过', '02': '审批否决', '03': '用户放弃', '04': '已放款' } }) };
 * ```
 */
export function codeList({ codes }: { codes: readonly string[] | Readonly<Record<string, string>> }): FieldCheck {
  const allowed = Array.isArray(codes) ? [...(codes as readonly string[])] : Object.keys(codes);
  const listed = Array.isArray(codes) ? allowed.join(', ') : Object.entries(codes).map(([code, label]) => `${code} ${label}`).join(', ');
  const set = new Set(allowed);
  return ({ value, field, show }) =>
    value === '' || set.has(value)
      ? undefined
      : { rule: 'code-list', message: bilingual(`${field} 的值 ${show(value)} 不在代码表中（${listed}）`, `${field} value ${show(value)} is not a known code (${listed})`) };
}

/**
 * A money amount as the gateway expects it: digits, a point and exactly `decimals` digits (`"19000.00"`),
 * no sign, no thousands separators. Empty values pass.
 *
 * @example
 * ```ts
 * const rules = { create_amt: amount() };
 * ```
 */
export function amount({ decimals = 2 }: { decimals?: number } = {}): FieldCheck {
  const pattern = new RegExp(`^(0|[1-9]\\d*)${decimals > 0 ? `\\.\\d{${decimals}}` : ''}$`);
  const example = decimals > 0 ? `19000.${'0'.repeat(decimals)}` : '19000';
  return ({ value, field, show }) =>
    value === '' || pattern.test(value)
      ? undefined
      : { rule: 'amount', message: bilingual(`${field} 金额 ${show(value)} 格式错误，应如 ${example}`, `${field} amount ${show(value)} is malformed; write it like ${example}`) };
}

/**
 * Date formats used by Zhima templates.
 *
 * @example
 * ```ts
 * const format: DateFormat = 'yyyy-MM-dd HH:mm:ss';
 * ```
 */
export type DateFormat = 'yyyy-MM-dd' | 'yyyy-MM-dd HH:mm:ss' | 'yyyy-MM';

const DATE_PATTERNS: Record<DateFormat, RegExp> = {
  'yyyy-MM-dd': /^(\d{4})-(\d{2})-(\d{2})$/,
  'yyyy-MM-dd HH:mm:ss': /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/,
  'yyyy-MM': /^(\d{4})-(\d{2})$/,
};

function matchesDate(value: string, format: DateFormat): boolean {
  const parts = DATE_PATTERNS[format].exec(value);
  if (parts === null) return false;
  const [year, month, day = 1, hour = 0, minute = 0, second = 0] = parts.slice(1).map(Number) as number[];
  return year! >= 1900 && isCalendarDate(year!, month!, day) && hour <= 23 && minute <= 59 && second <= 59;
}

/**
 * A real calendar date (and time) in one of the given formats. Empty values pass.
 *
 * @example
 * ```ts
 * const rules = { gmt_pay: dateFormat({ formats: ['yyyy-MM-dd', 'yyyy-MM-dd HH:mm:ss'] }), pay_month: dateFormat({ formats: ['yyyy-MM'] }) };
 * ```
 */
export function dateFormat({ formats }: { formats: readonly DateFormat[] }): FieldCheck {
  const listed = formats.join(' | ');
  return ({ value, field, show }) =>
    value === '' || formats.some((format) => matchesDate(value, format))
      ? undefined
      : { rule: 'date', message: bilingual(`${field} 日期 ${show(value)} 无效，格式应为 ${listed}`, `${field} date ${show(value)} is not a valid ${listed}`) };
}

/**
 * At most `max` characters (code points), as template lengths count them.
 *
 * @example
 * ```ts
 * const rules = { memo: maxLength({ max: 200 }) };
 * ```
 */
export function maxLength({ max }: { max: number }): FieldCheck {
  return ({ value, field }) => {
    if (value.length <= max) return undefined;
    const length = [...value].length;
    return length <= max ? undefined : { rule: 'max-length', message: bilingual(`${field} 长度 ${length} 超过上限 ${max}`, `${field} is ${length} characters, over the limit of ${max}`) };
  };
}

/**
 * A non-negative whole number written in decimal (`"0"`, `"45"`). Empty values pass.
 *
 * @example
 * ```ts
 * const rules = { overdue_days: nonNegativeInteger() };
 * ```
 */
export function nonNegativeInteger(): FieldCheck {
  return ({ value, field, show }) =>
    value === '' || /^(0|[1-9]\d*)$/.test(value)
      ? undefined
      : { rule: 'integer', message: bilingual(`${field} 的值 ${show(value)} 须为非负整数`, `${field} value ${show(value)} must be a non-negative integer`) };
}

/**
 * The value is not empty (missing columns are reported by the structure checks already).
 *
 * @example
 * ```ts
 * const rules = { user_name: required() };
 * ```
 */
export function required(): FieldCheck {
  return ({ value, field }) => (value.trim() === '' ? { rule: 'required', message: bilingual(`${field} 不能为空`, `${field} must not be empty`) } : undefined);
}
