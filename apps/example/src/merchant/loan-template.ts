// REPLACE WITH YOUR MAPPING: your row → your feedback template's record. Every value is text, as the
// gateway expects; the field codes are those of your template (here the common loan template).
import { formatTimestamp } from '@zhima/core';
import { loanTemplate } from '@zhima/validator';
import type { LoanRow } from './source-query.js';

/**
 * The template the job reports to: columns, primary key and field rules (`loanTemplate` from
 * `@zhima/validator`; build your own object of the same shape for a custom template).
 *
 * @example
 * ```ts
 * const { columns, primaryKeyColumns } = TEMPLATE;
 * ```
 */
export const TEMPLATE = loanTemplate;

/**
 * One record of the loan template, field code → text.
 *
 * @example
 * ```ts
 * const record: LoanTemplateRecord = toTemplateRecord(row);
 * ```
 */
export type LoanTemplateRecord = Record<(typeof TEMPLATE.columns)[number], string>;

const ORDER_STATUS: Record<LoanRow['status'], string> = { APPROVED: '01', REJECTED: '02', WITHDRAWN: '03', DISBURSED: '04' };

/**
 * Cents (fen) as the template writes amounts: `1900000` → `'19000.00'`.
 *
 * @example
 * ```ts
 * formatAmount(1_900_000); // '19000.00'
 * ```
 */
export function formatAmount(cents: number | string): string {
  const value = Number(cents);
  return `${Math.floor(value / 100)}.${String(value % 100).padStart(2, '0')}`;
}

/**
 * One row in the fields of the common loan template. The application's own record (no instalment) reports
 * the month it was made; instants are written in China time.
 *
 * @example
 * ```ts
 * const records = rows.map(toTemplateRecord);
 * ```
 */
export function toTemplateRecord(row: LoanRow): LoanTemplateRecord {
  return {
    user_name: row.borrower_name,
    user_credentials_type: '0', // 身份证
    user_credentials_no: row.id_number,
    order_no: row.loan_id,
    biz_type: '1', // 贷款
    order_status: ORDER_STATUS[row.status],
    create_amt: formatAmount(row.principal_cents),
    pay_month: row.due_month ?? formatTimestamp({ date: row.applied_at }).slice(0, 7),
    gmt_ovd_date: row.overdue_since ?? '',
    overdue_days: String(row.overdue_days),
    overdue_amt: formatAmount(row.overdue_cents),
    gmt_pay: row.last_paid_at ? formatTimestamp({ date: row.last_paid_at }) : '',
    memo: '',
  };
}
