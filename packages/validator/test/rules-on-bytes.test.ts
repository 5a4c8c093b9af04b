import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { amount, codeList, dateFormat, loanTemplate, loanTemplateRules, maxLength, nonNegativeInteger, prcIdNumber, required, type DateFormat, type FieldCheck, type Issue, type ValidationReport } from '../src/index.js';
import { bytesShortcutOf, type ValueBytes } from '../src/rules/field-check.js';
import { BatchParser } from '../src/validate/batch-parser.js';
import type { RecordIssues } from '../src/validate/record-issues.js';
import { RecordRules } from '../src/validate/record-rules.js';
import { FlatRecordShape } from '../src/scan/flat-record-shape.js';
import { encodeAs, LOAN_COLUMNS, seeded, validateAs } from './loan-files.js';

// The template checks read a flat record's values from its bytes (a byte shortcut per built-in check).
// Their verdicts are compared here with oracles written from the documented rules (regexes, `Date`,
// `String.prototype.trim`, a `Set`), value by value and over whole merchant-sized files.

// ---- the oracles: one per documented rule, none of the validator's code ----

const ID_SHAPE = /^\d{17}[\dXx]$/;
/** A real day by the JS Date round trip (UTC). */
function isRealDay(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(2000, month - 1, day));
  date.setUTCFullYear(year);
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}
/** The textbook MOD 11-2: sum(a_i * 2^(17-i)) mod 11, check = (12 - sum) mod 11, 10 written X. */
function mod112(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (2 ** (17 - i) % 11);
  const check = (12 - (sum % 11)) % 11;
  return check === 10 ? 'X' : String(check);
}
type Verdict = { rule: string; severity: 'error' | 'warning' } | undefined;
function prcIdOracle(value: string): Verdict {
  if (value === '') return undefined;
  if (!ID_SHAPE.test(value)) return { rule: 'prc-id', severity: 'error' };
  const year = Number(value.slice(6, 10));
  if (year < 1800 || !isRealDay(year, Number(value.slice(10, 12)), Number(value.slice(12, 14)))) return { rule: 'prc-id', severity: 'error' };
  if (value[17]!.toUpperCase() !== mod112(value.slice(0, 17))) return { rule: 'prc-id', severity: 'error' };
  return value[17] === 'x' ? { rule: 'prc-id', severity: 'warning' } : undefined;
}
const DATE_SHAPES: Record<DateFormat, RegExp> = { 'yyyy-MM': /^(\d{4})-(\d{2})$/, 'yyyy-MM-dd': /^(\d{4})-(\d{2})-(\d{2})$/, 'yyyy-MM-dd HH:mm:ss': /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/ };
function isDate(value: string, format: DateFormat): boolean {
  const match = DATE_SHAPES[format].exec(value);
  if (match === null) return false;
  const [year, month, day = 1, hour = 0, minute = 0, second = 0] = match.slice(1).map(Number) as number[];
  return year! >= 1900 && isRealDay(year!, month!, day) && hour <= 23 && minute <= 59 && second <= 59;
}
const dateOracle = (formats: DateFormat[]) => (value: string): Verdict => (value === '' || formats.some((format) => isDate(value, format)) ? undefined : { rule: 'date', severity: 'error' });
const amountOracle = (decimals: number) => (value: string): Verdict => (value === '' || new RegExp(`^(0|[1-9][0-9]*)${decimals > 0 ? `[.][0-9]{${decimals}}` : ''}$`).test(value) ? undefined : { rule: 'amount', severity: 'error' });
const integerOracle = (value: string): Verdict => (value === '' || /^(0|[1-9][0-9]*)$/.test(value) ? undefined : { rule: 'integer', severity: 'error' });
const requiredOracle = (value: string): Verdict => (value.trim() === '' ? { rule: 'required', severity: 'error' } : undefined);
const codeOracle = (codes: string[]) => (value: string): Verdict => (value === '' || new Set(codes).has(value) ? undefined : { rule: 'code-list', severity: 'error' });
const lengthOracle = (max: number) => (value: string): Verdict => ([...value].length <= max ? undefined : { rule: 'max-length', severity: 'error' });

// ---- values: valid ones and seeded defects ----

