import { ZhimaError } from '@zhima/core';
import { bilingual } from '../report/issue.js';
import { sensitiveFieldsWith, showValue } from '../report/mask.js';

/**
 * What a record-level check sees: the whole record, the version of the same primary key that the gateway
 * last accepted (from the caller's ledger; `undefined` the first time), the reporting day, and `show`,
 * which renders a field's value for a message with personal data masked.
 *
 * @example
 * ```ts
 * const context: RecordCheckContext = { record, previous: undefined, reportingDay: '2026-11-30', show: (_field, value) => JSON.stringify(value) };
 * ```
 */
export interface RecordCheckContext {
  record: Readonly<Record<string, unknown>>;
  previous: Readonly<Record<string, unknown>> | undefined;
  /** `yyyy-MM-dd`, the China-time day the run reports: anything dated after it has not happened yet. */
  reportingDay: string;
  show(field: string, value: string): string;
}

/**
 * A failed record-level check: the rule's name, the fields that disagree, and a bilingual, masked message.
 *
 * @example
 * ```ts
 * const problem: RecordProblem = { rule: 'disbursed-needs-amount', fields: ['order_status', 'create_amt'], message: '… / …' };
 * ```
 */
export interface RecordProblem {
  rule: string;
  fields: readonly string[];
  message: string;
}

/**
 * A named cross-field rule, with why it matters, and the check itself (nothing when the record is fine).
 *
 * @example
 * ```ts
 * const rule: RecordRule = { name: 'memo-short', why: 'Long memos are cut by the gateway.', check: ({ record }) => undefined };
 * ```
 */
export interface RecordRule {
  name: string;
  why: string;
  check(context: RecordCheckContext): Omit<RecordProblem, 'rule'> | undefined;
}

const DISBURSED = '04';

const text = (record: Readonly<Record<string, unknown>>, field: string): string => {
  const value = record[field];
  return value === undefined || value === null ? '' : String(value);
};

/** A non-negative decimal (`"0"`, `"19000.00"`), or `undefined` when the text is no such number (the field rules report that). */
function decimal(value: string): number | undefined {
  if (value === '') return 0;
  return /^\d+(\.\d+)?$/.test(value) ? Number(value) : undefined;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})(?: \d{2}:\d{2}:\d{2})?$/;

/** Days since 1970-01-01 of a `yyyy-MM-dd[ HH:mm:ss]` text, or `undefined` when it is no such date (the field rules report that). */
function dayNumber(value: string): number | undefined {
  const match = DAY.exec(value);
  if (match === null) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const ms = Date.UTC(year, month - 1, day);
  // Date.UTC rolls 2026-02-30 over into March: only a date that reads back the same is real.
  const date = new Date(ms);
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day ? ms / 86_400_000 : undefined;
}

/**
 * The cross-field rules of the common loan template (field codes as in `loanTemplate`). Every value is read
 * as the template text; values the field rules already reject (a malformed amount or date) are left to them.
 *
 * @example
 * ```ts
 * for (const rule of loanConsistencyRules) console.log(rule.name, '—', rule.why);
 * ```
 */
