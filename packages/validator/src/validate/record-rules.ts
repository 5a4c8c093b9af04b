import { isAbsentParamValue } from '@zhima/core/internal';
import { byteRuleOf, FlatChecks, passesOnBytes, type ByteRule, type RecordFields } from '../rules/byte-rules.js';
import type { FieldCheck, FieldCheckContext, FieldRules } from '../rules/field-check.js';
import { bilingual, recordMark } from '../report/issue.js';
import { showValue } from '../report/mask.js';
import type { RecordIssues } from './record-issues.js';

/**
 * The same text as the engine's own copy of a property name. Keys from `JSON.parse` are such copies, so
 * comparing a column with them is then one pointer check; column names split from a comma string are
 * not, and each comparison would walk the characters (the key check ran 2.5× slower).
 */
function asPropertyName(name: string): string {
  return Object.keys({ [name]: 0 })[0]!;
}

const NON_ASCII = /[\u0080-\uffff]/;
const UTF8 = new TextDecoder();

/**
 * True when a column name holds a character beyond ASCII: its UTF-8 bytes, read one character per
 * byte, would not spell it, so byte-string parsing cannot be used.
 *
 * @example
 * ```ts
 * hasNonAscii('姓名'); // true
 * ```
 */
export function hasNonAscii(text: string): boolean {
  return NON_ASCII.test(text);
}

/**
 * The text a value parsed from a byte string spells (its characters are UTF-8 bytes).
 *
 * @example
 * ```ts
 * textOfByteString('\xe5\xbc\xa0'); // '张'
 * ```
 */
export function textOfByteString(value: string): string {
  return NON_ASCII.test(value) ? UTF8.decode(Uint8Array.from(value, (char) => char.charCodeAt(0))) : value;
}

/**
 * A primary-key value the gateway takes for empty: `''` or only Java whitespace (`isAbsentParamValue`,
 * the `StringUtils.isEmpty` rule). `fromBytes`: the value is a byte string (see the `byteString` option).
 */
function isBlankKey(value: string, fromBytes: boolean): boolean {
  const first = value.charCodeAt(0);
  // Printable ASCII is never whitespace: most keys are settled by their first character.
  if (first > 0x20 && first < 0x7f) return false;
  if (!fromBytes) return isAbsentParamValue(value);
  // Decode the first character alone first: a key starting with a CJK character is not blank.
  if (first >= 0x80 && !isAbsentParamValue(textOfByteString(value.slice(0, 3)).charAt(0))) return false;
  return isAbsentParamValue(textOfByteString(value));
}

/**
 * The values of a record proved flat from its bytes (`FlatRecordShape.match` with value spans): column
 * `c`'s value is `bytes[spans[at + 4c], spans[at + 4c + 1])`; `text(c)` gives it as a string.
 *
 * @example
 * ```ts
 * const values: FlatValues = { bytes, spans, at: 0, text: (c) => decoder.decode(bytes.subarray(spans[4 * c], spans[4 * c + 1])) };
 * ```
 */
export interface FlatValues {
  bytes: Uint8Array;
  spans: Int32Array;
  at: number;
  text(c: number): string;
}

/** The other values of the current flat record, as the byte rules read them. */
class FlatRecordFields implements RecordFields {
  bytes: Uint8Array = new Uint8Array(0);
  spans: Int32Array = new Int32Array(0);
  at = 0;

  constructor(private readonly positions: ReadonlyMap<string, number>) {}

  /** The last field asked for and its column: a check asks for the same field in every record. */
  private asked = '';
  private askedAt: number | undefined;

