// STAND-IN DATA for the merchant's loan system (the demo and the tests): realistic, seeded, day by day.
// With your own database you never run this.
import { prcIdCheckChar } from '@zhima/validator';
import { addDays, chinaDay, chinaInstant, daysBetween } from '../china-time.js';
import type { Database, SqlParam } from '../database/database.js';
import type { MigrationSet } from '../database/migrate.js';

/**
 * The stand-in tables (`loans`, `instalments`, `repayment_events`).
 *
 * @example
 * ```ts
 * await migrate({ db, set: MERCHANT_STAND_IN_MIGRATIONS });
 * ```
 */
export const MERCHANT_STAND_IN_MIGRATIONS: MigrationSet = { name: 'merchant-stand-in', folder: new URL('./migrations/', import.meta.url) };

/**
 * What one seeded day changed in the merchant's tables.
 *
 * @example
 * ```ts
 * const { newLoans, repayments }: SeedDaySummary = await seedMerchantDay({ db, day: '2026-11-28', dayIndex: 1 });
 * ```
 */
export interface SeedDaySummary {
  day: string;
  newLoans: number;
  disbursed: number;
  withdrawn: number;
  repayments: number;
  newlyOverdue: number;
  agedOverdue: number;
  idNumbersFixed: number;
  statusErrors: number;
  touchedUnchanged: number;
}

const SURNAMES = [...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤'];
const GIVEN = [...'伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红娥玲芬燕彬鹏辉斌宇浩凯健俊帆帅旭宁龙林欣佳慧琳婷雪倩晨阳'];
// District codes of real places (朝阳, 徐汇, 南山, 西湖, 武侯, 江汉, 雁塔, 鼓楼), the first six ID digits.
const AREAS = ['110105', '310104', '440305', '330106', '510107', '420103', '610113', '320106'];
const TERMS = [3, 6, 12, 12, 24];
// Real exports hold the odd mistyped ID number: one borrower in this many.
const MISTYPED_ID_EVERY = 397;

/** A number in [0, 1) fixed by the words: the same loan and day always draw the same (FNV-1a, then mixed). */
function chance(...words: (string | number)[]): number {
  let hash = 0x811c9dc5;
  for (const char of words.join('|')) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193);
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  return (hash >>> 0) / 4294967296;
}
const pick = <T>(list: readonly T[], roll: number): T => list[Math.floor(roll * list.length)]!;
const pad = (value: number, width: number) => String(value).padStart(width, '0');

function idNumber(index: number): string {
  const birth = `${1965 + Math.floor(chance(index, 'year') * 38)}${pad(1 + Math.floor(chance(index, 'month') * 12), 2)}${pad(1 + Math.floor(chance(index, 'day') * 28), 2)}`;
  const first17 = `${pick(AREAS, chance(index, 'area'))}${birth}${pad(Math.floor(chance(index, 'seq') * 1000), 3)}`;
  const right = prcIdCheckChar({ first17 });
  return `${first17}${(index + 1) % MISTYPED_ID_EVERY === 0 ? (right === '0' ? '1' : '0') : right}`;
}

function name(index: number): string {
  const given = pick(GIVEN, chance(index, 'given'));
  return `${pick(SURNAMES, chance(index, 'surname'))}${given}${chance(index, 'two') < 0.6 ? pick(GIVEN, chance(index, 'given2')) : ''}`;
}

const monthOf = (day: string) => day.slice(0, 7);
function nextMonth(month: string): string {
  const [year, mon] = month.split('-').map(Number) as [number, number];
  return mon === 12 ? `${year + 1}-01` : `${year}-${pad(mon + 1, 2)}`;
}
/** Due months of a loan disbursed on `disbursedDay`, up to and including `untilMonth`. */
function dueMonths(disbursedDay: string, term: number, untilMonth: string): string[] {
  const months: string[] = [];
  for (let month = nextMonth(monthOf(disbursedDay)); month <= untilMonth && months.length < term; month = nextMonth(month)) months.push(month);
  return months;
}
const dueDate = (month: string, disbursedDay: string) => `${month}-${pad(Math.min(28, Number(disbursedDay.slice(8, 10))), 2)}`;
const secondsInDay = (roll: number) => 8 * 3600 + Math.floor(roll * 14 * 3600); // 08:00–22:00 China time

