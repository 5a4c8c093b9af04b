import { bilingual } from '../report/issue.js';
import type { FieldCheck } from './field-check.js';

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK_CHARS = '10X98765432';

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isCalendarDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return day <= DAYS_IN_MONTH[month - 1]! + (month === 2 && leap ? 1 : 0);
}

/** The number the `count` characters at `at` spell; the caller has checked they are ASCII digits. */
function digitsAt(value: string, at: number, count: number): number {
  let number = 0;
  for (let i = at; i < at + count; i++) number = number * 10 + value.charCodeAt(i) - 0x30;
  return number;
}

/**
 * The ISO 7064 MOD 11-2 check character of a PRC ID number's first 17 digits.
 *
 * @example
 * ```ts
 * prcIdCheckChar({ first17: '11010519491231002' }); // 'X'
 * ```
 */
export function prcIdCheckChar({ first17 }: { first17: string }): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 0x30) * ID_WEIGHTS[i]!;
  return ID_CHECK_CHARS[sum % 11]!;
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

// `/^\d{17}[\dXx]$/` as character checks: runs on every ID number of a file.
function isIdShape(value: string): boolean {
  if (value.length !== 18) return false;
  for (let i = 0; i < 17; i++) if (!isDigit(value.charCodeAt(i))) return false;
  const last = value.charCodeAt(17);
  return isDigit(last) || last === 0x58 || last === 0x78;
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
    if (!isIdShape(value)) {
      return { rule, message: bilingual(`身份证号 ${show(value)} 须为 18 位（17 位数字加校验位）`, `ID number ${show(value)} must be 18 characters: 17 digits and a check character`) };
    }
    const year = digitsAt(value, 6, 4);
    if (year < 1800 || !isCalendarDate(year, digitsAt(value, 10, 2), digitsAt(value, 12, 2))) {
      return { rule, message: bilingual(`身份证号 ${show(value)} 的出生日期无效`, `ID number ${show(value)} holds an invalid birth date`) };
    }
    const expected = prcIdCheckChar({ first17: value });
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

// Runs once per date value of every record: character checks, no regex match arrays or slices.
function matchesDate(value: string, format: DateFormat): boolean {
  if (value.length !== format.length) return false;
  for (let i = 0; i < format.length; i++) {
    const code = value.charCodeAt(i);
    const pattern = format.charCodeAt(i);
    // In a format, every letter stands for a digit and any other character for itself.
    const fits = pattern >= 0x41 ? code >= 0x30 && code <= 0x39 : code === pattern;
    if (!fits) return false;
  }
  const year = digitsAt(value, 0, 4);
  const day = format.length >= 10 ? digitsAt(value, 8, 2) : 1;
  if (year < 1900 || !isCalendarDate(year, digitsAt(value, 5, 2), day)) return false;
  return format.length < 19 || (digitsAt(value, 11, 2) <= 23 && digitsAt(value, 14, 2) <= 59 && digitsAt(value, 17, 2) <= 59);
}

// A loop rather than `formats.some(…)`: no closure per value checked.
function matchesAnyDate(value: string, formats: readonly DateFormat[]): boolean {
  for (let i = 0; i < formats.length; i++) if (matchesDate(value, formats[i]!)) return true;
  return false;
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
    value === '' || matchesAnyDate(value, formats)
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

// `value.trim() === ''` without trimming the common value: printable ASCII first is never whitespace.
function isBlank(value: string): boolean {
  const first = value.charCodeAt(0);
  return !(first > 0x20 && first < 0x7f) && value.trim() === '';
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
  return ({ value, field }) => (isBlank(value) ? { rule: 'required', message: bilingual(`${field} 不能为空`, `${field} must not be empty`) } : undefined);
}
