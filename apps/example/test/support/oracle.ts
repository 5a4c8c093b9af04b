// Plain, independent views of what the job should have done: SQL straight on the stand-in tables, the
// sandbox's store and the ledger's table, compared record for record. None of it calls the job's code.
import type { Sandbox } from '@zhima/sandbox';
import type { Database } from '../../src/database/database.js';

/** ISO 7064 MOD 11-2 with the textbook weights 2^(17-i) mod 11 (not the validator's table). */
export function checkCharacter(first17: string): string {
  const sum = [...first17.slice(0, 17)].reduce((total, digit, i) => total + Number(digit) * (2 ** (17 - i) % 11), 0);
  const check = (12 - (sum % 11)) % 11;
  return check === 10 ? 'X' : String(check);
}

export function validIdNumber(id: string): boolean {
  return /^\d{17}[\dX]$/.test(id) && id[17] === checkCharacter(id);
}

const key = (orderNo: unknown, payMonth: unknown) => JSON.stringify([orderNo, payMonth]);

/** The keys the day should report: every loan (its application month in China time) and every instalment, as they stood at the end of `day`. */
export async function sourceKeys(db: Database, day: string): Promise<{ all: Set<string>; badId: Set<string> }> {
  const cutoff = `${day}T23:59:59.999+08:00`;
  const rows = await db.query<{ loan_id: string; month: string; id_number: string }>(
    `SELECT l.loan_id, to_char((l.applied_at AT TIME ZONE 'UTC') + interval '8 hours', 'YYYY-MM') AS month, l.id_number FROM loans l WHERE l.updated_at <= $1
     UNION ALL
     SELECT l.loan_id, i.due_month, l.id_number FROM loans l JOIN instalments i USING (loan_id) WHERE l.updated_at <= $1 AND i.updated_at <= $1`,
    [cutoff],
  );
  const all = new Set(rows.map((row) => key(row.loan_id, row.month)));
  const badId = new Set(rows.filter((row) => !validIdNumber(row.id_number)).map((row) => key(row.loan_id, row.month)));
  return { all, badId };
}

export function sandboxByKey(sandbox: Sandbox, appId: string): Map<string, Record<string, unknown>> {
  return new Map(sandbox.storedRecords({ appId }).map((record) => [key(record.order_no, record.pay_month), record]));
}

export async function ledgerByKey(db: Database, appId: string): Promise<Map<string, Record<string, unknown>>> {
  const rows = await db.query<{ record_key: string; record: Record<string, unknown> }>('SELECT record_key, record FROM feedback_reported WHERE app_id = $1', [appId]);
  return new Map(rows.map((row) => [row.record_key, row.record]));
}

export async function openQuarantine(db: Database, appId: string): Promise<Map<string, { rule: string; message: string }[]>> {
  const rows = await db.query<{ record_key: string; reasons: { rule: string; message: string }[] }>('SELECT record_key, reasons FROM feedback_quarantine WHERE app_id = $1 AND resolved_at IS NULL', [appId]);
  return new Map(rows.map((row) => [row.record_key, row.reasons]));
}

export const sorted = (keys: Iterable<string>) => [...keys].sort();
