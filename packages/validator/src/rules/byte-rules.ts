import { wordView } from '../scan/word-view.js';
import type { FieldCheck } from './field-check.js';

/**
 * The built-in checks read as bytes: one reading of each rule that both the text check (a string's
 * characters through `asciiCodes`) and the byte path (a flat record's UTF-8 value in the scanner's buffer)
 * use, plus each check's {@link ByteRule}: its verdict on a value's bytes as data, which {@link FlatChecks}
 * compiles into one program per record shape. These run on every value of a file: digits are tested four
 * bytes at a time (see {@link nonDigits}), and no string, regex match or closure is made per value.
 */

// ---- four bytes at a time ----

/**
 * The numbers below are `const enum` members, not module constants: a use is a literal in the built code,
 * where a module constant is a load from the module's context (and a type check) at every use, in loops
 * that run on every value of a file.
 */
const enum Nibbles {
  HIGH = 0xf0f0f0f0 | 0,
  LOW = 0x0f0f0f0f,
}

/**
 * Nonzero unless each byte of `word` that `select` keeps (0xff per byte) is an ASCII digit: its high
 * nibble is 3 and its low nibble plus 6 stays below 16 (no carry leaves a byte: a low nibble is at most 15).
 */
function nonDigits(word: number, select: number): number {
  return (((word & Nibbles.HIGH) ^ 0x30303030) | (((word & Nibbles.LOW) + 0x06060606) & Nibbles.HIGH)) & select;
}

/** The four digits of `word` (its first byte the first digit) read as binary digits: d0·8 + d1·4 + d2·2 + d3. */
function doubledDigits(word: number): number {
  return Math.imul(word & Nibbles.LOW, 0x08040201) >>> 24;
}

/** The number four ASCII digits in `word` spell (its first byte the first digit), in two multiplications. */
function fourDigitsOf(word: number): number {
  const digits = word & Nibbles.LOW;
  // Byte 0 then holds d0·10 + d1, byte 2 d2·10 + d3 (no byte carries: each is at most 99).
  const pairs = Math.imul(digits, 10) + (digits >>> 8);
  return (pairs & 0xff) * 100 + ((pairs >>> 16) & 0xff);
}

/** The number the two ASCII digits in the low bytes of `word` spell. */
function twoDigitsOf(word: number): number {
  return (word & 0x0f) * 10 + ((word >>> 8) & 0x0f);
}

/**
 * Every byte of `bytes[from, to)` but the one at `skip` (none: -1) is an ASCII digit. Four bytes at a
 * time, the last four overlapping the ones before rather than reading past `to`.
 */
function allDigits(bytes: Uint8Array, words: DataView, from: number, to: number, skip: number): boolean {
  if (to - from < 4) {
    for (let i = from; i < to; i++) if (i !== skip && bytes[i]! - 0x30 >>> 0 > 9) return false;
    return true;
  }
  let outside = 0;
  for (let i = from; i < to; i += 4) {
    const at = i < to - 4 ? i : to - 4;
    const select = (skip - at) >>> 0 < 4 ? ~(0xff << ((skip - at) << 3)) : -1;
    outside |= nonDigits(words.getInt32(at, true), select);
  }
  return outside === 0;
}

/** The MOD 11-2 check characters, by the weighted sum of the first 17 digits modulo 11. */
export const ID_CHECK_CHARS = '10X98765432';
const ID_CHECK_CODES = Uint8Array.from(ID_CHECK_CHARS, (char) => char.charCodeAt(0));

/**
 * The MOD 11-2 sum of an ID number's first 17 digits, modulo 11, from a running sum read left to right
 * (see {@link idSumStep}): digit `i`'s weight is 2^(17 - i) modulo 11, so doubling the sum before each
 * digit and once more at the end gives the weighted sum without a table of weights.
 */
export function idSumModulo(sum: number): number {
  return (sum * 2) % 11;
}

/** The running sum of {@link idSumModulo} after one more digit. */
export function idSumStep(sum: number, digit: number): number {
  return sum * 2 + digit;
}

const DAYS_IN_MONTH = Uint8Array.of(31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31);

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

function isCalendarDate(year: number, month: number, day: number): boolean {
  // Every month has 28 days: most dates are settled without the leap-year arithmetic. Small, so it is inlined.
  return month >= 1 && month <= 12 && day >= 1 && (day <= 28 || isMonthDay(year, month, day));
}