  fieldIs(field: string, ascii: string): boolean {
    if (field !== this.asked) {
      this.asked = field;
      this.askedAt = this.positions.get(field);
    }
    const c = this.askedAt;
    if (c === undefined) return false;
    const { bytes, spans, at } = this;
    const start = spans[at + 4 * c]!;
    if (spans[at + 4 * c + 1]! - start !== ascii.length) return false;
    for (let i = 0; i < ascii.length; i++) if (bytes[start + i] !== ascii.charCodeAt(i)) return false;
    return true;
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'array' : typeof value;
}

/**
 * The record-level rules, one home for every way a record is checked (a file's records, `checkRecord`):
 * the record is an object, its keys are exactly `columns` (none missing, none extra, none twice), values
 * are strings (numbers and booleans warn, nested values fail), primary key values are present and not
 * blank, and the template rules pass. A record that passes has its primary key handed to `stage`.
 *
 * @example
 * ```ts
 * const rules = new RecordRules({ columns, primaryKeyColumns, rules: {}, sensitiveFields, issues, stage: () => {}, rows: 1 });
 * rules.check(JSON.parse(text), 3);
 * ```
 */
export class RecordRules {
  /** The columns as engine property names (see `asPropertyName`). */
  readonly columns: readonly string[];
  /** The primary key columns that are columns, without repeats: the key the index holds. */
  readonly primaryKeyColumns: readonly string[];
  /** Characters of a record's plain text besides its values: braces, commas, quoted keys, colons. */
  readonly fixedChars: number;
  /** True when some column has template rules. */
  readonly hasChecks: boolean;
  /** True when every column name is ASCII (see {@link hasNonAscii}). */
  readonly asciiColumns: boolean;
  private readonly columnSet: ReadonlySet<string>;
  private readonly primaryKeyPositions: number[];
  private readonly checks: (readonly FieldCheck[] | undefined)[];
  /**
   * Every check of every column, in report order, as one flat list for {@link checkFlat}: step `s` runs
   * `stepChecks[s]` (through its byte rule `stepRules[s]` when it has one) on column `stepColumns[s]`.
   */
  private readonly stepColumns: Int32Array;
  private readonly stepChecks: readonly FieldCheck[];
  private readonly stepRules: readonly (ByteRule | undefined)[];
  /** The steps' byte rules as one program, which {@link passesFlat} runs (see `FlatChecks`). */
  private readonly passChecks: FlatChecks;
  private readonly fields: FlatRecordFields;
  private readonly context: FieldCheckContext;
  /** The record the checks' `record` reads: the parsed one, or else one built from {@link flat} on first use. */
  private record: Record<string, unknown> | undefined;
  private flat: FlatValues | undefined;
  private readonly keyValues: string[];
  /** Values of records read in column order, one row of `columns.length` per batch position. */
  private readonly inOrder: string[];
  private readonly issues: RecordIssues;
  private readonly stage: (keyValues: readonly string[], recordIndex: number) => void;