interface LoanState {
  loan_id: string;
  id_number: string;
  status: string;
  principal_cents: number;
  term_months: number;
  disbursed_day: string | null;
}
interface InstalmentState {
  loan_id: string;
  due_month: string;
  due_date: string;
  due_cents: number;
  overdue_since: string | null;
  overdue_days: number;
  paid: boolean;
}

/** Writes rows with one statement per table: `unnest` over one array parameter per column. */
async function insertRows(db: Database, table: string, columns: Record<string, string>, rows: Record<string, SqlParam>[]): Promise<void> {
  const names = Object.keys(columns);
  for (let at = 0; at < rows.length; at += 5000) {
    const chunk = rows.slice(at, at + 5000);
    const arrays = names.map((column) => chunk.map((row) => (row[column] === null || row[column] === undefined ? null : row[column] instanceof Date ? (row[column] as Date).toISOString() : String(row[column]))));
    const unnest = names.map((column, k) => `$${k + 1}::${columns[column]}[]`).join(', ');
    await db.query(`INSERT INTO ${table} (${names.join(', ')}) SELECT * FROM unnest(${unnest})`, arrays as unknown as SqlParam[]);
  }
}

const LOAN_COLUMNS = { loan_id: 'text', borrower_name: 'text', id_number: 'text', status: 'text', principal_cents: 'bigint', term_months: 'integer', applied_at: 'timestamptz', disbursed_at: 'timestamptz', updated_at: 'timestamptz' };
const INSTALMENT_COLUMNS = { loan_id: 'text', due_month: 'text', due_date: 'date', due_cents: 'bigint', overdue_since: 'date', overdue_days: 'integer', overdue_cents: 'bigint', updated_at: 'timestamptz' };
const EVENT_COLUMNS = { loan_id: 'text', due_month: 'text', kind: 'text', amount_cents: 'bigint', detail: 'text', occurred_at: 'timestamptz' };

/**
 * The first day: a loan book of `loans` loans applied over the 180 days before `day`, with each past
 * instalment repaid or overdue as of the end of `day`. Later days: {@link seedMerchantDay}.
 */
