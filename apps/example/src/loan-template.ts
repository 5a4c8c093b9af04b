import type { LoanRow } from './sample-loans.js';

const ORDER_STATUS: Record<LoanRow['status'], string> = { APPROVED: '01', REJECTED: '02', WITHDRAWN: '03', DISBURSED: '04' };

/**
 * Cents as the template writes amounts.
 *
 * @example
 * ```ts
 * formatAmount(1_900_000); // '19000.00'
 * ```
 */
export function formatAmount(cents: number): string {
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}

/**
 * One loan row in the fields of the common loan template (every value a string, as the gateway expects).
 *
 * @example
 * ```ts
 * const records = sampleLoans({ day, count }).map(toTemplateRecord);
 * ```
 */
export function toTemplateRecord(row: LoanRow): Record<string, string> {
  return {
    user_name: row.borrowerName,
    user_credentials_type: '0', // 身份证
    user_credentials_no: row.borrowerIdNumber,
    order_no: row.loanId,
    biz_type: '1', // 贷款
    order_status: ORDER_STATUS[row.status],
    create_amt: formatAmount(row.principalCents),
    pay_month: row.instalmentMonth,
    gmt_ovd_date: row.overdueSince ?? '',
    overdue_days: String(row.overdueDays),
    overdue_amt: formatAmount(row.overdueCents),
    gmt_pay: row.lastPaidAt ?? '',
    memo: '',
  };
}
