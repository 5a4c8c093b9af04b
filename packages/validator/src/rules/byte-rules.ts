import type { FieldCheck } from './field-check.js';

/**
 * The built-in checks read as bytes: one reading of each rule that both the text check (a string's
 * characters through `asciiCodes`) and the byte path (a flat record's UTF-8 value in the scanner's buffer)
 * use, plus each check's {@link ByteRule}: its verdict on a value's bytes as data, so a record's checks run
 * in one loop of one function ({@link passesOnBytes}) instead of a call per check through a closure.
 */

/** The MOD 11-2 weights of a PRC ID number's first 17 digits. */
export const ID_WEIGHTS = Uint8Array.of(7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2);
/** The MOD 11-2 check characters, by the weighted sum of the first 17 digits modulo 11. */
export const ID_CHECK_CHARS = '10X98765432';
const ID_CHECK_CODES = Uint8Array.from(ID_CHECK_CHARS, (char) => char.charCodeAt(0));

const DAYS_IN_MONTH = Uint8Array.of(31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31);

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
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

export const ID_OK = 0;
export const ID_SHAPE = 1;
export const ID_BIRTH_DATE = 2;
export const ID_CHECK_CHAR = 3;
export const ID_LOWER_X = 4;

/**
 * What is wrong with the ID number `bytes[start, end)`: one of the ID_* verdicts, checked in that order
 * (`/^\d{17}[\dXx]$/`, the birth date, the check character). One pass over the digits: it runs on every
 * ID number of a file.
 */