export const loanConsistencyRules: readonly RecordRule[] = [
  {
    name: 'disbursed-needs-amount',
    why: 'A disbursed loan (04) with no amount reports a debt of nothing: the credit bureau cannot weigh the obligation, and any overdue on it reads as an error on the person.',
    check: ({ record, show }) => {
      if (text(record, 'order_status') !== DISBURSED) return undefined;
      const amount = decimal(text(record, 'create_amt'));
      if (amount === undefined || amount > 0) return undefined;
      return {
        fields: ['order_status', 'create_amt'],
        message: bilingual(`已放款（04）的订单 create_amt 须大于 0，实为 ${show('create_amt', text(record, 'create_amt'))}`, `a disbursed loan (order_status 04) needs create_amt > 0, got ${show('create_amt', text(record, 'create_amt'))}`),
      };
    },
  },
  {
    name: 'overdue-fields-agree',
    why: 'overdue_days, overdue_amt and gmt_ovd_date describe one delinquency: if one says overdue and another does not, the bureau either marks a person delinquent who is not, or misses one who is.',
    check: ({ record, show }) => {
      const days = decimal(text(record, 'overdue_days'));
      const amount = decimal(text(record, 'overdue_amt'));
      if (days === undefined || amount === undefined) return undefined;
      const since = text(record, 'gmt_ovd_date');
      const says = [days > 0, amount > 0, since !== ''];
      if (says.every(Boolean) || !says.some(Boolean)) return undefined;
      const shown = `overdue_days=${show('overdue_days', text(record, 'overdue_days'))}, overdue_amt=${show('overdue_amt', text(record, 'overdue_amt'))}, gmt_ovd_date=${show('gmt_ovd_date', since)}`;
      return {
        fields: ['overdue_days', 'overdue_amt', 'gmt_ovd_date'],
        message: bilingual(`逾期天数大于 0、逾期金额大于 0、逾期日期非空须同时成立或同时不成立（${shown}）`, `overdue_days > 0, overdue_amt > 0 and a gmt_ovd_date must hold together or not at all (${shown})`),
      };
    },
  },
  {
    name: 'overdue-needs-disbursed',
    why: 'Only money paid out can be overdue: an overdue mark on an approved, rejected or withdrawn application makes a person delinquent on a loan they never received.',
    check: ({ record, show }) => {
      const status = text(record, 'order_status');
      if (status === DISBURSED || status === '') return undefined;
      const days = decimal(text(record, 'overdue_days'));
      const amount = decimal(text(record, 'overdue_amt'));
      if (!((days ?? 0) > 0 || (amount ?? 0) > 0)) return undefined;
      return {
        fields: ['order_status', 'overdue_days', 'overdue_amt'],
        message: bilingual(`未放款（order_status ${show('order_status', status)}）的订单不能有逾期`, `a loan that was not disbursed (order_status ${show('order_status', status)}) cannot be overdue`),
      };
    },
  },
  {
    name: 'overdue-days-within-elapsed',
    why: 'More overdue days than have passed since gmt_ovd_date move a person into a worse delinquency bucket (M1 → M3) than the facts allow.',
    check: ({ record, reportingDay, show }) => {
      const days = decimal(text(record, 'overdue_days'));
      const since = dayNumber(text(record, 'gmt_ovd_date'));
      const today = dayNumber(reportingDay)!;
      if (days === undefined || since === undefined || days <= today - since + 1) return undefined;
      return {
        fields: ['overdue_days', 'gmt_ovd_date'],
        message: bilingual(
          `overdue_days ${show('overdue_days', text(record, 'overdue_days'))} 超过自 gmt_ovd_date ${show('gmt_ovd_date', text(record, 'gmt_ovd_date'))} 至 ${reportingDay} 的天数`,
          `overdue_days ${show('overdue_days', text(record, 'overdue_days'))} is more than the days from gmt_ovd_date ${show('gmt_ovd_date', text(record, 'gmt_ovd_date'))} to ${reportingDay}`,
        ),
      };
    },
  },
  {
    name: 'no-future-dates',
    why: 'A repayment or overdue dated after the reporting day has not happened: it is a data error (often a clock in the wrong zone) that shows the person a history that is not true yet.',
    check: ({ record, reportingDay, show }) => {
      const today = dayNumber(reportingDay)!;
      const future = ['gmt_ovd_date', 'gmt_pay'].filter((field) => (dayNumber(text(record, field)) ?? -Infinity) > today);
      if (future.length === 0) return undefined;
      const shown = future.map((field) => `${field}=${show(field, text(record, field))}`).join(', ');
      return { fields: future, message: bilingual(`日期晚于报送日 ${reportingDay}（${shown}）`, `dated after the reporting day ${reportingDay} (${shown})`) };
    },
  },
  {
    name: 'disbursed-stays-disbursed',
    why: 'Money once paid out stays paid out: a loan reported as disbursed (04) that later reads approved (01), rejected or withdrawn erases a real obligation from the person’s record, usually through a bug in the source system.',
    check: ({ record, previous, show }) => {
      if (previous === undefined || text(previous, 'order_status') !== DISBURSED) return undefined;
      const status = text(record, 'order_status');
      if (status === DISBURSED) return undefined;
      return {
        fields: ['order_status'],
        message: bilingual(`订单已报送为已放款（04），不能改回 ${show('order_status', status)}`, `the loan was reported disbursed (04) and cannot go back to order_status ${show('order_status', status)}`),
      };
    },
  },
];

/**
 * Runs {@link loanConsistencyRules} on one loan-template record. Pass `previous`, the version of the same
 * primary key the gateway last accepted (e.g. from your ledger), so status changes between days are checked;
 * pass the reporting day explicitly (the China date the run reports), never the machine clock. Values in
 * messages are masked as in validation reports. Throws `ZhimaError` `PARAM_INVALID` for a malformed day.
 *
 * @example
 * ```ts
 * import { checkLoanConsistency } from '@zhima/validator';
 *
 * const problems = checkLoanConsistency({
 *   record: { order_no: 'LN1', pay_month: '2026-11', order_status: '04', create_amt: '0.00', overdue_days: '0', overdue_amt: '0.00', gmt_ovd_date: '', gmt_pay: '' },
 *   previous: undefined,
 *   reportingDay: '2026-11-30',
 * });
 * problems.map((problem) => problem.rule); // ['disbursed-needs-amount']
 * ```
 */
export function checkLoanConsistency({
  record,
  previous,
  reportingDay,
  sensitiveFields,
  rules = loanConsistencyRules,
}: {
  record: Readonly<Record<string, unknown>>;
  previous: Readonly<Record<string, unknown>> | undefined;
  reportingDay: string;
  /** Fields masked in messages besides `DEFAULT_SENSITIVE_FIELDS`. */
  sensitiveFields?: readonly string[];
  rules?: readonly RecordRule[];
}): RecordProblem[] {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(reportingDay) || dayNumber(reportingDay) === undefined) {
    throw new ZhimaError({ code: 'PARAM_INVALID', message: `reportingDay must be a real date written yyyy-MM-dd, got ${JSON.stringify(reportingDay)}.`, hint: '传入报送日（北京时间）/ Pass the China-time day the run reports, e.g. 2026-11-30.' });
  }
  const masked = sensitiveFieldsWith({ sensitiveFields });
  const context: RecordCheckContext = { record, previous, reportingDay, show: (field, value) => showValue({ value, field, sensitiveFields: masked }) };
  const problems: RecordProblem[] = [];
  for (const rule of rules) {
    const found = rule.check(context);
    if (found !== undefined) problems.push({ rule: rule.name, ...found });
  }
  return problems;
}
