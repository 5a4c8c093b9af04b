import { bilingual } from '../report/issue.js';
import { byteRules, dateMask, ID_CHECK_CHARS, IdVerdict, idSumModulo, idSumStep, idVerdict, isDecimalText, matchesAnyDate, withByteRule } from './byte-rules.js';
import type { FieldCheck } from './field-check.js';

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
  for (let i = 0; i < 17; i++) sum = idSumStep(sum, first17.charCodeAt(i) - 0x30);
  return ID_CHECK_CHARS[idSumModulo(sum)]!;
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
      case IdVerdict.SHAPE:
        return { rule, message: bilingual(`身份证号 ${show(value)} 须为 18 位（17 位数字加校验位）`, `ID number ${show(value)} must be 18 characters: 17 digits and a check character`) };
      case IdVerdict.BIRTH_DATE:
        return { rule, message: bilingual(`身份证号 ${show(value)} 的出生日期无效`, `ID number ${show(value)} holds an invalid birth date`) };
      case IdVerdict.CHECK_CHAR:
        return { rule, message: bilingual(`身份证号 ${show(value)} 校验位错误`, `ID number ${show(value)} fails its MOD 11-2 check character`) };
      case IdVerdict.LOWER_X:
        return { rule, severity: 'warning', message: bilingual(`身份证号 ${show(value)} 校验位请用大写 X`, `ID number ${show(value)}: write the check character as upper-case X`) };
      default:
        return undefined;
    }
  };
  return withByteRule(check, byteRules.prcId());
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
  return withByteRule(check, byteRules.codes({ codes: asciiCodes }));
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
  return pattern !== undefined ? check : withByteRule(check, byteRules.decimal({ decimals }));
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
  return withByteRule(check, byteRules.date({ masks }));
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
  return withByteRule(check, byteRules.maxBytes({ max }));
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
  return withByteRule(check, byteRules.decimal({ decimals: 0 }));
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
  return withByteRule(check, byteRules.required());
}
