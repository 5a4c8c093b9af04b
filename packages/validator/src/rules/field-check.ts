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
 * UTF-8): `bytes[start, end)`. Reused from value to value: read it during the call only.
 */
export interface ValueBytes {
  readonly bytes: Uint8Array;
  readonly start: number;
  readonly end: number;
  /** True when the same record's column `field` holds exactly `ascii` (an ASCII text); false when it has no such column. */
  fieldIs(field: string, ascii: string): boolean;
}

/**
 * A built-in check's verdict read from the value's bytes, without the value as a string: true only when
 * the check finds nothing in that value; false means "ask the check" (which then builds its message).
 */
export type PassesOnBytes = (value: ValueBytes) => boolean;

const ON_BYTES = new WeakMap<FieldCheck, PassesOnBytes>();

/** Gives `check` its byte-level shortcut (see {@link PassesOnBytes}); returns the check. */
export function withBytesShortcut<Check extends FieldCheck>(check: Check, passes: PassesOnBytes): Check {
  ON_BYTES.set(check, passes);
  return check;
}

/** The byte-level shortcut of a built-in check, or undefined (user checks, which always get the text). */
export function bytesShortcutOf(check: FieldCheck): PassesOnBytes | undefined {
  return ON_BYTES.get(check);
}
