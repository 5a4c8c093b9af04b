import { byteRuleOf, passesOnBytes, type RecordFields } from './byte-rules.js';
import type { Severity } from '../report/issue.js';

/**
 * What a field check sees: the value (always text; numbers and booleans arrive as their JSON text), the
 * field, the whole record, and `show`, which renders a value for a message with personal data masked.
 *
 * @example
 * ```ts
 * const check: FieldCheck = ({ value, show }) => (value.startsWith('LN') ? undefined : `order_no ${show(value)} must start with LN`);
 * ```
 */
export interface FieldCheckContext {
  value: string;
  field: string;
  record: Readonly<Record<string, unknown>>;
  recordIndex: number;
  show(value: string): string;
}

/**
 * A failed check. `rule` names it in the report (default: `custom:<function name>`), `severity`
 * defaults to `error`.
 *
 * @example
 * ```ts
 * const problem: FieldProblem = { rule: 'order-prefix', severity: 'warning', message: '订单号应以 LN 开头 / order_no should start with LN' };
 * ```
 */
export interface FieldProblem {
  message: string;
  rule?: string;
  severity?: Severity;
}

/**
 * A template rule: a plain function that returns nothing when the value is fine, or a message (or a
 * {@link FieldProblem}) when it is not.
 *
 * @example
 * ```ts
 * const upperCase: FieldCheck = ({ value }) => (value === value.toUpperCase() ? undefined : '须为大写 / must be upper case');
 * ```
 */
export type FieldCheck = (context: FieldCheckContext) => FieldProblem | string | undefined | void;

/**
 * Checks per field code: one function or a list, applied in order.
 *
 * @example
 * ```ts
 * const rules: FieldRules = { create_amt: amount(), pay_month: [required(), dateFormat({ formats: ['yyyy-MM'] })] };
 * ```
 */
export type FieldRules = Readonly<Record<string, FieldCheck | readonly FieldCheck[]>>;

/**
 * One value of a record proved flat from its bytes (`FlatRecordShape`: a string without escapes, valid
 * UTF-8): `bytes[start, end)`, and the record's other values through `fieldIs`.
 */
export interface ValueBytes extends RecordFields {
  readonly bytes: Uint8Array;
  readonly start: number;
  readonly end: number;
}

/**
 * A built-in check's verdict read from the value's bytes, without the value as a string: true only when
 * the check finds nothing in that value; false means "ask the check" (which then builds its message).
 */
export type PassesOnBytes = (value: ValueBytes) => boolean;

/** The byte-level verdict of a built-in check (its `ByteRule`) as a function, or undefined (user checks, which always get the text). */
export function bytesShortcutOf(check: FieldCheck): PassesOnBytes | undefined {
  const rule = byteRuleOf(check);
  return rule === undefined ? undefined : (value) => passesOnBytes(rule, value.bytes, value.start, value.end, value);
}
