import { ZhimaError } from '@zhima/core';

/**
 * Turns `columns` / `primaryKeyColumns` given as an array or a comma-separated string into names,
 * exactly as the gateway will split them (no trimming: a stray space is a different column name).
 *
 * @example
 * ```ts
 * toColumnNames({ value: 'order_no,pay_month', name: 'primaryKeyColumns' }); // ['order_no', 'pay_month']
 * ```
 */
export function toColumnNames({ value, name }: { value: string | readonly string[]; name: string }): string[] {
  if (typeof value === 'string') return value === '' ? [] : value.split(',');
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return [...value];
  throw new ZhimaError({
    code: 'PARAM_INVALID',
    message: `${name} must be an array of column names or a comma-separated string.`,
    hint: `例如 ${name}: ['order_no', 'pay_month'] 或 'order_no,pay_month' / For example ${name}: ['order_no', 'pay_month'] or 'order_no,pay_month'.`,
  });
}