const pad = (n: number, width: number) => String(n).padStart(width, '0');
const digits = (length: number) => fc.string({ unit: fc.constantFrom(...'0123456789'.split('')), minLength: length, maxLength: length });
const validId = fc.tuple(digits(6), fc.integer({ min: 1800, max: 2030 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 28 }), digits(3)).map(([region, y, m, d, seq]) => {
  const first17 = `${region}${y}${pad(m, 2)}${pad(d, 2)}${seq}`;
  return first17 + mod112(first17);
});
// Seeded defects: a wrong or lower-case check character, a birth date like 02-30 or year 1799, a wide digit, a changed length.
const idDefect = fc.tuple(validId, fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 17 })).map(([id, kind, at]) => {
  switch (kind) {
    case 0:
      return id.slice(0, 17) + (id[17] === '0' ? '1' : '0');
    case 1:
      return id.slice(0, 17) + 'x';
    case 2:
      return `${id.slice(0, 10)}0230${id.slice(14)}`;
    case 3:
      return `${id.slice(0, 6)}1799${id.slice(10)}`;
    case 4:
      return id.slice(0, at) + '１' + id.slice(at + 1);
    case 5:
      return id.slice(0, 17);
    default:
      return `${id}0`;
  }
});
const dateValue = fc.oneof(
  fc
    .tuple(fc.integer({ min: 1890, max: 2100 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }), fc.integer({ min: 0, max: 25 }), fc.integer({ min: 0, max: 61 }), fc.integer({ min: 0, max: 61 }), fc.constantFrom(7, 10, 19))
    .map(([y, mo, d, h, mi, s, length]) => `${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)} ${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}`.slice(0, length)),
  fc.constantFrom('2025-02-30', '2024-02-29', '2025-02-29', '1900-02-29', '2000-02-29', '2025-04-31', '2025-12-31 23:59:59', '2025-01-01 24:00:00', '2025-1-01', '２025-01-01'),
);
const amountValue = fc.oneof(
  fc.tuple(fc.nat({ max: 1_000_000 }), fc.integer({ min: 0, max: 4 })).map(([n, decimals]) => `${n}${decimals > 0 ? `.${pad(n % 10 ** decimals, decimals)}` : ''}`),
  fc.constantFrom('19000.00', '19000.001', '19000.0', '01.00', '0.00', '-1.00', '1,000.00', '1e3', '１9000.00', '19000.00 ', '.50'),
);
const spaces = ['\u0009', '\u000a', '\u000b', '\u000c', '\u000d', '\u0020', '\u0085', '\u00a0', '\u1680', '\u180e', '\u2000', '\u200a', '\u200b', '\u2028', '\u2029', '\u202f', '\u205f', '\u3000', '\ufeff'];
const anyText = fc.string({ unit: fc.constantFrom(...'0123456789.-: Xx张AB'.split(''), ...spaces, '１', '𠀀', '\u0660'), maxLength: 20 });
// A digit replaced by a character next to the digits' byte range ('/' 0x2f, ':' 0x3a, '?' 0x3f) or sharing their low nibble ('p' 0x70, 'y' 0x79, '`' 0x60).
const nearDigitDefect = fc
  .tuple(fc.oneof(validId, dateValue, amountValue), fc.nat(), fc.constantFrom('/', ':', '?', '`', 'p', 'y'))
  .map(([text, at, char]) => (text === '' ? text : text.slice(0, at % text.length) + char + text.slice((at % text.length) + 1)));
const value = fc.oneof(validId, idDefect, nearDigitDefect, dateValue, amountValue, anyText, fc.constantFrom('', '0', '04', '4', '1', 'A', 'a', 'X', '张三', ' 张', '\u3000张'));

const CODES = ['0', '1', '2', 'A', 'B', 'C', 'X', '01', '04', '张'];
const CASES: { name: string; check: FieldCheck; oracle: (value: string) => Verdict }[] = [
  { name: 'prcIdNumber', check: prcIdNumber(), oracle: prcIdOracle },
  { name: 'codeList', check: codeList({ codes: CODES }), oracle: codeOracle(CODES) },
  { name: 'amount()', check: amount(), oracle: amountOracle(2) },
  { name: 'amount({ decimals: 0 })', check: amount({ decimals: 0 }), oracle: amountOracle(0) },
  { name: 'amount({ decimals: 3 })', check: amount({ decimals: 3 }), oracle: amountOracle(3) },
  { name: 'dateFormat yyyy-MM', check: dateFormat({ formats: ['yyyy-MM'] }), oracle: dateOracle(['yyyy-MM']) },
  { name: 'dateFormat day or time', check: dateFormat({ formats: ['yyyy-MM-dd', 'yyyy-MM-dd HH:mm:ss'] }), oracle: dateOracle(['yyyy-MM-dd', 'yyyy-MM-dd HH:mm:ss']) },
  { name: 'nonNegativeInteger', check: nonNegativeInteger(), oracle: integerOracle },
  { name: 'required', check: required(), oracle: requiredOracle },
  { name: 'maxLength', check: maxLength({ max: 3 }), oracle: lengthOracle(3) },
];