async function seedBook({ db, day, loans }: { db: Database; day: string; loans: number }): Promise<SeedDaySummary> {
  const loanRows: Record<string, SqlParam>[] = [];
  const instalmentRows: Record<string, SqlParam>[] = [];
  const events: Record<string, SqlParam>[] = [];
  let overdue = 0;
  let repayments = 0;
  for (let index = 0; index < loans; index++) {
    const loanId = `LN${pad(index + 1, 8)}`;
    const ageDays = 1 + Math.floor(chance(index, 'age') * 180);
    const appliedDay = addDays(day, -ageDays);
    const appliedAt = chinaInstant(appliedDay, secondsInDay(chance(index, 'applied-at')));
    const statusRoll = chance(index, 'status');
    const status = ageDays <= 2 ? (statusRoll < 0.7 ? 'APPROVED' : 'REJECTED') : statusRoll < 0.72 ? 'DISBURSED' : statusRoll < 0.9 ? 'REJECTED' : 'WITHDRAWN';
    const principal = (10 + Math.floor(chance(index, 'amount') * 490)) * 10_000;
    const term = pick(TERMS, chance(index, 'term'));
    const disbursedDay = status === 'DISBURSED' ? addDays(appliedDay, 1 + Math.floor(chance(index, 'wait') * 2)) : null;
    loanRows.push({ loan_id: loanId, borrower_name: name(index), id_number: idNumber(index), status, principal_cents: principal, term_months: term, applied_at: appliedAt, disbursed_at: disbursedDay && chinaInstant(disbursedDay, 10 * 3600), updated_at: disbursedDay ? chinaInstant(disbursedDay, 10 * 3600) : appliedAt });
    if (disbursedDay === null) continue;
    events.push({ loan_id: loanId, due_month: null, kind: 'disbursement', amount_cents: principal, detail: '', occurred_at: chinaInstant(disbursedDay, 10 * 3600) });
    const dueCents = Math.round((principal * 1.01) / term);
    for (const month of dueMonths(disbursedDay, term, monthOf(day))) {
      const due = dueDate(month, disbursedDay);
      let overdueSince: string | null = null;
      if (due <= day) {
        if (chance(loanId, month, 'pays') < 0.9) {
          repayments++;
          const paidDay = addDays(due, -Math.floor(chance(loanId, month, 'early') * 3));
          events.push({ loan_id: loanId, due_month: month, kind: 'repayment', amount_cents: dueCents, detail: '', occurred_at: chinaInstant(paidDay, secondsInDay(chance(loanId, month, 'paid-at'))) });
        } else if (due < day) {
          overdue++;
          overdueSince = addDays(due, 1);
          events.push({ loan_id: loanId, due_month: month, kind: 'overdue', amount_cents: dueCents, detail: '', occurred_at: chinaInstant(overdueSince, 1800) });
        }
      }
      instalmentRows.push({ loan_id: loanId, due_month: month, due_date: due, due_cents: dueCents, overdue_since: overdueSince, overdue_days: overdueSince ? daysBetween(due, day) : 0, overdue_cents: overdueSince ? dueCents : 0, updated_at: chinaInstant(day, 1800) });
    }
  }
  await db.transaction(async () => {
    await insertRows(db, 'loans', LOAN_COLUMNS, loanRows);
    await insertRows(db, 'instalments', INSTALMENT_COLUMNS, instalmentRows);
    await insertRows(db, 'repayment_events', EVENT_COLUMNS, events);
  });
  return { day, newLoans: loans, disbursed: events.filter((event) => event.kind === 'disbursement').length, withdrawn: 0, repayments, newlyOverdue: overdue, agedOverdue: 0, idNumbersFixed: 0, statusErrors: 0, touchedUnchanged: 0 };
}

/**
 * Seeds the merchant's stand-in tables for one day, as the loan system would have left them at the end of
 * `day` (China time). Day 0 creates a book of `loans` loans; each later day (call
 * them in order) brings new applications, disbursements, withdrawals, repayments, instalments falling
 * overdue, the nightly ageing of overdue days, a mistyped ID number fixed at the source, from day 2 on one
 * loan wrongly set back from disbursed to approved (reverted the day after), and rows
 * touched without any reported change. Deterministic: the same days give the same data.
 *
 * @example
 * ```ts
 * await seedMerchantDay({ db, day: '2026-11-27', dayIndex: 0, loans: 3000 });
 * await seedMerchantDay({ db, day: '2026-11-28', dayIndex: 1 });
 * ```
 */
