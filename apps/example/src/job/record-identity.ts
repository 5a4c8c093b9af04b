import { createHash } from 'node:crypto';

/**
 * A record's primary key as one text: the JSON array of its key values (`["LN00000001","2026-11"]`),
 * which cannot collide the way a joined string can.
 *
 * @example
 * ```ts
 * recordKey({ record: { order_no: 'LN1', pay_month: '2026-11' }, primaryKeyColumns: ['order_no', 'pay_month'] }); // '["LN1","2026-11"]'
 * ```
 */
export function recordKey({ record, primaryKeyColumns }: { record: Readonly<Record<string, unknown>>; primaryKeyColumns: readonly string[] }): string {
  return JSON.stringify(primaryKeyColumns.map((column) => record[column]));
}

/**
 * sha256 of what the gateway would hold for the record: its values in template column order. Equal hashes
 * mean nothing to resend.
 *
 * @example
 * ```ts
 * contentHash({ record, columns: TEMPLATE.columns }); // '3f5a…' (64 hex digits)
 * ```
 */
export function contentHash({ record, columns }: { record: Readonly<Record<string, unknown>>; columns: readonly string[] }): string {
  return createHash('sha256').update(JSON.stringify(columns.map((column) => record[column] ?? ''))).digest('hex');
}