/** Day `day` (from 29) is in month `month` (1 to 12) of `year`. */
function isMonthDay(year: number, month: number, day: number): boolean {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return day <= DAYS_IN_MONTH[month - 1]! + (month === 2 && leap ? 1 : 0);
}

/** The number the two characters at `at` spell; the caller has checked they are ASCII digits. */
function twoDigitsAt(bytes: Uint8Array, at: number): number {
  return bytes[at]! * 10 + bytes[at + 1]! - 0x210;
}

/** What {@link idVerdict} finds. */
export const enum IdVerdict {
  OK = 0,
  SHAPE = 1,
  BIRTH_DATE = 2,
  CHECK_CHAR = 3,
  LOWER_X = 4,
}

/**
 * What is wrong with the ID number `bytes[start, end)`: one of the {@link IdVerdict}s, checked in that order
 * (`/^\d{17}[\dXx]$/`, the birth date, the check character). It runs on every ID number of a file: the
 * first 16 digits are tested and summed four at a time.
 */
export function idVerdict(bytes: Uint8Array, start: number, end: number): number {
  return idVerdictOf(bytes, wordView(bytes), start, end);
}

/** {@link idVerdict}, given `words`, the buffer's {@link wordView}. */
function idVerdictOf(bytes: Uint8Array, words: DataView, start: number, end: number): number {
  if (end - start !== 18) return IdVerdict.SHAPE;
  const a = words.getInt32(start, true);
  const b = words.getInt32(start + 4, true);
  const c = words.getInt32(start + 8, true);
  const d = words.getInt32(start + 12, true);
  const last = bytes[start + 16]! - 0x30;
  const actual = bytes[start + 17]!;
  if ((nonDigits(a, -1) | nonDigits(b, -1) | nonDigits(c, -1) | nonDigits(d, -1)) !== 0 || last >>> 0 > 9 || (!isDigit(actual) && actual !== 0x58 && actual !== 0x78)) return IdVerdict.SHAPE;
  // The birth date yyyyMMdd is bytes 6 to 13: the upper half of b, then c, then the lower half of d.
  const year = fourDigitsOf((b >>> 16) | (c << 16));
  if (year < 1800 || !isCalendarDate(year, twoDigitsOf(c >>> 16), twoDigitsOf(d))) return IdVerdict.BIRTH_DATE;
  // Four digits at a time: each word's digits are four steps of idSumStep.
  const sum = idSumStep(((doubledDigits(a) * 16 + doubledDigits(b)) * 16 + doubledDigits(c)) * 16 + doubledDigits(d), last);
  // Upper-cased: the shape allows only digits, X and x there.
  if ((actual === 0x78 ? 0x58 : actual) !== ID_CHECK_CODES[idSumModulo(sum)]) return IdVerdict.CHECK_CHAR;
  return actual === 0x78 ? IdVerdict.LOWER_X : IdVerdict.OK;
}

/** `^(0|[1-9]\d*)` then, when `decimals` > 0, a point and exactly `decimals` digits. */
export function isDecimalText(bytes: Uint8Array, start: number, end: number, decimals: number): boolean {
  return isDecimalOf(bytes, wordView(bytes), start, end, decimals);
}