export async function seedMerchantDay({ db, day, dayIndex, loans = 3000 }: { db: Database; day: string; dayIndex: number; loans?: number }): Promise<SeedDaySummary> {
  if (dayIndex === 0) return seedBook({ db, day, loans });
  const summary: SeedDaySummary = { day, newLoans: 0, disbursed: 0, withdrawn: 0, repayments: 0, newlyOverdue: 0, agedOverdue: 0, idNumbersFixed: 0, statusErrors: 0, touchedUnchanged: 0 };
  const book = (
    await db.query<Omit<LoanState, 'disbursed_day'> & { disbursed_at: Date | null }>(`SELECT loan_id, id_number, status, principal_cents::text AS principal_cents, term_months, disbursed_at FROM loans ORDER BY loan_id`)
  ).map(({ disbursed_at, ...loan }): LoanState => ({ ...loan, disbursed_day: disbursed_at && chinaDay(disbursed_at) }));
  const instalments = await db.query<InstalmentState>(
    `SELECT i.loan_id, i.due_month, i.due_date::text AS due_date, i.due_cents::text AS due_cents, i.overdue_since::text AS overdue_since, i.overdue_days,
            EXISTS (SELECT 1 FROM repayment_events e WHERE e.loan_id = i.loan_id AND e.due_month = i.due_month AND e.kind = 'repayment') AS paid
       FROM instalments i`,
  );
  const at = (seconds: number) => chinaInstant(day, seconds);
  const loanUpdates = new Map<string, { loan_id: string; status: string; id_number: string; disbursed_at: Date | null; updated_at: Date }>();
  const update = (loan: LoanState, change: Partial<{ status: string; id_number: string }>, seconds: number) => {
    const disbursed_at = loan.disbursed_day ? chinaInstant(loan.disbursed_day, 10 * 3600) : null;
    loanUpdates.set(loan.loan_id, { loan_id: loan.loan_id, status: loan.status, id_number: loan.id_number, disbursed_at, ...change, updated_at: at(seconds) });
  };
  const instalmentUpdates: Record<string, SqlParam>[] = [];
  const newInstalments: Record<string, SqlParam>[] = [];
  const newLoans: Record<string, SqlParam>[] = [];
  const events: Record<string, SqlParam>[] = [];

  // A source-system bug: one disbursed loan reads back as approved for a day, then is reverted.
  const broken = book.find((loan) => loan.status === 'APPROVED' && loan.disbursed_day !== null);
  if (broken) update(broken, { status: 'DISBURSED' }, 8 * 3600);
  else if (dayIndex >= 2) {
    const victim = book.filter((loan) => loan.status === 'DISBURSED')[Math.floor(chance(day, 'bug') * 50)];
    if (victim) {
      summary.statusErrors++;
      update(victim, { status: 'APPROVED' }, 8 * 3600);
    }
  }
  // A mistyped ID number corrected by the data team each day, oldest first.
  const mistyped = book.find((loan) => prcIdCheckChar({ first17: loan.id_number.slice(0, 17) }) !== loan.id_number[17] && !loanUpdates.has(loan.loan_id));
  if (mistyped) {
    summary.idNumbersFixed++;
    update(mistyped, { id_number: mistyped.id_number.slice(0, 17) + prcIdCheckChar({ first17: mistyped.id_number.slice(0, 17) }) }, 9 * 3600);
  }
  // The loan system: approvals become disbursements or withdrawals; a few rows change in fields nobody reports.
  for (const loan of book) {
    if (loanUpdates.has(loan.loan_id)) continue;
    const roll = chance(loan.loan_id, day, 'progress');
    if (loan.status === 'APPROVED' && roll < 0.5) {
      summary.disbursed++;
      update({ ...loan, disbursed_day: day }, { status: 'DISBURSED' }, 11 * 3600);
      events.push({ loan_id: loan.loan_id, due_month: null, kind: 'disbursement', amount_cents: Number(loan.principal_cents), detail: '', occurred_at: at(10 * 3600) });
    } else if (loan.status === 'APPROVED' && roll < 0.6) {
      summary.withdrawn++;
      update(loan, { status: 'WITHDRAWN' }, 15 * 3600);
      events.push({ loan_id: loan.loan_id, due_month: null, kind: 'status-change', amount_cents: 0, detail: 'APPROVED→WITHDRAWN', occurred_at: at(15 * 3600) });
    } else if (roll > 0.99) {
      summary.touchedUnchanged++; // e.g. a call-centre note: nothing the template reports
      update(loan, {}, 16 * 3600);
    }
  }
  const existing = book.length;
  const applications = Math.max(1, Math.round(existing * 0.005));
  for (let k = 0; k < applications; k++) {
    const index = existing + k;
    summary.newLoans++;
    const appliedAt = at(secondsInDay(chance(index, 'applied-at')));
    newLoans.push({ loan_id: `LN${pad(index + 1, 8)}`, borrower_name: name(index), id_number: idNumber(index), status: chance(index, 'status') < 0.75 ? 'APPROVED' : 'REJECTED', principal_cents: (10 + Math.floor(chance(index, 'amount') * 490)) * 10_000, term_months: pick(TERMS, chance(index, 'term')), applied_at: appliedAt, disbursed_at: null, updated_at: appliedAt });
  }

  // The servicing system: new months fall due, instalments are repaid or fall overdue, overdue days age.
  const have = new Set(instalments.map((row) => `${row.loan_id}|${row.due_month}`));
  for (const loan of book) {
    if (loan.status !== 'DISBURSED' || loan.disbursed_day === null) continue;
    for (const month of dueMonths(loan.disbursed_day, loan.term_months, monthOf(day))) {
      if (have.has(`${loan.loan_id}|${month}`)) continue;
      const dueCents = Math.round((Number(loan.principal_cents) * 1.01) / loan.term_months);
      newInstalments.push({ loan_id: loan.loan_id, due_month: month, due_date: dueDate(month, loan.disbursed_day), due_cents: dueCents, overdue_since: null, overdue_days: 0, overdue_cents: 0, updated_at: at(1800) });
      instalments.push({ loan_id: loan.loan_id, due_month: month, due_date: dueDate(month, loan.disbursed_day), due_cents: dueCents, overdue_since: null, overdue_days: 0, paid: false });
    }
  }
  for (const row of instalments) {
    if (row.paid || row.due_date > day) continue;
    const key = `${row.loan_id}|${row.due_month}`;
    const pays = row.overdue_since === null ? row.due_date === day && chance(key, 'pays') < 0.85 : chance(key, day, 'late') < 0.05;
    if (pays) {
      summary.repayments++;
      events.push({ loan_id: row.loan_id, due_month: row.due_month, kind: 'repayment', amount_cents: Number(row.due_cents), detail: '', occurred_at: at(secondsInDay(chance(key, day, 'paid-at'))) });
      instalmentUpdates.push({ loan_id: row.loan_id, due_month: row.due_month, overdue_since: null, overdue_days: 0, overdue_cents: 0, updated_at: at(20 * 3600) });
    } else if (row.due_date < day) {
      const since = row.overdue_since ?? addDays(row.due_date, 1);
      if (row.overdue_since === null) {
        summary.newlyOverdue++;
        events.push({ loan_id: row.loan_id, due_month: row.due_month, kind: 'overdue', amount_cents: Number(row.due_cents), detail: '', occurred_at: at(1800) });
      } else summary.agedOverdue++;
      instalmentUpdates.push({ loan_id: row.loan_id, due_month: row.due_month, overdue_since: since, overdue_days: daysBetween(row.due_date, day), overdue_cents: Number(row.due_cents), updated_at: at(1800) });
    }
  }

  await db.transaction(async () => {
    await insertRows(db, 'loans', LOAN_COLUMNS, newLoans);
    await insertRows(db, 'instalments', INSTALMENT_COLUMNS, newInstalments);
    await insertRows(db, 'repayment_events', EVENT_COLUMNS, events);
    if (loanUpdates.size > 0) {
      const rows = [...loanUpdates.values()];
      await db.query(
        `UPDATE loans l SET status = u.status, id_number = u.id_number, disbursed_at = u.disbursed_at, updated_at = u.updated_at
           FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::timestamptz[]) AS u(loan_id, status, id_number, disbursed_at, updated_at)
          WHERE l.loan_id = u.loan_id`,
        [rows.map((u) => u.loan_id), rows.map((u) => u.status), rows.map((u) => u.id_number), rows.map((u) => u.disbursed_at?.toISOString() ?? null), rows.map((u) => u.updated_at.toISOString())] as unknown as SqlParam[],
      );
    }
    if (instalmentUpdates.length > 0) {
      await db.query(
        `UPDATE instalments i SET overdue_since = u.overdue_since, overdue_days = u.overdue_days, overdue_cents = u.overdue_cents, updated_at = u.updated_at
           FROM unnest($1::text[], $2::text[], $3::date[], $4::integer[], $5::bigint[], $6::timestamptz[]) AS u(loan_id, due_month, overdue_since, overdue_days, overdue_cents, updated_at)
          WHERE i.loan_id = u.loan_id AND i.due_month = u.due_month`,
        ['loan_id', 'due_month', 'overdue_since', 'overdue_days', 'overdue_cents', 'updated_at'].map((column) => instalmentUpdates.map((u) => (u[column] === null ? null : u[column] instanceof Date ? (u[column] as Date).toISOString() : String(u[column])))) as unknown as SqlParam[],
      );
    }
  });
  return summary;
}