const encoder = new TextEncoder();
/** The value's UTF-8 bytes inside a larger buffer, as a flat record's value sits in the scanner's buffer. */
function bytesOf(text: string, other: Record<string, string> = {}): ValueBytes {
  const bytes = encoder.encode(`{"v":"${text}"}`);
  return {
    bytes,
    start: 6,
    end: bytes.length - 2,
    fieldIs: (field, ascii) => other[field] === ascii,
  };
}
function verdictOf(check: FieldCheck, text: string, record: Record<string, unknown> = {}): Verdict {
  const found = check({ value: text, field: 'f', record, recordIndex: 0, show: (shown) => JSON.stringify(shown) });
  if (found === undefined || found === null) return undefined;
  return typeof found === 'string' ? { rule: 'custom', severity: 'error' } : { rule: found.rule ?? 'custom', severity: found.severity ?? 'error' };
}

describe('built-in checks against their oracles, on text and on bytes', () => {
  it.each(CASES)('$name: the check agrees with the oracle; its byte shortcut passes only what the oracle passes, and every valid ASCII value', ({ check, oracle }) => {
    const shortcut = bytesShortcutOf(check)!;
    expect(shortcut).toBeTypeOf('function');
    fc.assert(
      fc.property(value, (text) => {
        const expected = oracle(text);
        expect(verdictOf(check, text)).toEqual(expected);
        const passes = shortcut(bytesOf(text));
        if (passes) expect(expected).toBeUndefined();
        // The fast path is taken for the common value: valid, ASCII (a name's CJK for required).
        if (expected === undefined && (/^[\x21-\x7e]*$/.test(text) || check === CASES[8]!.check) && text.trim() === text) expect(passes).toBe(true);
      }),
      { numRuns: 4000 },
    );
  });

  it('required: the byte shortcut settles every first character exactly as String.prototype.trim', () => {
    const shortcut = bytesShortcutOf(required())!;
    const wrong: string[] = [];
    for (let code = 0; code <= 0x10ffff; code++) {
      if (code >= 0xd800 && code <= 0xdfff) continue;
      const char = String.fromCodePoint(code);
      const passes = shortcut(bytesOf(`${char}a`));
      const blankFirst = char.trim() === '';
      // Passing means "not blank": never for a white-space first character; always for any other beyond ASCII.
      if ((passes && blankFirst) || (code >= 0x80 && passes === blankFirst)) wrong.push(`U+${code.toString(16)}`);
    }
    expect(wrong).toEqual([]);
  });

  it('the loan preset checks credential numbers as PRC IDs only for type 0, on bytes as on text', () => {
    const check = loanTemplateRules['user_credentials_no'] as readonly FieldCheck[];
    const credential = check[1]!;
    const shortcut = bytesShortcutOf(credential)!;
    fc.assert(
      fc.property(fc.oneof(validId, idDefect, anyText), fc.constantFrom('0', '2', '', '00'), (text, type) => {
        const expected = type === '0' ? prcIdOracle(text) : undefined;
        expect(verdictOf(credential, text, { user_credentials_type: type })).toEqual(expected);
        if (shortcut(bytesOf(text, { user_credentials_type: type }))) expect(expected).toBeUndefined();
      }),
      { numRuns: 3000 },
    );
  });
});

// ---- whole files: 100k+ loan records with defects seeded anywhere, against the oracle ----

const RULES: Record<string, ((value: string, record: Record<string, unknown>) => Verdict)[]> = {
  user_name: [requiredOracle],
  user_credentials_type: [requiredOracle, codeOracle(['0', '1', '2', 'A', 'B', 'C', 'X'])],
  user_credentials_no: [requiredOracle, (text, record) => (record['user_credentials_type'] === '0' ? prcIdOracle(text) : undefined)],
  order_no: [requiredOracle],
  biz_type: [requiredOracle, codeOracle(['1'])],
  order_status: [requiredOracle, codeOracle(['01', '02', '03', '04'])],
  create_amt: [amountOracle(2)],
  pay_month: [requiredOracle, dateOracle(['yyyy-MM'])],
  gmt_ovd_date: [dateOracle(['yyyy-MM-dd', 'yyyy-MM-dd HH:mm:ss'])],
  overdue_days: [integerOracle],
  overdue_amt: [amountOracle(2)],
  gmt_pay: [dateOracle(['yyyy-MM-dd', 'yyyy-MM-dd HH:mm:ss'])],
};
const TEMPLATE_RULES = new Set(['required', 'code-list', 'prc-id', 'amount', 'date', 'integer']);