/** {@link isDecimalText}, given `words`, the buffer's {@link wordView}. */
function isDecimalOf(bytes: Uint8Array, words: DataView, start: number, end: number, decimals: number): boolean {
  const point = decimals > 0 ? end - decimals - 1 : -1;
  const whole = decimals > 0 ? point : end;
  if (whole <= start || (decimals > 0 && bytes[point] !== 0x2e)) return false;
  // No leading zero: "0" alone, or a first digit from 1.
  if (bytes[start] === 0x30 && whole - start > 1) return false;
  return allDigits(bytes, words, start, end, point);
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
 * A date format compiled for {@link matchesAnyDate}: its length, then per four characters (the last four
 * overlapping, never past the end) their offset, the bytes that must be digits (where the format has a
 * letter), the bytes that must equal the format's, and those bytes. A format shorter than `yyyy-MM`
 * matches nothing.
 */
export type DateMask = Int32Array;

const enum Mask {
  SLOTS = 4,
  /** `yyyy-MM`. */
  SHORTEST_FORMAT = 7,
}

/**
 * Compiles a date format (see {@link DateMask}).
 *
 * @example
 * ```ts
 * const masks = ['yyyy-MM-dd'].map(dateMask);
 * ```
 */
export function dateMask(format: string): DateMask {
  const length = format.length;
  if (length < Mask.SHORTEST_FORMAT) return Int32Array.of(-1);
  const mask = [length];
  for (let at = 0; at < length; at += 4) {
    const offset = Math.min(at, length - 4);
    let digits = 0;
    let fixed = 0;
    let chars = 0;
    for (let i = 0; i < 4; i++) {
      const code = format.charCodeAt(offset + i);
      // A letter stands for a digit; any other character stands for itself.
      if (code >= 0x41) digits |= 0xff << (8 * i);
      else {
        fixed |= 0xff << (8 * i);
        chars |= code << (8 * i);
      }
    }
    mask.push(offset, digits, fixed, chars);
  }
  return Int32Array.from(mask);
}

/** The value `bytes[start, start + mask[0])` has the shape `mask` spells and is a real date. */
function matchesDate(bytes: Uint8Array, read: DataView, start: number, mask: DateMask): boolean {
  const length = mask[0]!;
  let wrong = 0;
  for (let w = 1; w < mask.length; w += Mask.SLOTS) {
    const word = read.getInt32(start + mask[w]!, true);
    wrong |= nonDigits(word, mask[w + 1]!) | ((word ^ mask[w + 3]!) & mask[w + 2]!);
  }
  return wrong === 0 && isRealDate(bytes, read, start, length);
}

/** The `length` characters at `start`, which match a date mask (digits where it has letters), spell a real date (and time). */
function isRealDate(bytes: Uint8Array, words: DataView, start: number, length: number): boolean {
  const year = fourDigitsOf(words.getInt32(start, true));
  if (year < 1900 || !isCalendarDate(year, twoDigitsAt(bytes, start + 5), length >= 10 ? twoDigitsAt(bytes, start + 8) : 1)) return false;
  return length < 19 || (twoDigitsAt(bytes, start + 11) <= 23 && twoDigitsAt(bytes, start + 14) <= 59 && twoDigitsAt(bytes, start + 17) <= 59);
}

/** A real date in one of the formats `masks` (see {@link dateMask}) spell. A loop: no closure per value. */
export function matchesAnyDate(bytes: Uint8Array, start: number, end: number, masks: readonly DateMask[]): boolean {
  return matchesAnyDateOf(bytes, wordView(bytes), start, end, masks);
}

/** {@link matchesAnyDate}, given `words`, the buffer's {@link wordView}. */
function matchesAnyDateOf(bytes: Uint8Array, words: DataView, start: number, end: number, masks: readonly DateMask[]): boolean {
  for (let i = 0; i < masks.length; i++) {
    const mask = masks[i]!;
    if (mask[0] === end - start && matchesDate(bytes, words, start, mask)) return true;
  }
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

/**
 * By a value's first byte: 1 the value is not blank (printable ASCII, or the lead byte of characters
 * `trim` keeps), 0 it is (ASCII white space, a control, DEL), 2 decode the character (lead bytes of the
 * ranges holding a wider white space, and bytes no UTF-8 character starts with).
 */
const FIRST_BYTE = Uint8Array.from({ length: 256 }, (_, byte) => {
  if (byte < 0x80) return byte > 0x20 && byte < 0x7f ? 1 : 0;
  return byte < 0xc3 || byte === 0xe1 || byte === 0xe2 || byte === 0xe3 || byte === 0xef || byte > 0xf4 ? 2 : 1;
});

/** Not blank when the first character is no white space: printable ASCII, or a wider character `trim` keeps. */
function isNotBlank(bytes: Uint8Array, start: number, end: number): boolean {
  if (start === end) return false;
  const first = FIRST_BYTE[bytes[start]!]!;
  return first === 1 || (first === 2 && !isWideSpace(codePointAt(bytes, start)));
}

/** The kinds of {@link ByteRule}, and below them the ops of {@link FlatChecks}. */
const enum Kind {
  REQUIRED = 0,
  CODES = 1,
  DECIMAL = 2,
  DATE = 3,
  MAX_BYTES = 4,
  PRC_ID = 5,
  WHEN = 6,
  /** An op for a check without a byte rule (a user check): the record needs its text. */
  FAIL = 7,
}

/**
 * A built-in check's verdict on a value's bytes, as data read by {@link passesOnBytes}. Every rule has the
 * same fields (one object shape), so the loop over a record's rules stays monomorphic.
 */
export interface ByteRule {
  readonly kind: number;
  /** CODES: the ASCII codes. */
  readonly list: readonly Uint8Array[];
  /** DATE: the formats (see {@link dateMask}). */
  readonly masks: readonly DateMask[];
  /** DECIMAL: the digits after the point; MAX_BYTES: the bound. */
  readonly bound: number;
  /** WHEN: `then` applies only when the same record's `field` holds exactly `ascii`. */
  readonly field: string;
  readonly ascii: string;
  readonly then: ByteRule | undefined;
}

function byteRule(kind: number, { list = [], masks = [], bound = 0, field = '', ascii = '', then }: Partial<Omit<ByteRule, 'kind'>> = {}): ByteRule {
  return { kind, list, masks, bound, field, ascii, then };
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
  required: (): ByteRule => byteRule(Kind.REQUIRED),
  /** Empty, or one of `codes` (ASCII only: others are left to the check). */
  codes: ({ codes }: { codes: readonly Uint8Array[] }): ByteRule => byteRule(Kind.CODES, { list: codes }),
  /** Empty, or a decimal with exactly `decimals` digits after the point (none: a whole number). */
  decimal: ({ decimals }: { decimals: number }): ByteRule => byteRule(Kind.DECIMAL, { bound: decimals }),
  /** Empty, or a real date in one of the formats `masks` spell. */
  date: ({ masks }: { masks: readonly DateMask[] }): ByteRule => byteRule(Kind.DATE, { masks }),
  /** At most `max` bytes (a character takes at least one). */
  maxBytes: ({ max }: { max: number }): ByteRule => byteRule(Kind.MAX_BYTES, { bound: max }),
  /** Empty, or a PRC ID number that passes every check (no warning either). */
  prcId: (): ByteRule => byteRule(Kind.PRC_ID),
  /** `then`, only when the record's `field` holds exactly `ascii`. */
  when: ({ field, ascii, then }: { field: string; ascii: string; then: ByteRule }): ByteRule => byteRule(Kind.WHEN, { field, ascii, then }),
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
    case Kind.REQUIRED:
      return isNotBlank(bytes, start, end);
    case Kind.CODES:
      return start === end || isListedCode(bytes, start, end, rule.list);
    case Kind.DECIMAL:
      return start === end || isDecimalText(bytes, start, end, rule.bound);
    case Kind.DATE:
      return start === end || matchesAnyDate(bytes, start, end, rule.masks);
    case Kind.MAX_BYTES:
      return end - start <= rule.bound;
    case Kind.PRC_ID:
      return start === end || idVerdict(bytes, start, end) === IdVerdict.OK;
    default:
      return !fields.fieldIs(rule.field, rule.ascii) || passesOnBytes(rule.then!, bytes, start, end, fields);
  }
}

/**
 * True when every non-empty value `rule` passes is also not blank (it starts with a digit, or with a
 * printable code): then `required` and `rule` together pass exactly the non-empty values `rule` passes.
 */
function passesOnlyNotBlank(rule: ByteRule): boolean {
  switch (rule.kind) {
    case Kind.DECIMAL:
    case Kind.DATE:
    case Kind.PRC_ID:
      return true;
    case Kind.CODES:
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

// ---- a record's byte rules compiled into one program ----

const enum Op {
  /** The bits of an op's first slot that hold its {@link Kind}. */
  KIND = 7,
  /** Flag: an empty value fails (`required` fused with the rule after it, see {@link passesOnlyNotBlank}). */
  NON_EMPTY = 8,
  /** Flag: when the op's condition (a WHEN) does not hold, the value must still not be blank (a `required` fused with the WHEN). */
  REQUIRED_ELSE = 16,
}

const enum Program {
  /**
   * Slots per op: kind and flags; the column's first index in a record's spans; three arguments by kind;
   * the condition's column (its first index in the spans; -1: none), the offset and length of its value.
   */
  SLOTS = 8,
  NO_CONDITION = -1,
  /** Codes of two or three bytes are compared as one number (see {@link shortKey}); one-byte codes are a bit each. */
  SHORT = 3,
}

/** A value of at most {@link Program.SHORT} bytes as one number: its length, then its bytes. */
function shortKey(bytes: Uint8Array, start: number, end: number): number {
  let key = end - start;
  for (let i = start; i < end; i++) key = (key << 8) | bytes[i]!;
  return key;
}

/** One check of a flat record: `rule` (undefined: a check without one, which needs the text) on column `column`. */
export interface FlatStep {
  readonly column: number;
  readonly rule: ByteRule | undefined;
}

interface Condition {
  readonly column: number;
  readonly ascii: string;
  readonly requiredElse: boolean;
}

/**
 * A flat record's checks compiled into one program: ops in an `Int32Array` (a WHEN becomes its rule's
 * condition), codes as bits and numbers, run by one loop (no rule object read, no
 * call through a closure per check). Passes exactly the records on which every step passes through
 * {@link passesOnBytes}, with fewer ops: `required` on a column whose values are never blank
 * (`neverBlank`: the byte proof checks primary key values) is left out, and `required` followed by a rule
 * that passes no blank value (see {@link passesOnlyNotBlank}) becomes that rule failing an empty value,
 * also under a WHEN. A WHEN inside a WHEN is left to the check.
 *
 * @example
 * ```ts
 * const checks = new FlatChecks({ steps: [{ column: 0, rule: byteRules.required() }], positions: new Map([['user_name', 0]]), neverBlank: [] });
 * checks.passes(bytes, spans, 0); // spans as FlatRecordShape.match writes them
 * ```
 */
export class FlatChecks {
  /** {@link Program.SLOTS} per op. */
  private readonly ops: Int32Array;
  /** CODES: one-byte codes as 128 bits, the others as numbers (see {@link shortKey}). */
  private readonly words: Int32Array;
  /** The conditions' values. */
  private readonly chars: Uint8Array;
  /** CODES: per op, the codes longer than {@link Program.SHORT} bytes. */
  private readonly longCodes: (readonly Uint8Array[])[];
  /** DATE: per op, the formats. */
  private readonly dateMasks: (readonly DateMask[])[];

  constructor({ steps, positions, neverBlank }: { steps: readonly FlatStep[]; positions: ReadonlyMap<string, number>; neverBlank: readonly number[] }) {
    const ops: number[] = [];
    const words: number[] = [];
    const chars: number[] = [];
    const longCodes: (readonly Uint8Array[])[] = [];
    const dateMasks: (readonly DateMask[])[] = [];
    const push = (kind: number, column: number, condition: Condition | undefined, [a = 0, b = 0, c = 0]: number[] = [], long: readonly Uint8Array[] = [], masks: readonly DateMask[] = []): void => {
      const flags = condition?.requiredElse === true ? Op.REQUIRED_ELSE : 0;
      ops.push(kind | flags, 4 * column, a, b, c, condition === undefined ? Program.NO_CONDITION : 4 * condition.column, chars.length, condition?.ascii.length ?? 0);
      for (let i = 0; i < (condition?.ascii.length ?? 0); i++) chars.push(condition!.ascii.charCodeAt(i));
      longCodes.push(long);
      dateMasks.push(masks);
    };
    const required = (column: number, condition?: Condition): void => {
      if (!neverBlank.includes(column)) push(Kind.REQUIRED, column, condition);
    };
    const emit = (column: number, rule: ByteRule | undefined, nonEmpty: boolean, condition?: Condition): void => {
      const flag = nonEmpty ? Op.NON_EMPTY : 0;
      if (rule === undefined) return push(Kind.FAIL, column, condition);
      switch (rule.kind) {
        case Kind.REQUIRED:
          return required(column, condition);
        case Kind.CODES: {
          const bits = [0, 0, 0, 0];
          for (const code of rule.list) if (code.length === 1) bits[code[0]! >> 5]! |= 1 << (code[0]! & 31);
          const short = rule.list.filter((code) => code.length > 1 && code.length <= Program.SHORT);
          push(Kind.CODES | flag, column, condition, [words.length, 4 + short.length], rule.list.filter((code) => code.length > Program.SHORT));
          words.push(...bits);
          for (const code of short) words.push(shortKey(code, 0, code.length));
          return;
        }
        case Kind.DATE:
          return push(Kind.DATE | flag, column, condition, [], [], rule.masks);
        case Kind.WHEN: {
          const at = positions.get(rule.field);
          // No such column: the condition never holds, and the rule always passes.
          if (at === undefined) return nonEmpty ? required(column) : undefined;
          if (condition !== undefined) return push(Kind.FAIL, column, condition);
          return emit(column, rule.then, nonEmpty, { column: at, ascii: rule.ascii, requiredElse: nonEmpty });
        }
        default:
          return push(rule.kind | flag, column, condition, [rule.bound]);
      }
    };
    for (let s = 0; s < steps.length; s++) {
      const { column, rule } = steps[s]!;
      const next = steps[s + 1]?.column === column ? steps[s + 1]!.rule : undefined;
      // `required` and then a rule passing no blank value (directly, or under a WHEN): one op.
      if (rule?.kind === Kind.REQUIRED && next !== undefined && passesOnlyNotBlank(next.kind === Kind.WHEN ? next.then! : next)) {
        emit(column, next, true);
        s++;
        continue;
      }
      emit(column, rule, false);
    }
    this.ops = Int32Array.from(ops);
    this.words = Int32Array.from(words);
    this.chars = Uint8Array.from(chars);
    this.longCodes = longCodes;
    this.dateMasks = dateMasks;
  }

  /**
   * True when every step passes on the flat record whose value spans start at `spans[at]` (column `c`'s
   * value is `bytes[spans[at + 4c], spans[at + 4c + 1])`). Runs on every record of a file.
   */
  passes(bytes: Uint8Array, spans: Int32Array, at: number): boolean {
    const { ops, words } = this;
    const view = wordView(bytes);
    const length = ops.length;
    for (let pc = 0; pc < length; pc += Program.SLOTS) {
      const op = ops[pc]!;
      const column = at + ops[pc + 1]!;
      const start = spans[column]!;
      const end = spans[column + 1]!;
      const condition = ops[pc + 5]!;
      if (condition !== Program.NO_CONDITION && !this.holds(bytes, spans, at + condition, ops[pc + 6]!, ops[pc + 7]!)) {
        if ((op & Op.REQUIRED_ELSE) !== 0 && !isNotBlank(bytes, start, end)) return false;
        continue;
      }
      const kind = op & Op.KIND;
      if (start === end && kind !== Kind.REQUIRED) {
        if ((op & Op.NON_EMPTY) !== 0 || kind === Kind.FAIL) return false;
        continue;
      }
      switch (kind) {
        case Kind.REQUIRED:
          // Most values start with a byte that settles it (FIRST_BYTE 1): no call for them.
          if (start === end || (FIRST_BYTE[bytes[start]!] !== 1 && !isNotBlank(bytes, start, end))) return false;
          break;
        case Kind.CODES: {
          const from = ops[pc + 2]!;
          if (end - start === 1) {
            // Codes are ASCII: a byte from 0x80 is none of them.
            const byte = bytes[start]!;
            if (byte >= 0x80 || ((words[from + (byte >> 5)]! >>> (byte & 31)) & 1) === 0) return false;
          } else if (end - start <= Program.SHORT) {
            const key = shortKey(bytes, start, end);
            let k = from + 4;
            const last = from + ops[pc + 3]!;
            while (k < last && words[k] !== key) k++;
            if (k === last) return false;
          } else if (!isListedCode(bytes, start, end, this.longCodes[(pc / Program.SLOTS) | 0]!)) return false;
          break;
        }
        case Kind.DECIMAL:
          if (!isDecimalOf(bytes, view, start, end, ops[pc + 2]!)) return false;
          break;
        case Kind.DATE:
          if (!matchesAnyDateOf(bytes, view, start, end, this.dateMasks[(pc / Program.SLOTS) | 0]!)) return false;
          break;
        case Kind.MAX_BYTES:
          if (end - start > ops[pc + 2]!) return false;
          break;
        case Kind.PRC_ID:
          if (idVerdictOf(bytes, view, start, end) !== IdVerdict.OK) return false;
          break;
        default:
          return false;
      }
    }
    return true;
  }

  /** The value at `spans[column]` equals the `length` condition characters at `from`. */
  private holds(bytes: Uint8Array, spans: Int32Array, column: number, from: number, length: number): boolean {
    const start = spans[column]!;
    if (spans[column + 1]! - start !== length) return false;
    const chars = this.chars;
    for (let i = 0; i < length; i++) if (bytes[start + i] !== chars[from + i]) return false;
    return true;
  }
}
