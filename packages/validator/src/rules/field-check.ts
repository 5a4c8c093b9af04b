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