const NAMES = '王李张刘陈杨黄赵吴周';
function goodLoan(i: number, random: () => number): Record<string, unknown> {
  const month = pad(1 + (i % 12), 2);
  const first17 = `110105${1950 + (i % 50)}${month}${pad(1 + (i % 28), 2)}${pad(i % 1000, 3)}`;
  const overdue = random() < 0.2;
  return {
    user_name: NAMES[i % 10]! + NAMES[Math.floor(random() * 10)]!,
    user_credentials_type: '0',
    user_credentials_no: first17 + mod112(first17),
    order_no: `LN${pad(i, 9)}`,
    biz_type: '1',
    order_status: '04',
    create_amt: `${1000 + Math.floor(random() * 90000)}.00`,
    pay_month: `2025-${month}`,
    gmt_ovd_date: overdue ? `2025-${month}-15` : '',
    overdue_days: overdue ? '3' : '0',
    overdue_amt: overdue ? '120.50' : '0.00',
    gmt_pay: random() < 0.5 ? `2025-${month}-10 09:30:00` : '',
    memo: random() < 0.1 ? '备注' : '',
  };
}
// One seeded defect: a field and the value put there (numbers and a nested value leave the byte path).
const DEFECTS: [field: string, value: unknown][] = [
  ['user_credentials_no', '110105194912310021'],
  ['user_credentials_no', '11010519491231002x'],
  ['user_credentials_no', '110105194902300027'],
  ['user_credentials_no', '1101051949123100２X'],
  ['user_credentials_no', ''],
  ['user_credentials_type', '2'],
  ['user_credentials_type', '9'],
  ['user_credentials_type', ''],
  ['user_name', ''],
  ['user_name', '\u3000'],
  ['user_name', ' 张'],
  ['order_status', '05'],
  ['order_status', '０４'],
  ['biz_type', '2'],
  ['create_amt', '19000.123'],
  ['create_amt', '19000'],
  ['create_amt', '１9000.00'],
  ['create_amt', 19000],
  ['pay_month', '2025-13'],
  ['gmt_ovd_date', '2025-02-30'],
  ['gmt_ovd_date', '2025-02-28 24:00:00'],
  ['gmt_pay', '2025/01/10'],
  ['overdue_days', '-1'],
  ['overdue_days', 3],
  ['overdue_days', '03'],
  ['memo', { nested: true }],
];

type Layout = 'compact' | 'pretty';
type Expected = Pick<Issue, 'recordIndex' | 'field' | 'rule' | 'severity' | 'byteOffset' | 'line' | 'column'>;

/** The file and, from the oracle, every template-rule issue with where the field's key sits in the text. */
function loanFile(count: number, seed: number, layout: Layout): { bytes: Uint8Array; expected: Expected[] } {
  const random = seeded(seed);
  const pieces: string[] = [];
  const expected: Expected[] = [];
  const opening = layout === 'compact' ? '{"records":[' : '{\n  "records": [\n';
  pieces.push(opening);
  let byteOffset = encoder.encode(opening).length;
  let line = layout === 'compact' ? 1 : 3;
  // Characters (code points) of the current line before the next piece.
  let column = layout === 'compact' ? opening.length : 0;
  const advance = (piece: string) => {
    const lines = piece.split('\n');
    line += lines.length - 1;
    column = (lines.length === 1 ? column : 0) + [...lines[lines.length - 1]!].length;
  };
  for (let i = 0; i < count; i++) {
    const record = goodLoan(i, random);
    // Defects anywhere: about one record in 60, and always at the file's and a batch's edges.
    const defects = i === 0 || i === 63 || i === 64 || i === count - 1 || random() < 1 / 60 ? 1 + Math.floor(random() * 2) : 0;
    for (let d = 0; d < defects; d++) {
      const [field, bad] = DEFECTS[Math.floor(random() * DEFECTS.length)]!;
      record[field] = bad;
    }
    const separator = i === 0 ? '' : layout === 'compact' ? ',' : ',\n';
    const text = layout === 'compact' ? JSON.stringify(record) : `    ${JSON.stringify(record, null, 2).replaceAll('\n', '\n    ')}`;
    byteOffset += encoder.encode(separator).length;
    advance(separator);
    for (const [field, checks] of Object.entries(RULES)) {
      const raw = record[field];
      if (raw === null || typeof raw === 'object') continue;
      for (const oracle of checks) {
        const verdict = oracle(String(raw), record);
        if (verdict === undefined) continue;
        const keyAt = text.indexOf(`"${field}":`);
        const before = text.slice(0, keyAt);
        const lines = before.split('\n');
        expected.push({
          recordIndex: i,
          field,
          ...verdict,
          byteOffset: byteOffset + encoder.encode(before).length,
          line: line + lines.length - 1,
          column: (lines.length === 1 ? column : 0) + [...lines[lines.length - 1]!].length + 1,
        });
      }
    }
    pieces.push(separator, text);
    byteOffset += encoder.encode(text).length;
    advance(text);
  }
  pieces.push(layout === 'compact' ? ']}' : '\n  ]\n}');
  return { bytes: encoder.encode(pieces.join('')), expected };
}