  constructor(options: {
    columns: readonly string[];
    primaryKeyColumns: readonly string[];
    rules: FieldRules;
    sensitiveFields: readonly string[];
    issues: RecordIssues;
    /** Takes the primary key values of a record that passed (the array is reused: copy what you keep). */
    stage: (keyValues: readonly string[], recordIndex: number) => void;
    /** Records read in column order at once (a batch). */
    rows: number;
  }) {
    this.columns = options.columns.map(asPropertyName);
    this.columnSet = new Set(options.columns);
    this.primaryKeyColumns = [...new Set(options.primaryKeyColumns)].filter((key) => this.columnSet.has(key));
    this.keyValues = this.primaryKeyColumns.map(() => '');
    this.primaryKeyPositions = this.primaryKeyColumns.map((key) => options.columns.indexOf(key));
    this.inOrder = new Array<string>(options.rows * this.columns.length).fill('');
    this.fixedChars = 2 + Math.max(this.columns.length - 1, 0) + this.columns.reduce((sum, column) => sum + column.length + 5, 0);
    this.checks = options.columns.map((column) => {
      const rule = Object.hasOwn(options.rules, column) ? options.rules[column] : undefined;
      if (rule === undefined) return undefined;
      return typeof rule === 'function' ? [rule] : rule;
    });
    this.hasChecks = this.checks.some((checks) => checks !== undefined);
    const steps = this.checks.flatMap((checks, c) => (checks ?? []).map((check) => ({ c, check })));
    this.stepColumns = Int32Array.from(steps, ({ c }) => c);
    this.stepChecks = steps.map(({ check }) => check);
    this.stepRules = steps.map(({ check }) => byteRuleOf(check));
    const positions = new Map(this.columns.map((column, c) => [column, c]));
    // A flat record's key values are never blank: the byte proof checks it.
    this.passChecks = new FlatChecks({ steps: steps.map(({ c }, s) => ({ column: c, rule: this.stepRules[s] })), positions, neverBlank: this.primaryKeyPositions });
    this.fields = new FlatRecordFields(positions);
    this.asciiColumns = this.columns.every((column) => !hasNonAscii(column));
    this.issues = options.issues;
    this.stage = options.stage;
    const sensitiveFields = options.sensitiveFields;
    const currentRecord = () => this.currentRecord();
    const context: FieldCheckContext = {
      value: '',
      field: '',
      // An own accessor: a check that spreads or destructures the context still gets the record.
      get record() {
        return currentRecord();
      },
      recordIndex: 0,
      show: (value: string) => showValue({ value, field: context.field, sensitiveFields }),
    };
    this.context = context;
  }

  /**
   * The exact check of one parsed record (the current record of `issues`). `colons` is the number of
   * key/value pairs in the record's text: more than the object has keys means a key appears twice.
   */
  check(value: unknown, colons: number): void {
    const recordIndex = this.issues.recordIndex;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      this.issues.recordIssue('error', 'JSON_PARSE_ERROR', 'record-not-object', bilingual(`记录 ${recordMark(recordIndex)} 不是 JSON 对象（是 ${describe(value)}）`, `record ${recordMark(recordIndex)} is not a JSON object (it is ${describe(value)})`));
      return;
    }
    this.checkColumns(value as Record<string, unknown>, recordIndex, colons);
  }

  /**
   * When every declared column is present and `colons` equals the columns found, there can be neither
   * duplicate nor extra keys, so the common case never lists the record's keys.
   */
  private checkColumns(record: Record<string, unknown>, recordIndex: number, colons: number): void {
    if (this.checkInOrder(record, recordIndex, colons)) return;
    const { columns, checks, context, issues } = this;
    let present = 0;
    let missing: string[] | undefined;
    this.record = record;
    context.recordIndex = recordIndex;
    for (let c = 0; c < columns.length; c++) {
      const field = columns[c]!;
      const raw = record[field];
      let text: string;
      if (typeof raw === 'string') {
        present++;
        text = raw;
      } else {
        // Absent columns read as undefined, or as an Object.prototype member for names like "constructor".
        if (raw === undefined || !Object.hasOwn(record, field)) {
          (missing ??= []).push(field);
          continue;
        }
        present++;
        if (raw !== null && typeof raw === 'object') {
          const kind = Array.isArray(raw) ? ['数组', 'an array'] : ['对象', 'an object'];
          issues.fieldIssue(field, 'error', 'INVALID_PARAMETER', 'value-nested', bilingual(`${field} 的值须为字符串，不能是${kind[0]}`, `${field} must be a string, not ${kind[1]}`));
          continue;
        }
        issues.fieldIssue(field, 'warning', 'INVALID_PARAMETER', 'value-not-string', bilingual(`${field} 的值是 ${describe(raw)}，建议写成字符串`, `${field} is a ${describe(raw)}; write it as a string`));
        if (raw === null) continue;
        text = String(raw);
      }
      if (checks[c] !== undefined) this.runChecks(c, text);
    }
    if (missing !== undefined) {
      const names = missing.join(', ');
      issues.recordIssue('error', 'INVALID_DATA_ARGUMENTS', 'record-missing-column', bilingual(`记录 ${recordMark(recordIndex)} 缺少列 ${names}`, `record ${recordMark(recordIndex)} lacks column(s) ${names}`), missing.join(','));
    }
    if (present !== colons) this.keyProblems(record, recordIndex, present, colons);
    this.checkPrimaryKey(record, recordIndex);
  }