export function idVerdict(bytes: Uint8Array, start: number, end: number): number {
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
export function isDecimalText(bytes: Uint8Array, start: number, end: number, decimals: number): boolean {
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

/** A date format as bytes: 0 where it holds a letter (a digit there), else the character itself. */
export function dateMask(format: string): Uint8Array {
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

/** A real date in one of the formats `masks` (see {@link dateMask}) spell. A loop: no closure per value. */
export function matchesAnyDate(bytes: Uint8Array, start: number, end: number, masks: readonly Uint8Array[]): boolean {
  for (let i = 0; i < masks.length; i++) if (matchesDate(bytes, start, end, masks[i]!)) return true;
  return false;
}

/** `bytes[start, end)` equals one of `codes`. */
function isListedCode(bytes: Uint8Array, start: number, end: number, codes: readonly Uint8Array[]): boolean {
  for (let c = 0; c < codes.length; c++) {
    const code = codes[c]!;
    if (code.length !== end - start) continue;
    let i = 0;
    while (i < code.length && bytes[start + i] === code[i]) i++;
    if (i === code.length) return true;
  }
  return false;
}

/** Not blank when the first character is no white space: printable ASCII, or a wider character `trim` keeps. */
function isNotBlank(bytes: Uint8Array, start: number, end: number): boolean {
  if (start === end) return false;
  const first = bytes[start]!;
  return (first > 0x20 && first < 0x7f) || (first >= 0x80 && !isWideSpace(codePointAt(bytes, start)));
}

const REQUIRED = 0;
const CODES = 1;
const DECIMAL = 2;
const DATE = 3;
const MAX_BYTES = 4;
const PRC_ID = 5;
const WHEN = 6;

/**
 * A built-in check's verdict on a value's bytes, as data read by {@link passesOnBytes}. Every rule has the
 * same fields (one object shape), so the loop over a record's rules stays monomorphic.
 */
export interface ByteRule {
  readonly kind: number;
  /** CODES: the ASCII codes; DATE: the format masks. */
  readonly list: readonly Uint8Array[];
  /** DECIMAL: the digits after the point; MAX_BYTES: the bound. */
  readonly bound: number;
  /** WHEN: `then` applies only when the same record's `field` holds exactly `ascii`. */
  readonly field: string;
  readonly ascii: string;
  readonly then: ByteRule | undefined;
}

function byteRule(kind: number, { list = [], bound = 0, field = '', ascii = '', then }: Partial<Omit<ByteRule, 'kind'>> = {}): ByteRule {
  return { kind, list, bound, field, ascii, then };
}

/**
 * The byte rules of the built-in checks (see {@link ByteRule}).
 *
 * @example
 * ```ts
 * const rule = byteRules.date({ masks: ['yyyy-MM'].map(dateMask) });
 * ```
 */
export const byteRules = {
  /** Not blank (see `required`). */
  required: (): ByteRule => byteRule(REQUIRED),
  /** Empty, or one of `codes` (ASCII only: others are left to the check). */
  codes: ({ codes }: { codes: readonly Uint8Array[] }): ByteRule => byteRule(CODES, { list: codes }),
  /** Empty, or a decimal with exactly `decimals` digits after the point (none: a whole number). */
  decimal: ({ decimals }: { decimals: number }): ByteRule => byteRule(DECIMAL, { bound: decimals }),
  /** Empty, or a real date in one of the formats `masks` spell. */
  date: ({ masks }: { masks: readonly Uint8Array[] }): ByteRule => byteRule(DATE, { list: masks }),
  /** At most `max` bytes (a character takes at least one). */
  maxBytes: ({ max }: { max: number }): ByteRule => byteRule(MAX_BYTES, { bound: max }),
  /** Empty, or a PRC ID number that passes every check (no warning either). */
  prcId: (): ByteRule => byteRule(PRC_ID),
  /** `then`, only when the record's `field` holds exactly `ascii`. */
  when: ({ field, ascii, then }: { field: string; ascii: string; then: ByteRule }): ByteRule => byteRule(WHEN, { field, ascii, then }),
};

/**
 * Where a {@link ByteRule} reads the record's other values.
 *
 * @example
 * ```ts
 * const fields: RecordFields = { fieldIs: (field, ascii) => record[field] === ascii };
 * ```
 */
export interface RecordFields {
  /** True when the same record's column `field` holds exactly `ascii` (an ASCII text); false when it has no such column. */
  fieldIs(field: string, ascii: string): boolean;
}

/**
 * True only when the check `rule` stands for finds nothing in the value `bytes[start, end)` (valid UTF-8
 * of a string without escapes); false means "ask the check", which then builds its message.
 */
export function passesOnBytes(rule: ByteRule, bytes: Uint8Array, start: number, end: number, fields: RecordFields): boolean {
  switch (rule.kind) {
    case REQUIRED:
      return isNotBlank(bytes, start, end);
    case CODES:
      return start === end || isListedCode(bytes, start, end, rule.list);
    case DECIMAL:
      return start === end || isDecimalText(bytes, start, end, rule.bound);
    case DATE:
      return start === end || matchesAnyDate(bytes, start, end, rule.list);
    case MAX_BYTES:
      return end - start <= rule.bound;
    case PRC_ID:
      return start === end || idVerdict(bytes, start, end) === ID_OK;
    default:
      return !fields.fieldIs(rule.field, rule.ascii) || passesOnBytes(rule.then!, bytes, start, end, fields);
  }
}

/** True for {@link byteRules}`.required()`. */
export function isRequiredRule(rule: ByteRule): boolean {
  return rule.kind === REQUIRED;
}

/**
 * True when every non-empty value `rule` passes is also not blank (it starts with a digit, or with a
 * printable code): then `required` and `rule` together pass exactly the non-empty values `rule` passes.
 */
export function passesOnlyNotBlank(rule: ByteRule): boolean {
  switch (rule.kind) {
    case DECIMAL:
    case DATE:
    case PRC_ID:
      return true;
    case CODES:
      return rule.list.every((code) => code.length === 0 || (code[0]! > 0x20 && code[0]! < 0x7f));
    default:
      return false;
  }
}

const BYTE_RULES = new WeakMap<FieldCheck, ByteRule>();

/** Gives `check` its byte rule (see {@link ByteRule}); returns the check. */
export function withByteRule<Check extends FieldCheck>(check: Check, rule: ByteRule): Check {
  BYTE_RULES.set(check, rule);
  return check;
}

/** The byte rule of a built-in check, or undefined (user checks, which always get the text). */
export function byteRuleOf(check: FieldCheck): ByteRule | undefined {
  return BYTE_RULES.get(check);
}