const ruleIssues = (report: ValidationReport): Expected[] =>
  report.issues
    .filter((issue) => issue.rule !== undefined && TEMPLATE_RULES.has(issue.rule))
    .map(({ recordIndex, field, rule, severity, byteOffset, line, column }) => ({ recordIndex, field, rule, severity, byteOffset, line, column }));

afterEach(() => {
  vi.restoreAllMocks();
});

describe.each(['compact', 'pretty'] as const)('loanTemplateRules over a 120k-record %s file', (layout) => {
  const { bytes, expected } = loanFile(120_000, layout === 'compact' ? 15 : 16, layout);
  const options = { ...loanTemplate, records: 120_000, maxIssues: 1_000_000, maxFileBytes: Number.MAX_SAFE_INTEGER };

  it.each(['validateFile', 'Uint8Array'] as const)('%s reports exactly the oracle’s issues, fields and locations', async (kind) => {
    const shortcuts = vi.spyOn(FlatRecordShape.prototype, 'match');
    const report = await validateAs(kind, bytes, options);
    // Most records went the byte path, where the shortcuts answer.
    expect(shortcuts.mock.results.filter((result) => result.value === true).length).toBeGreaterThan(100_000);
    expect(expected.length).toBeGreaterThan(2000);
    expect(ruleIssues(report)).toEqual(expected);
  });

  it('gives the same report, messages and primary keys included, as the exact per-record path', async () => {
    const fast = await validateAs('validateFile', bytes, options);
    vi.spyOn(BatchParser.prototype, 'tryBatch').mockReturnValue(false);
    const exact = await validateAs('validateFile', bytes, options);
    expect(fast).toEqual(exact);
  });
});

// ---- random files: any value anywhere, escapes, chunk and batch edges, a user check among the built-in ones ----

// A user check between built-in checks on one column, reading the record: the byte path runs a column's
// checks in their order, with the text only for the ones without a byte rule.
const endsInSeven: FieldCheck = ({ value, record }) => (value.endsWith('7') && record['user_credentials_type'] === '0' ? { rule: 'ends-in-7', severity: 'warning', message: 'ends in 7' } : undefined);
const MIXED_RULES = { ...loanTemplateRules, user_credentials_no: [required(), endsInSeven, ...(loanTemplateRules['user_credentials_no'] as readonly FieldCheck[]).slice(1)] };
const MIXED_ORACLE: typeof RULES = {
  ...RULES,
  user_credentials_no: [requiredOracle, (text, record) => (text.endsWith('7') && record['user_credentials_type'] === '0' ? { rule: 'ends-in-7', severity: 'warning' } : undefined), RULES['user_credentials_no']![1]!],
};
const FIELDS = Object.keys(RULES);
// Values JSON.stringify escapes (quotes, backslashes, control characters), and non-ASCII ones.
const escapedText = fc.string({ unit: fc.constantFrom(...'0"\\\n\t7张１'.split('')), minLength: 1, maxLength: 6 });
const randomFile = fc
  .record({
    records: fc.integer({ min: 1, max: 200 }),
    seed: fc.nat(),
    defects: fc.array(fc.tuple(fc.nat(), fc.constantFrom(...FIELDS), fc.oneof(value, escapedText)), { maxLength: 40 }),
    // Records whose credential type is written `"\u0030"`: "0" to JSON.parse, an escape to the byte proof.
    escapedTypes: fc.array(fc.nat(), { maxLength: 5 }),
    layout: fc.constantFrom<Layout>('compact', 'pretty'),
    chunkSize: fc.integer({ min: 1, max: 5000 }),
  })
  .map(({ records, seed, defects, escapedTypes, layout, chunkSize }) => {
    const random = seeded(seed);
    const loans = Array.from({ length: records }, (_, i) => goodLoan(i, random));
    for (const [at, field, bad] of defects) loans[at % records]![field] = bad;
    const texts = loans.map((loan) => (layout === 'compact' ? JSON.stringify(loan) : JSON.stringify(loan, null, 2)));
    for (const at of escapedTypes) texts[at % records] = texts[at % records]!.replace(/("user_credentials_type": ?)"0"/, '$1"\\u0030"');
    const text = layout === 'compact' ? `{"records":[${texts.join(',')}]}` : `{\n  "records": [\n${texts.join(',\n')}\n  ]\n}`;
    return { bytes: encoder.encode(text), records, chunkSize };
  });