  /**
   * The common case in one pass: keys exactly `columns`, in order, all values strings, primary key values
   * non-empty. `colons` (the key/value pairs in the record's text) rules out duplicate keys.
   */
  private checkInOrder(record: Record<string, unknown>, recordIndex: number, colons: number): boolean {
    if (colons !== this.columns.length || this.readInOrder(record, 0, false) < 0) return false;
    this.acceptInOrder(record, recordIndex, 0, false);
    return true;
  }

  /**
   * Reads a record whose keys are exactly `columns`, in order, with string values and non-blank primary
   * key values into row `row` of `inOrder`, and returns the total length of its values; returns -1,
   * having reported nothing, for any other record. `for…in` over a parsed record reads V8's enum cache by
   * position, far cheaper than a keyed lookup per column. `fromBytes`: parsed from a byte string.
   */
  readInOrder(record: Record<string, unknown>, row: number, fromBytes: boolean): number {
    const { columns, inOrder, primaryKeyPositions } = this;
    const first = row * columns.length;
    let c = 0;
    let valueChars = 0;
    for (const key in record) {
      // Pointer equality (see asPropertyName); also stops a record with more keys than columns.
      if (key !== columns[c]) return -1;
      const value = record[key];
      if (typeof value !== 'string') return -1;
      inOrder[first + c++] = value;
      valueChars += value.length;
    }
    if (c !== columns.length) return -1;
    for (let k = 0; k < primaryKeyPositions.length; k++) if (isBlankKey(inOrder[first + primaryKeyPositions[k]!]!, fromBytes)) return -1;
    return valueChars;
  }

  /**
   * Runs the template checks on a record proved flat from its bytes (the current record of `issues`): a
   * check whose byte rule passes is settled without the value as a string, all in this one loop (no call
   * per check); every other check (user checks, and values a byte rule cannot pass) gets the text, and
   * the record when it reads it.
   */
  checkFlat(values: FlatValues, recordIndex: number): void {
    this.record = undefined;
    this.flat = values;
    this.context.recordIndex = recordIndex;
    const { bytes, spans, at } = values;
    this.readFlat(bytes, spans, at);
    for (let s = 0; s < this.stepColumns.length; s++) if (!this.stepPasses(s, bytes, spans, at)) this.runCheck(this.stepColumns[s]!, this.stepChecks[s]!, values.text(this.stepColumns[s]!));
  }

  /**
   * True when every template check passes on the bytes of a flat record (`spans` from `at`, as in
   * {@link FlatValues}) through its byte rule: then {@link checkFlat} would find nothing. Reports nothing,
   * so it can run right after the record is matched, while its bytes are still in the CPU cache.
   */
  passesFlat(bytes: Uint8Array, spans: Int32Array, at: number): boolean {
    return this.passChecks.passes(bytes, spans, at);
  }

  /** Points the byte rules' record lookups at a flat record. */
  private readFlat(bytes: Uint8Array, spans: Int32Array, at: number): void {
    const fields = this.fields;
    fields.bytes = bytes;
    fields.spans = spans;
    fields.at = at;
  }

  /** Step `s` passes on the flat record's bytes through its byte rule (false without one: it needs the text). */
  private stepPasses(s: number, bytes: Uint8Array, spans: Int32Array, at: number): boolean {
    const c = this.stepColumns[s]!;
    const rule = this.stepRules[s];
    return rule !== undefined && passesOnBytes(rule, bytes, spans[at + 4 * c]!, spans[at + 4 * c + 1]!, this.fields);
  }

