import { describe, expect, it } from 'vitest';
import { generateLoanRecords } from './support/loan-file.js';
import { idCheckChar, isBlank, isValidIdNumber, judge, LOAN_COLUMNS, LOAN_PRIMARY_KEY, withDeclaredRecords } from './support/oracle.js';
import { randomFor } from './support/random.js';

// The oracle decides what every other test expects, so it is checked against published facts first.

const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
const columns = ['order_no', 'pay_month', 'user_name'];
const primaryKeyColumns = ['order_no', 'pay_month'];

describe('the oracle', () => {
  it('computes ID check characters as GB 11643-1999 prints them', () => {
    // The standard's own examples: 11010519491231002X and 440524188001010014.
    expect(idCheckChar('11010519491231002')).toBe('X');
    expect(idCheckChar('44052418800101001')).toBe('4');
    expect(isValidIdNumber('11010519491231002X')).toBe(true);
    expect(isValidIdNumber('110105194912310021')).toBe(false);
    expect(isValidIdNumber('11010519491231002x')).toBe(false);
  });

  it('treats as blank exactly what Java Character.isWhitespace calls whitespace', () => {
    for (const blank of ['', ' ', '\t', '\r\n', '\u3000', '\u2003', ' \u3000 ']) expect(isBlank(blank), JSON.stringify(blank)).toBe(true);
    for (const value of ['a', ' a ', '\u00a0', '\u2007', '\u202f', '0']) expect(isBlank(value), JSON.stringify(value)).toBe(false);
  });

  it('finds each kind of defect in a small file', () => {
    const records = [
      { order_no: 'A1', pay_month: '2025-01', user_name: '张三' },
      { order_no: 'A1', pay_month: '2025-02', user_name: '张三' },
      { order_no: 'A1', pay_month: '2025-01', user_name: '李四' },
      { order_no: '\u3000', pay_month: '2025-01', user_name: '王五' },
      { order_no: 'A2', pay_month: '2025-01' },
    ];
    const verdict = withDeclaredRecords(judge({ bytes: encode({ records }), charset: 'utf-8', columns, primaryKeyColumns, checkIdNumbers: false }), 4);
    expect(verdict.ok).toBe(false);
    expect(verdict.recordCount).toBe(5);
    expect(verdict.issues).toEqual([
      { rule: 'primary-key-duplicate', recordIndex: 2, relatedRecordIndex: 0 },
      { rule: 'primary-key-empty', recordIndex: 3, field: 'order_no' },
      { rule: 'record-missing-column', recordIndex: 4, field: 'user_name' },
      { rule: 'records-count', field: 'records' },
    ]);
    expect(judge({ bytes: encode({ records: [] }), charset: 'utf-8', columns, primaryKeyColumns }).ok).toBe(false);
  });

  it('accepts every generated record: unique keys, valid ID numbers, template columns', () => {
    const records = generateLoanRecords({ count: 20_000, random: randomFor('oracle-self-check') });
    const verdict = judge({ bytes: encode({ records }), charset: 'utf-8', columns: LOAN_COLUMNS, primaryKeyColumns: LOAN_PRIMARY_KEY });
    expect(verdict.issues).toEqual([]);
    expect(records.every((record) => Object.keys(record).join() === LOAN_COLUMNS.join())).toBe(true);
    expect(records.filter((record) => record.user_credentials_type === '0').length).toBeGreaterThan(records.length * 0.9);
  });
});