describe('template rules over random loan files', () => {
  it('report exactly the oracle’s issues, whatever the values, escapes, chunking and batch edges, and the exact path’s messages', async () => {
    await fc.assert(
      fc.asyncProperty(randomFile, async ({ bytes, records, chunkSize }) => {
        // The oracle reads the values JSON.parse gives, escapes resolved.
        const parsed = (JSON.parse(new TextDecoder().decode(bytes)) as { records: Record<string, unknown>[] }).records;
        const expected = parsed.flatMap((record, recordIndex) =>
          Object.entries(MIXED_ORACLE).flatMap(([field, oracles]) => oracles.map((oracle) => oracle(String(record[field]), record)).flatMap((verdict) => (verdict === undefined ? [] : [{ recordIndex, field, ...verdict }]))),
        );
        const options = { ...loanTemplate, rules: MIXED_RULES, records, maxIssues: 1_000_000, maxFileBytes: Number.MAX_SAFE_INTEGER };
        const fast = await validateAs('ReadableStream + readAt', bytes, options, chunkSize);
        const found = fast.issues.filter((issue) => issue.rule !== undefined && (TEMPLATE_RULES.has(issue.rule) || issue.rule === 'custom:endsInSeven' || issue.rule === 'ends-in-7'));
        expect(found.map(({ recordIndex, field, rule, severity }) => ({ recordIndex, field, rule, severity }))).toEqual(expected);
        vi.spyOn(BatchParser.prototype, 'tryBatch').mockReturnValue(false);
        const exact = await validateAs('ReadableStream + readAt', bytes, options, chunkSize);
        vi.restoreAllMocks();
        expect(fast).toEqual(exact);
      }),
      { numRuns: 80 },
    );
  });
});

// ---- one record's checks as one byte program (RecordRules.passesFlat), against the oracles ----

