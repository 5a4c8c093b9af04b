import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ZhimaErrorCode } from '@zhima/core';
import { checkLoanConsistency, loanConsistencyRules, loanTemplate } from '../src/index.js';

type LoanRecord = Record<string, string>;

const DAY = '2026-11-30';

function loan(overrides: Partial<LoanRecord> = {}): LoanRecord {
  return {
    user_name: '王伟',
    user_credentials_type: '0',
    user_credentials_no: '11010519491231002X',
    order_no: 'LN20261101000001',
    biz_type: '1',
    order_status: '04',
    create_amt: '19000.00',
    pay_month: '2026-11',
    gmt_ovd_date: '',
    overdue_days: '0',
    overdue_amt: '0.00',
    gmt_pay: '2026-11-15 10:20:30',
    memo: '',
    ...overrides,
  };
}

const rulesOf = (record: LoanRecord, previous?: LoanRecord, reportingDay = DAY) => checkLoanConsistency({ record, previous, reportingDay }).map((problem) => problem.rule).sort();

// ---- The oracle: each rule written again from its sentence, with Date arithmetic, not the module's helpers.
const num = (value: string) => (value === '' ? 0 : Number(value));
const isNumber = (value: string) => value === '' || /^\d+(\.\d+)?$/.test(value);
const realDay = (value: string) => {
  if (!/^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}:\d{2})?$/.test(value)) return undefined;
  const date = new Date(`${value.slice(0, 10)}T00:00:00Z`);
  return Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value.slice(0, 10) ? undefined : date;
};
function oracle(record: LoanRecord, previous: LoanRecord | undefined, reportingDay: string): string[] {
  const found: string[] = [];
  const today = realDay(reportingDay)!;
  const disbursed = record.order_status === '04';
  if (disbursed && isNumber(record.create_amt!) && num(record.create_amt!) <= 0) found.push('disbursed-needs-amount');
  if (isNumber(record.overdue_days!) && isNumber(record.overdue_amt!)) {
    const flags = [num(record.overdue_days!) > 0, num(record.overdue_amt!) > 0, record.gmt_ovd_date !== ''];
    if (new Set(flags).size === 2) found.push('overdue-fields-agree');
  }
  const overdue = (isNumber(record.overdue_days!) && num(record.overdue_days!) > 0) || (isNumber(record.overdue_amt!) && num(record.overdue_amt!) > 0);
  if (!disbursed && record.order_status !== '' && overdue) found.push('overdue-needs-disbursed');
  const since = realDay(record.gmt_ovd_date!);
  if (since && isNumber(record.overdue_days!)) {
    const elapsed = Math.round((today.getTime() - since.getTime()) / 86_400_000) + 1;
    if (num(record.overdue_days!) > elapsed) found.push('overdue-days-within-elapsed');
  }
  if (['gmt_ovd_date', 'gmt_pay'].some((field) => (realDay(record[field]!)?.getTime() ?? -Infinity) > today.getTime())) found.push('no-future-dates');
  if (previous?.order_status === '04' && record.order_status !== '04') found.push('disbursed-stays-disbursed');
  return found.sort();
}