  /** The current record as the checks' `record` reads it (see {@link checkFlat}); built once per record. */
  currentRecord(): Record<string, unknown> {
    if (this.record !== undefined) return this.record;
    const record: Record<string, string> = {};
    const { columns, flat } = this;
    for (let c = 0; c < columns.length; c++) record[columns[c]!] = flat!.text(c);
    this.record = record;
    return record;
  }

  /**
   * Runs the template checks on row `row` of `inOrder` and stages the record's primary key; `fromBytes`:
   * the values were parsed from a byte string (see the `byteString` option).
   */
  acceptInOrder(record: Record<string, unknown>, recordIndex: number, row: number, fromBytes: boolean): void {
    const { columns, inOrder, keyValues, primaryKeyPositions } = this;
    const first = row * columns.length;
    if (this.hasChecks) {
      this.record = record;
      this.context.recordIndex = recordIndex;
      for (let c = 0; c < columns.length; c++) if (this.checks[c] !== undefined) this.runChecks(c, inOrder[first + c]!);
    }
    if (primaryKeyPositions.length === 0) return;
    for (let k = 0; k < primaryKeyPositions.length; k++) {
      const value = inOrder[first + primaryKeyPositions[k]!]!;
      keyValues[k] = fromBytes ? textOfByteString(value) : value;
    }
    this.stage(keyValues, recordIndex);
  }

  /** Runs the template checks of column `c` on one value of the current record. */
  private runChecks(c: number, text: string): void {
    for (const check of this.checks[c]!) this.runCheck(c, check, text);
  }

  private runCheck(c: number, check: FieldCheck, text: string): void {
    const { context } = this;
    const field = this.columns[c]!;
    context.value = text;
    context.field = field;
    const problem = check(context);
    if (problem !== undefined && problem !== null) this.issues.ruleIssue(field, check, problem);
  }

  /** Duplicate keys (the text holds more pairs than the object has keys) and keys outside `columns`. */
  private keyProblems(record: Record<string, unknown>, recordIndex: number, present: number, colons: number): void {
    const keys = Object.keys(record);
    if (keys.length !== colons) this.issues.duplicateKeys((key) => bilingual(`记录 ${recordMark(recordIndex)} 中键 ${key} 出现多次`, `record ${recordMark(recordIndex)} holds key ${key} more than once`));
    if (present !== keys.length) {
      const extra = keys.filter((key) => !this.columnSet.has(key));
      const names = extra.join(', ');
      this.issues.recordIssue('error', 'INVALID_DATA_ARGUMENTS', 'record-extra-column', bilingual(`记录 ${recordMark(recordIndex)} 含有 columns 之外的列 ${names}`, `record ${recordMark(recordIndex)} has column(s) not in columns: ${names}`), extra.join(','));
    }
  }

  private checkPrimaryKey(record: Record<string, unknown>, recordIndex: number): void {
    const { primaryKeyColumns, keyValues } = this;
    if (primaryKeyColumns.length === 0) return;
    for (let k = 0; k < primaryKeyColumns.length; k++) {
      const field = primaryKeyColumns[k]!;
      const raw = record[field];
      if (typeof raw === 'string' && !isBlankKey(raw, false)) {
        keyValues[k] = raw;
        continue;
      }
      if (typeof raw === 'number' || typeof raw === 'boolean') {
        keyValues[k] = String(raw);
        continue;
      }
      // A missing column is reported as such; a present but empty, blank or non-text key value is reported here.
      if (Object.hasOwn(record, field)) {
        this.issues.fieldIssue(field, 'error', 'INVALID_PRIMARY_ARGUMENTS', 'primary-key-empty', bilingual(`记录 ${recordMark(recordIndex)} 的主键列 ${field} 为空（或只有空白）或不是文本`, `record ${recordMark(recordIndex)} has an empty (or whitespace-only) or non-text primary key column ${field}`));
      }
      return;
    }
    this.stage(keyValues, recordIndex);
  }
}
