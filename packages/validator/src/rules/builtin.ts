import { bilingual } from '../report/issue.js';
import { withBytesShortcut, type FieldCheck } from './field-check.js';

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK_CHARS = '10X98765432';
const ID_CHECK_CODES = Uint8Array.from(ID_CHECK_CHARS, (char) => char.charCodeAt(0));

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * The checks below accept ASCII only, and read a value as bytes: the UTF-8 bytes of a flat record's
 * value (see `ValueBytes`), or a string's characters through {@link asciiCodes}. One rule, read both
 * ways, and the byte reading builds no string.
 */
let scratch = new Uint8Array(64);

/**
 * A string's UTF-16 units as bytes in a shared buffer (overwritten by the next call), every unit beyond
 * ASCII as 0x80, which no check accepts anywhere: the checks see the same verdict as on the string.
 */
function asciiCodes(value: string): Uint8Array {
  // A rare long value (a memo checked as an amount) gets its own buffer rather than growing the shared one for good.
  const codes = value.length <= scratch.length ? scratch : value.length <= 4096 ? (scratch = new Uint8Array(4096)) : new Uint8Array(value.length);
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    codes[i] = code < 0x80 ? code : 0x80;
  }
  return codes;
}

function isCalendarDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return day <= DAYS_IN_MONTH[month - 1]! + (month === 2 && leap ? 1 : 0);
}

/** The number the `count` characters at `at` spell; the caller has checked they are ASCII digits. */
function digitsAt(bytes: Uint8Array, at: number, count: number): number {
  let number = 0;
  for (let i = at; i < at + count; i++) number = number * 10 + bytes[i]! - 0x30;
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

const ID_OK = 0;
const ID_SHAPE = 1;
const ID_BIRTH_DATE = 2;
const ID_CHECK_CHAR = 3;
const ID_LOWER_X = 4;

/**
 * What is wrong with the ID number `bytes[start, end)`: one of the ID_* verdicts, checked in that order
 * (`/^\d{17}[\dXx]$/`, the birth date, the check character). One pass over the digits: it runs on every
 * ID number of a file.
 */
function idVerdict(bytes: Uint8Array, start: number, end: number): number {
  if (end - start !== 18) return ID_SHAPE;
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const digit = bytes[start + i]! - 0x30;
    if (digit < 0 || digit > 9) return ID_SHAPE;
    sum += digit * ID_WEIGHTS[i]!;
  }
  const actual = bytes[start + 17]!;
  if (!isDigit(actual) && actual !== 0x58 && actual !== 0x78) return ID_SHAPE;
  const year = digitsAt(bytes, start + 6, 4);
  if (year < 1800 || !isCalendarDate(year, digitsAt(bytes, start + 10, 2), digitsAt(bytes, start + 12, 2))) return ID_BIRTH_DATE;
  // Upper-cased: the shape allows only digits, X and x there.
  if ((actual === 0x78 ? 0x58 : actual) !== ID_CHECK_CODES[sum % 11]) return ID_CHECK_CHAR;
  return actual === 0x78 ? ID_LOWER_X : ID_OK;
}

/** `^(0|[1-9]\d*)` then, when `decimals` > 0, a point and exactly `decimals` digits, as character checks. */
function isDecimalText(bytes: Uint8Array, start: number, end: number, decimals: number): boolean {
  let i = start;
  if (i >= end) return false;
  const first = bytes[i++]!;
  if (first !== 0x30) {
    if (!isDigit(first)) return false;
    while (i < end && isDigit(bytes[i]!)) i++;
  }
  if (decimals <= 0) return i === end;
  if (end - i !== decimals + 1 || bytes[i++] !== 0x2e) return false;
  for (; i < end; i++) if (!isDigit(bytes[i]!)) return false;
  return true;
}

// `String.prototype.trim`'s white space and line terminators beyond ASCII (ECMAScript WhiteSpace: Zs and U+FEFF).
function isWideSpace(code: number): boolean {
  return code === 0xa0 || code === 0x1680 || (code >= 0x2000 && code <= 0x200a) || code === 0x2028 || code === 0x2029 || code === 0x202f || code === 0x205f || code === 0x3000 || code === 0xfeff;
}