const NAMED_CHECKS: { check: FieldCheck; oracle: (value: string, record: Record<string, string>) => Verdict }[] = [
  ...CASES.map(({ check, oracle }) => ({ check, oracle: (text: string) => oracle(text) })),
  // The loan preset's credential check: a PRC ID only when the record's user_credentials_type is "0".
  { check: (loanTemplateRules['user_credentials_no'] as readonly FieldCheck[])[1]!, oracle: (text, record) => (record['user_credentials_type'] === '0' ? prcIdOracle(text) : undefined) },
  { check: codeList({ codes: ['', 'LONGCODE', 'X', '01', 'ab', '張'] }), oracle: codeOracle(['', 'LONGCODE', 'X', '01', 'ab', '張']) },
  // A user check has no byte rule: a record with one never passes on bytes alone.
  { check: ({ value }) => (value === 'never' ? 'no' : undefined), oracle: () => ({ rule: 'user', severity: 'error' }) },
];
const REQUIRED_AT = CASES.findIndex(({ name }) => name === 'required');
const PROGRAM_COLUMNS = ['user_credentials_type', 'c1', 'c2', 'c3', 'key'];
// Values a flat record can hold (no quote, backslash or control character), valid and seeded defects alike.
const flatValue = fc.oneof(value, fc.constantFrom('0', '1', '2', 'X', 'x', 'LONGCODE', 'LONGCODX', '01', 'ab', '張', '\u00a0', ' 0')).filter((text) => !/["\\\u0000-\u001f]/.test(text));

/** A record's JSON text inside a larger buffer and each column's value span in it, as `FlatRecordShape.match` writes them. */
function flatRecordOf(record: Record<string, string>, columns: readonly string[]): { text: string; bytes: Uint8Array; spans: Int32Array } {
  const text = JSON.stringify(record);
  const bytes = encoder.encode(`  ${text}  `);
  // Each value's span: after `"column":"`, its UTF-8 length.
  const spans = new Int32Array(columns.length * 4);
  columns.forEach((column, c) => {
    const start = encoder.encode(`  ${text.slice(0, text.indexOf(`"${column}":"`) + column.length + 4)}`).length;
    spans[4 * c] = start;
    spans[4 * c + 1] = start + encoder.encode(record[column]!).length;
  });
  return { text, bytes, spans };
}

describe('a record’s checks as one byte program', () => {
  it('passes a flat record only when every oracle passes it, and always when its values are valid printable ASCII', () => {
    // Per column a list of checks, `required` often first (fused with the next check on bytes); the last column is a primary key (never blank on the byte path).
    const ruleIndexes = fc.array(fc.oneof(fc.constant(REQUIRED_AT), fc.nat({ max: NAMED_CHECKS.length - 1 })), { maxLength: 3 });
    fc.assert(
      fc.property(fc.array(ruleIndexes, { minLength: PROGRAM_COLUMNS.length, maxLength: PROGRAM_COLUMNS.length }), fc.array(fc.array(flatValue, { minLength: PROGRAM_COLUMNS.length, maxLength: PROGRAM_COLUMNS.length }), { minLength: 1, maxLength: 30 }), (indexes, records) => {
        const rules = Object.fromEntries(PROGRAM_COLUMNS.map((column, c) => [column, indexes[c]!.map((i) => NAMED_CHECKS[i]!.check)]));
        const rules_ = new RecordRules({ columns: PROGRAM_COLUMNS, primaryKeyColumns: ['key'], rules, sensitiveFields: [], issues: {} as RecordIssues, stage: () => {}, rows: 1 });
        for (const values of records) {
          if (values[4]!.trim() === '') values[4] = 'K';
          const record = Object.fromEntries(PROGRAM_COLUMNS.map((column, c) => [column, values[c]!]));
          const { text, bytes, spans } = flatRecordOf(record, PROGRAM_COLUMNS);
          const expected = PROGRAM_COLUMNS.every((column, c) => indexes[c]!.every((i) => NAMED_CHECKS[i]!.oracle(values[c]!, record) === undefined));
          const passes = rules_.passesFlat(bytes, spans, 0);
          if (passes) expect(expected, `${text} under ${JSON.stringify(indexes)}`).toBe(true);
          const hasUserCheck = indexes.some((list) => list.includes(NAMED_CHECKS.length - 1));
          if (expected && !hasUserCheck && values.every((text) => /^[\x21-\x7e]*$/.test(text))) expect(passes, `${text} under ${JSON.stringify(indexes)}`).toBe(true);
        }
      }),
      { numRuns: 3000 },
    );
  });
});

// ---- the loan preset's program exactly, on boundary values; and the text checks on a GBK file ----

const day = (y: number, m: number, d: number) => `${pad(y, 4)}${pad(m, 2)}${pad(d, 2)}`;
// Birth dates on the calendar's edges: leap days (1800, 1900 and 2100 are no leap years, 2000 is), month ends and one past them, month 0 and 13.
const edgeBirthDate = fc.oneof(
  fc.constantFrom(day(1800, 2, 29), day(1804, 2, 29), day(1900, 2, 29), day(2000, 2, 29), day(2004, 2, 29), day(2100, 2, 29), day(2023, 2, 28), day(1799, 12, 31), day(1800, 1, 1)),
  fc.tuple(fc.integer({ min: 1798, max: 2101 }), fc.integer({ min: 0, max: 13 }), fc.constantFrom(0, 1, 28, 29, 30, 31, 32)).map(([y, m, d]) => day(y, m, d)),
);
// 18 characters with a right, wrong, upper- or lower-case check character (X is 10).
const edgeId = fc.tuple(digits(6), edgeBirthDate, digits(3), fc.constantFrom('right', 'wrong', 'x')).map(([region, birth, seq, check]) => {
  const first17 = region + birth + seq;
  const right = mod112(first17);
  if (check === 'right') return first17 + right;
  if (check === 'x') return first17 + (right === 'X' ? 'x' : right);
  return first17 + (right === 'X' ? '0' : right === '0' ? 'X' : '0');
});
const edgeMonth = fc.tuple(fc.integer({ min: 1899, max: 2100 }), fc.integer({ min: 0, max: 13 })).map(([y, m]) => `${pad(y, 4)}-${pad(m, 2)}`);
const edgeDate = fc.oneof(
  fc.tuple(fc.integer({ min: 1899, max: 2100 }), fc.integer({ min: 0, max: 13 }), fc.constantFrom(0, 1, 28, 29, 30, 31, 32)).map(([y, m, d]) => `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`),
  fc.tuple(fc.constantFrom('2000-02-29', '1900-02-29', '2024-02-29', '2025-02-29', '2025-04-30', '2025-04-31'), fc.constantFrom('', ' 00:00:00', ' 23:59:59', ' 24:00:00', ' 23:60:00', ' 23:59:60')).map(([d, t]) => d + t),
  fc.constant(''),
);
// Amounts and counts with and without leading zeros, long ones, and near-misses.
const edgeAmount = fc.oneof(fc.tuple(fc.constantFrom('0', '00', '01', '1', '10', '9'.repeat(30)), fc.constantFrom('.00', '.0', '.000', '', '.', '.x0')).map(([n, f]) => n + f), fc.constant(''));
const edgeCount = fc.constantFrom('0', '00', '07', '7', '10', '9'.repeat(25), '', '-1', '1.0', '１');
// Names: CJK (3-byte), a 4-byte character, a 2-byte one, and ones starting with a space `trim` removes (one-, two- and three-byte UTF-8).
const edgeName = fc.oneof(fc.constantFrom('张三', '𠀀', 'é', 'A', '\u00a0张', '\u3000张', '\ufeff张', ' 张', '\u2028张', '\u00a0', '\u3000', '\u1680', '\u0085x', '\u200bx', ''), fc.string({ unit: fc.constantFrom('张', '𠀀', 'é', 'a', '\u3000'), minLength: 1, maxLength: 8 }));
// Each field a valid value most of the time (so that whole records pass often), else an edge value.
const mostlyValid = (valid: fc.Arbitrary<string>, edge: fc.Arbitrary<string>) => fc.oneof({ weight: 5, arbitrary: valid }, { weight: 1, arbitrary: edge });
const edgeLoan = fc.record({
  user_name: mostlyValid(fc.constantFrom('张三', '李四', 'A', '𠀀'), edgeName),
  user_credentials_type: mostlyValid(fc.constant('0'), fc.constantFrom('1', '2', 'A', 'X', 'x', '9', '', '00')),
  user_credentials_no: mostlyValid(edgeId.filter((id) => prcIdOracle(id) === undefined), fc.oneof(edgeId, fc.constantFrom('', ' ', '12345', '11010519491231002X0'))),
  order_no: fc.constantFrom('LN1', 'LN0000000001', 'K'),
  biz_type: mostlyValid(fc.constant('1'), fc.constantFrom('2', '', '１')),
  order_status: mostlyValid(fc.constantFrom('01', '02', '03', '04'), fc.constantFrom('05', '4', '004', '', '０４')),
  create_amt: mostlyValid(fc.constantFrom('0.00', '1.00', '19000.00', `${'9'.repeat(30)}.99`, ''), edgeAmount),
  pay_month: mostlyValid(fc.constantFrom('1900-01', '2025-01', '2025-12', '2100-12'), fc.oneof(edgeMonth, fc.constantFrom('2025-1', '2025-001'))),
  gmt_ovd_date: mostlyValid(fc.constantFrom('', '2024-02-29', '2000-02-29 23:59:59', '2025-12-31'), edgeDate),
  overdue_cnt: mostlyValid(fc.constantFrom('0', '7', '10', '9'.repeat(25)), edgeCount),
});
// The bench file's ten columns: the whole-file oracle's rules, and the template's rule for overdue_cnt (not a loanTemplate column).
const LOAN_FIELDS = LOAN_COLUMNS;
const LOAN_ORACLE: typeof RULES = { ...RULES, overdue_cnt: [integerOracle] };
/** A first character `String.prototype.trim` removes: the byte program then asks the check, whatever follows. */
const startsBlank = (text: string) => text !== '' && text.trimStart() !== text;

describe('the loan preset’s byte program on edge values', () => {
  it('passes a record exactly when every oracle passes it (leap days, X and x, leading zeros, long values, 1- to 4-byte UTF-8)', () => {
    const rules = new RecordRules({ columns: LOAN_FIELDS, primaryKeyColumns: ['order_no', 'pay_month'], rules: loanTemplateRules, sensitiveFields: [], issues: {} as RecordIssues, stage: () => {}, rows: 1 });
    let passed = 0;
    let failed = 0;
    fc.assert(
      fc.property(edgeLoan, (record) => {
        const { text, bytes, spans } = flatRecordOf(record, LOAN_FIELDS);
        const expected = LOAN_FIELDS.every((field) => LOAN_ORACLE[field]!.every((oracle) => oracle(record[field as keyof typeof record], record) === undefined));
        const passes = rules.passesFlat(bytes, spans, 0);
        if (passes) passed++;
        else failed++;
        // Exact, but for a required value starting with white space: the bytes then leave it to the check.
        if (LOAN_FIELDS.some((field) => startsBlank(record[field as keyof typeof record]))) {
          if (passes) expect(expected, text).toBe(true);
        } else expect(passes, text).toBe(expected);
      }),
      { numRuns: 20_000 },
    );
    // Both verdicts are common, so neither side of the comparison is idle.
    expect(Math.min(passed, failed)).toBeGreaterThan(500);
  });
});

describe('loanTemplateRules over a 100k-record GBK file (the text checks: no byte path for GBK)', () => {
  it('reports exactly the oracle’s issues, the same as the UTF-8 file', async () => {
    const { bytes: utf8, expected } = loanFile(100_000, 17, 'compact');
    const gbk = encodeAs(new TextDecoder().decode(utf8), 'GBK');
    const options = { ...loanTemplate, records: 100_000, maxIssues: 1_000_000, maxFileBytes: Number.MAX_SAFE_INTEGER };
    const shape = vi.spyOn(FlatRecordShape.prototype, 'match');
    const report = await validateAs('validateFile', gbk, { ...options, fileCharset: 'GBK' });
    expect(shape.mock.results.some((result) => result.value === true)).toBe(false);
    const found = ruleIssues(report).map(({ recordIndex, field, rule, severity }) => ({ recordIndex, field, rule, severity }));
    expect(expected.length).toBeGreaterThan(1500);
    expect(found).toEqual(expected.map(({ recordIndex, field, rule, severity }) => ({ recordIndex, field, rule, severity })));
    const fromUtf8 = await validateAs('validateFile', utf8, options);
    expect(report.issues.map(({ message, rule, field, recordIndex }) => ({ message, rule, field, recordIndex }))).toEqual(fromUtf8.issues.map(({ message, rule, field, recordIndex }) => ({ message, rule, field, recordIndex })));
  });
});