describe('loan consistency rules', () => {
  it('a clean disbursed, repaid record and a clean overdue record pass', () => {
    expect(rulesOf(loan())).toEqual([]);
    expect(rulesOf(loan({ gmt_ovd_date: '2026-11-01', overdue_days: '30', overdue_amt: '1583.33', gmt_pay: '' }))).toEqual([]);
    expect(rulesOf(loan({ order_status: '01', create_amt: '0.00', gmt_pay: '' }))).toEqual([]);
  });

  it('disbursed (04) needs create_amt > 0', () => {
    expect(rulesOf(loan({ create_amt: '0.00' }))).toEqual(['disbursed-needs-amount']);
    expect(rulesOf(loan({ create_amt: '' }))).toEqual(['disbursed-needs-amount']);
    expect(rulesOf(loan({ create_amt: '0.01' }))).toEqual([]);
    // A malformed amount is the field rules' finding, not a second one here.
    expect(rulesOf(loan({ create_amt: '-5' }))).toEqual([]);
  });

  it('overdue_days > 0 exactly when overdue_amt > 0 and gmt_ovd_date is set', () => {
    expect(rulesOf(loan({ overdue_days: '3' }))).toEqual(['overdue-fields-agree']);
    expect(rulesOf(loan({ overdue_amt: '10.00' }))).toEqual(['overdue-fields-agree']);
    expect(rulesOf(loan({ gmt_ovd_date: '2026-11-20' }))).toEqual(['overdue-fields-agree']);
    expect(rulesOf(loan({ overdue_days: '3', overdue_amt: '10.00' }))).toEqual(['overdue-fields-agree']);
    expect(rulesOf(loan({ overdue_days: '3', overdue_amt: '10.00', gmt_ovd_date: '2026-11-28' }))).toEqual([]);
  });

  it('only a disbursed loan can be overdue', () => {
    expect(rulesOf(loan({ order_status: '02', gmt_ovd_date: '2026-11-28', overdue_days: '3', overdue_amt: '10.00', gmt_pay: '' }))).toEqual(['overdue-needs-disbursed']);
  });

  it('overdue days never exceed the days since gmt_ovd_date, counted to the reporting day', () => {
    const overdue = { gmt_ovd_date: '2026-11-28', overdue_amt: '10.00', gmt_pay: '' };
    expect(rulesOf(loan({ ...overdue, overdue_days: '3' }))).toEqual([]);
    expect(rulesOf(loan({ ...overdue, overdue_days: '4' }))).toEqual(['overdue-days-within-elapsed']);
    expect(rulesOf(loan({ ...overdue, overdue_days: '4' }), undefined, '2026-12-01')).toEqual([]);
  });

  it('dates after the reporting day are refused, and the day is an input, not the clock', () => {
    expect(rulesOf(loan({ gmt_pay: '2026-12-01 00:00:00' }))).toEqual(['no-future-dates']);
    expect(rulesOf(loan({ gmt_pay: '2026-11-30 23:59:59' }))).toEqual([]);
    expect(rulesOf(loan({ gmt_pay: '2026-12-01 00:00:00' }), undefined, '2026-12-01')).toEqual([]);
    // A far-future day (the machine clock is irrelevant): nothing is in the future of 2099.
    expect(rulesOf(loan({ gmt_pay: '2080-01-01' }), undefined, '2099-01-01')).toEqual([]);
  });

  it('a status never goes back from disbursed to approved (or anything else) between days', () => {
    const previous = loan();
    expect(rulesOf(loan({ order_status: '01', gmt_pay: '' }), previous)).toEqual(['disbursed-stays-disbursed']);
    expect(rulesOf(loan({ order_status: '03', gmt_pay: '' }), previous)).toEqual(['disbursed-stays-disbursed']);
    expect(rulesOf(loan(), loan({ order_status: '01', gmt_pay: '' }))).toEqual([]);
    expect(rulesOf(loan({ order_status: '01', gmt_pay: '' }), undefined)).toEqual([]);
  });

  it('every rule says why it matters; problems name their fields, messages are bilingual and masked', () => {
    for (const rule of loanConsistencyRules) {
      expect(rule.why.length, rule.name).toBeGreaterThan(40);
    }
    // An ID number typed into gmt_pay (a wrong column) is masked like any ID shape in a report.
    const [problem] = checkLoanConsistency({ record: loan({ gmt_ovd_date: '11010519491231002X' }), previous: undefined, reportingDay: DAY });
    expect(problem!.fields).toEqual(['overdue_days', 'overdue_amt', 'gmt_ovd_date']);
    expect(problem!.message).toContain(' / ');
    expect(problem!.message).not.toContain('11010519491231002X');
    expect(problem!.message).toContain('110***********002X');
    for (const column of problem!.fields) expect(loanTemplate.columns).toContain(column);
  });

  it('refuses a malformed reporting day with PARAM_INVALID', () => {
    for (const reportingDay of ['2026-11-31', '20261130', '', '2026-11-30 00:00:00']) {
      expect(() => checkLoanConsistency({ record: loan(), previous: undefined, reportingDay })).toThrow(expect.objectContaining({ code: 'PARAM_INVALID' satisfies ZhimaErrorCode }));
    }
  });

  it('agrees with a plain oracle on random records (amounts, overdue fields, dates, status changes)', () => {
    const amountText = fc.constantFrom('', '0', '0.00', '0.01', '19000.00', '-1', 'abc', '12.5');
    const daysText = fc.constantFrom('', '0', '1', '3', '30', '31', '400', 'x');
    const dateText = fc.constantFrom('', '2026-11-01', '2026-11-28', '2026-11-30', '2026-12-01', '2026-02-30', '2025-12-31 23:59:59', '2026-11-30 23:59:59', '2026-12-01 00:00:00', 'junk');
    const status = fc.constantFrom('01', '02', '03', '04', '');
    const record = fc.record({ order_status: status, create_amt: amountText, overdue_days: daysText, overdue_amt: amountText, gmt_ovd_date: dateText, gmt_pay: dateText }).map((fields) => loan(fields));
    const day = fc.constantFrom('2026-11-28', '2026-11-30', '2026-12-01', '2024-02-29');
    fc.assert(
      fc.property(record, fc.option(status, { nil: undefined }), day, (current, previousStatus, reportingDay) => {
        const previous = previousStatus === undefined ? undefined : loan({ order_status: previousStatus });
        expect(rulesOf(current, previous, reportingDay)).toEqual(oracle(current, previous, reportingDay));
      }),
      { numRuns: 5000 },
    );
  });
});