/** The code point of the UTF-8 sequence at `at` (valid UTF-8, as a flat record's value is). */
function codePointAt(bytes: Uint8Array, at: number): number {
  const lead = bytes[at]!;
  if (lead < 0x80) return lead;
  if (lead < 0xe0) return ((lead & 0x1f) << 6) | (bytes[at + 1]! & 0x3f);
  if (lead < 0xf0) return ((lead & 0x0f) << 12) | ((bytes[at + 1]! & 0x3f) << 6) | (bytes[at + 2]! & 0x3f);
  return ((lead & 0x07) << 18) | ((bytes[at + 1]! & 0x3f) << 12) | ((bytes[at + 2]! & 0x3f) << 6) | (bytes[at + 3]! & 0x3f);
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
  const check: FieldCheck = ({ value, show }) => {
    if (value === '') return undefined;
    const rule = 'prc-id';
    switch (idVerdict(asciiCodes(value), 0, value.length)) {
      case ID_SHAPE:
        return { rule, message: bilingual(`身份证号 ${show(value)} 须为 18 位（17 位数字加校验位）`, `ID number ${show(value)} must be 18 characters: 17 digits and a check character`) };
      case ID_BIRTH_DATE:
        return { rule, message: bilingual(`身份证号 ${show(value)} 的出生日期无效`, `ID number ${show(value)} holds an invalid birth date`) };
      case ID_CHECK_CHAR:
        return { rule, message: bilingual(`身份证号 ${show(value)} 校验位错误`, `ID number ${show(value)} fails its MOD 11-2 check character`) };
      case ID_LOWER_X:
        return { rule, severity: 'warning', message: bilingual(`身份证号 ${show(value)} 校验位请用大写 X`, `ID number ${show(value)}: write the check character as upper-case X`) };
      default:
        return undefined;
    }
  };
  return withBytesShortcut(check, ({ bytes, start, end }) => start === end || idVerdict(bytes, start, end) === ID_OK);
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
  // The ASCII codes as bytes: a value's UTF-8 bytes equal one exactly when the value is that code. Other codes are left to the check.
  const asciiCodes = allowed.filter((code) => /^[\x00-\x7f]*$/.test(code)).map((code) => Uint8Array.from(code, (char) => char.charCodeAt(0)));
  const check: FieldCheck = ({ value, field, show }) =>
    value === '' || set.has(value)
      ? undefined
      : { rule: 'code-list', message: bilingual(`${field} 的值 ${show(value)} 不在代码表中（${listed}）`, `${field} value ${show(value)} is not a known code (${listed})`) };
  return withBytesShortcut(check, ({ bytes, start, end }) => {
    if (start === end) return true;
    for (const code of asciiCodes) {
      if (code.length !== end - start) continue;
      let i = 0;
      while (i < code.length && bytes[start + i] === code[i]) i++;
      if (i === code.length) return true;
    }
    return false;
  });
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
  const example = decimals > 0 ? `19000.${'0'.repeat(decimals)}` : '19000';
  // A fraction length that is no whole number keeps the regex's reading of it.
  const pattern = Number.isInteger(decimals) ? undefined : new RegExp(`^(0|[1-9]\\d*)${decimals > 0 ? `\\.\\d{${decimals}}` : ''}$`);
  const check: FieldCheck = ({ value, field, show }) =>
    value === '' || (pattern === undefined ? isDecimalText(asciiCodes(value), 0, value.length, decimals) : pattern.test(value))
      ? undefined
      : { rule: 'amount', message: bilingual(`${field} 金额 ${show(value)} 格式错误，应如 ${example}`, `${field} amount ${show(value)} is malformed; write it like ${example}`) };
  return pattern !== undefined ? check : withBytesShortcut(check, ({ bytes, start, end }) => start === end || isDecimalText(bytes, start, end, decimals));
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

// A format as bytes: 0 where it holds a letter (a digit there), else the character itself.
function dateMask(format: DateFormat): Uint8Array {
  return Uint8Array.from(format, (char) => (char.charCodeAt(0) >= 0x41 ? 0 : char.charCodeAt(0)));
}

// Runs once per date value of every record: byte checks, no regex match arrays or slices.
function matchesDate(bytes: Uint8Array, start: number, end: number, mask: Uint8Array): boolean {
  if (end - start !== mask.length) return false;
  for (let i = 0; i < mask.length; i++) {
    const code = bytes[start + i]!;
    const expected = mask[i]!;
    if (expected === 0 ? !isDigit(code) : code !== expected) return false;
  }
  const year = digitsAt(bytes, start, 4);
  const day = mask.length >= 10 ? digitsAt(bytes, start + 8, 2) : 1;
  if (year < 1900 || !isCalendarDate(year, digitsAt(bytes, start + 5, 2), day)) return false;
  return mask.length < 19 || (digitsAt(bytes, start + 11, 2) <= 23 && digitsAt(bytes, start + 14, 2) <= 59 && digitsAt(bytes, start + 17, 2) <= 59);
}

// A loop rather than `masks.some(…)`: no closure per value checked.
function matchesAnyDate(bytes: Uint8Array, start: number, end: number, masks: readonly Uint8Array[]): boolean {
  for (let i = 0; i < masks.length; i++) if (matchesDate(bytes, start, end, masks[i]!)) return true;
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
  const masks = formats.map(dateMask);
  const check: FieldCheck = ({ value, field, show }) =>
    value === '' || matchesAnyDate(asciiCodes(value), 0, value.length, masks)
      ? undefined
      : { rule: 'date', message: bilingual(`${field} 日期 ${show(value)} 无效，格式应为 ${listed}`, `${field} date ${show(value)} is not a valid ${listed}`) };
  return withBytesShortcut(check, ({ bytes, start, end }) => start === end || matchesAnyDate(bytes, start, end, masks));
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
  const check: FieldCheck = ({ value, field }) => {
    if (value.length <= max) return undefined;
    const length = [...value].length;
    return length <= max ? undefined : { rule: 'max-length', message: bilingual(`${field} 长度 ${length} 超过上限 ${max}`, `${field} is ${length} characters, over the limit of ${max}`) };
  };
  // A character takes at least one UTF-8 byte.
  return withBytesShortcut(check, ({ start, end }) => end - start <= max);
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
  const check: FieldCheck = ({ value, field, show }) =>
    value === '' || isDecimalText(asciiCodes(value), 0, value.length, 0)
      ? undefined
      : { rule: 'integer', message: bilingual(`${field} 的值 ${show(value)} 须为非负整数`, `${field} value ${show(value)} must be a non-negative integer`) };
  return withBytesShortcut(check, ({ bytes, start, end }) => start === end || isDecimalText(bytes, start, end, 0));
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
  const check: FieldCheck = ({ value, field }) => (isBlank(value) ? { rule: 'required', message: bilingual(`${field} 不能为空`, `${field} must not be empty`) } : undefined);
  // Not blank when the first character is no white space: printable ASCII, or a wider character trim keeps.
  return withBytesShortcut(check, ({ bytes, start, end }) => {
    if (start === end) return false;
    const first = bytes[start]!;
    return (first > 0x20 && first < 0x7f) || (first >= 0x80 && !isWideSpace(codePointAt(bytes, start)));
  });
}
