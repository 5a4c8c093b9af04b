// REPLACE WITH YOUR QUERY. It reads the stand-in tables of migrations/0001-loans.sql; point it at your
// own loan tables, keeping the row shape (LoanRow) or changing loan-template.ts to match.
import type { Database } from '../database/database.js';

/**
 * One loan-template record's worth of your data: the loan, and either one monthly instalment or (for a loan
 * with no instalment yet, or for the application itself) none.
 *
 * @example
 * ```ts
 * const row: LoanRow = { loan_id: 'LN00000001', borrower_name: '王伟', id_number: '11010519491231002X', status: 'DISBURSED', principal_cents: '1900000', applied_at: new Date(), due_month: '2026-11', overdue_since: null, overdue_days: 0, overdue_cents: '0', last_paid_at: null };
 * ```
 */
export interface LoanRow {
  loan_id: string;
  borrower_name: string;
  id_number: string;
  status: 'APPROVED' | 'REJECTED' | 'WITHDRAWN' | 'DISBURSED';
  /** bigint: text from `pg`, a number from PGlite. */
  principal_cents: string | number;
  applied_at: Date;
  /** `yyyy-MM` of the instalment; `null` for the application's own record. */
  due_month: string | null;
  /** `yyyy-MM-dd`. */
  overdue_since: string | null;
  overdue_days: number;
  overdue_cents: string | number;
  last_paid_at: Date | null;
}

/**
 * The rows of up to `limit` loans after `afterLoanId` (in loan id order), as they stood at `cutoff` (the end
 * of the reporting day in China time): rows changed after it wait for the next run, so a run for a day
 * never reports what happened the day after.
 *
 * @example
 * ```ts
 * const rows = await readLoanRows({ db, cutoff: chinaInstant('2026-12-01'), afterLoanId: '', limit: 500 });
 * ```
 */
export async function readLoanRows({ db, cutoff, afterLoanId, limit }: { db: Database; cutoff: Date; afterLoanId: string; limit: number }): Promise<LoanRow[]> {
  return db.query<LoanRow>(
    `WITH page AS (
       SELECT * FROM loans WHERE loan_id > $1 AND updated_at < $2 ORDER BY loan_id LIMIT $3
     )
     SELECT p.loan_id, p.borrower_name, p.id_number, p.status, p.principal_cents, p.applied_at,
            NULL::text AS due_month, NULL::text AS overdue_since, 0 AS overdue_days, 0 AS overdue_cents, NULL::timestamptz AS last_paid_at
       FROM page p
     UNION ALL
     SELECT p.loan_id, p.borrower_name, p.id_number, p.status, p.principal_cents, p.applied_at,
            i.due_month, i.overdue_since::text, i.overdue_days, i.overdue_cents,
            (SELECT max(e.occurred_at) FROM repayment_events e
              WHERE e.loan_id = i.loan_id AND e.due_month = i.due_month AND e.kind = 'repayment' AND e.occurred_at < $2)
       FROM page p JOIN instalments i ON i.loan_id = p.loan_id AND i.updated_at < $2
     ORDER BY loan_id, due_month NULLS FIRST`,
    [afterLoanId, cutoff, limit],
  );
}
