import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkLoanConsistency, maskPersonal, maskValue, prcIdNumber, validateRecords, type Issue } from '../src/index.js';
import { encode, fileText } from './helpers.js';
import { badIdsByOracle, encodeAs, fileOf, LOAN_COLUMNS, LOAN_KEY, loansWithBadIds, seeded, validateAs, type Layout } from './loan-files.js';

// Reports a person can act on: every record-level issue names the record as a person counts (1-based)
// and by its primary key (masked where sensitive); a capped issue list never hides why the whole file
// fails and its counts stay true; personal data is masked whatever the template calls its fields.

const MIB = 1024 * 1024;

/** `count` distinct record indexes below `below`, from a seeded generator. */
function someIndexes(count: number, below: number, seed: number): Set<number> {
  const random = seeded(seed);
  const picked = new Set<number>();
  while (picked.size < count) picked.add(Math.floor(random() * below));
  return picked;
}

describe('a 66.5 MiB loan file with 2,062 bad ID numbers (the merchant report of issue 12)', () => {
  // Records of this generator are ≈ 250 bytes on one line: enough of them for 66.5 MiB.
  const sample = JSON.stringify(loansWithBadIds({ count: 1000, seed: 1, badIds: new Set() })).length / 1000;
  const count = Math.ceil((66.5 * MIB) / sample);
  const badIds = someIndexes(2062, count, 12);
  const records = loansWithBadIds({ count, seed: 12, badIds });
  const bad = badIdsByOracle(records);
  const cases: { layout: Layout; charset: 'UTF-8' | 'GBK'; kind: 'Uint8Array' | 'validateFile' }[] = [
    { layout: 'compact', charset: 'UTF-8', kind: 'validateFile' },
    { layout: 'pretty', charset: 'GBK', kind: 'Uint8Array' },
  ];

  it.each(cases)('$layout $charset ($kind): file-too-large is kept past maxIssues and the counts are true', async ({ layout, charset, kind }) => {
    const text = layout === 'compact' ? JSON.stringify({ records }) : JSON.stringify({ records }, null, 2);
    const bytes = charset === 'UTF-8' ? fileOf(records, layout) : encodeAs(text, charset);
    expect(bad).toHaveLength(2062);
    expect(bytes.length).toBeGreaterThan(66 * MIB);
    const report = await validateAs(kind, bytes, { columns: LOAN_COLUMNS, primaryKeyColumns: LOAN_KEY, fileCharset: charset, rules: { user_credentials_no: prcIdNumber() } });

    expect(report).toMatchObject({ ok: false, recordCount: count, truncated: true, errorCount: bad.length + 1 });
    const tooLarge = report.issues.filter((issue) => issue.rule === 'file-too-large');
    expect(tooLarge).toMatchObject([{ code: 'INVALID_FILE_TYPE', severity: 'error', byteOffset: 50 * MIB }]);
    // The cap holds for record issues; the file-level error comes on top.
    expect(report.issues).toHaveLength(1000 + 1);
    const idIssues = report.issues.filter((issue) => issue.rule === 'prc-id');
    expect(idIssues.map((issue) => issue.recordIndex)).toEqual(bad.slice(0, idIssues.length));
    for (const issue of idIssues) {
      const record = records[issue.recordIndex!]!;
      expect(issue).toMatchObject({ recordNumber: issue.recordIndex! + 1, field: 'user_credentials_no', primaryKey: { order_no: record.order_no, pay_month: record.pay_month } });
      expect(issue.message).not.toContain(record.user_credentials_no);
    }
  });
});

describe('every record-level issue names its record', () => {
  const columns = ['order_no', 'pay_month', 'user_credentials_no', 'user_name', 'memo'];
  const base = (i: number) => ({ order_no: `LN${i}`, pay_month: '2025-01', user_credentials_no: '11010519491231002X', user_name: '张三丰', memo: '' });

  it('1-based number and primary key values on every kind of record finding, the key masked where sensitive', async () => {
    const records: unknown[] = [
      base(0),
      { ...base(1), memo: 7 },
      { order_no: 'LN2', pay_month: '2025-01', user_credentials_no: '11010519491231002X', user_name: '李四' },
      { ...base(3), extra: '' },
      { ...base(4), user_credentials_no: '110105194912310021' },
      { ...base(0), user_name: '王五' },
      { ...base(6), memo: { nested: true } },
      { ...base(7), order_no: ' ' },
    ];
    const report = await validateRecords({
      input: encode(fileText(records)),
      columns,
      primaryKeyColumns: ['order_no', 'pay_month', 'user_credentials_no'],
      rules: { user_credentials_no: prcIdNumber() },
    });
    const found = report.issues.filter((issue) => issue.recordIndex !== undefined);
    expect(found.map((issue) => `${issue.rule}:${issue.recordNumber}`)).toEqual([
      'value-not-string:2',
      'record-missing-column:3',
      'record-extra-column:4',
      'prc-id:5',
      'value-nested:7',
      'primary-key-empty:8',
      // Duplicates are settled after their batch.
      'primary-key-duplicate:6',
    ]);
    for (const issue of found) expect(issue.recordNumber).toBe(issue.recordIndex! + 1);
    const masked = '110***********002X';
    expect(found.map((issue) => issue.primaryKey)).toEqual([
      { order_no: 'LN1', pay_month: '2025-01', user_credentials_no: masked },
      { order_no: 'LN2', pay_month: '2025-01', user_credentials_no: masked },
      { order_no: 'LN3', pay_month: '2025-01', user_credentials_no: masked },
      { order_no: 'LN4', pay_month: '2025-01', user_credentials_no: '110***********0021' },
      { order_no: 'LN6', pay_month: '2025-01', user_credentials_no: masked },
      // The blank key value is shown as it is: it is the finding.
      { order_no: ' ', pay_month: '2025-01', user_credentials_no: masked },
      { order_no: 'LN0', pay_month: '2025-01', user_credentials_no: masked },
    ]);
    expect(JSON.stringify(report)).not.toContain('11010519491231002X');
  });
});

describe('masking whatever the template calls its fields', () => {
  const columns = ['order_no', 'customer_name', 'phone_num', 'contact', 'user_name', 'memo'];
  const echo = ({ value, show }: { value: string; show(value: string): string }) => `bad ${show(value)}`;
  const record = { order_no: 'LN13812345678', customer_name: '欧阳修远', phone_num: '13812345678', contact: 'Mr Wang', user_name: '张三丰', memo: '电 +86 13912345678 证 11010519491231002X' };

  it('sensitiveFields adds to the defaults; phone- and ID-shaped values are masked in any field; an order number is not a phone', async () => {
    const report = await validateRecords({
      input: encode(fileText([record])),
      columns,
      primaryKeyColumns: 'order_no',
      sensitiveFields: ['contact'],
      rules: Object.fromEntries(columns.map((column) => [column, echo])),
    });
    const shown = Object.fromEntries(report.issues.filter((issue: Issue) => issue.rule === 'custom:echo').map((issue) => [issue.field, issue.message]));
    expect(shown).toEqual({
      order_no: 'bad "LN13812345678"',
      customer_name: 'bad "欧***"',
      phone_num: 'bad "138****5678"',
      contact: 'bad "M******"',
      user_name: 'bad "张**"',
      memo: 'bad "电 +86********5678 证 110***********002X"',
    });
  });

  it('maskValue, the one rule, is there for the caller’s own logs', () => {
    expect(maskValue({ value: '欧阳修远', field: 'customer_name' })).toBe('欧***');
    expect(maskValue({ value: 'Mr Wang', field: 'contact', sensitiveFields: ['contact'] })).toBe('M******');
    expect(maskValue({ value: 'LN13812345678 / 13812345678', field: 'order_no' })).toBe('LN13812345678 / 138****5678');
  });

  it('maskPersonal over a value maskValue already masked masks it as if it were the original (what a receipt masking every key value of a part relies on)', () => {
    // The oracle, written here: 1 character → '*'; up to 8 → the first and stars; longer → the first 3, stars, the last 4.
    const maskAll = (value: string): string => {
      const chars = [...value];
      if (chars.length <= 1) return '*';
      if (chars.length <= 8) return chars[0] + '*'.repeat(chars.length - 1);
      return chars.slice(0, 3).join('') + '*'.repeat(chars.length - 7) + chars.slice(-4).join('');
    };
    const piece = fc.oneof(
      fc.constantFrom('13812345678', '+86 13912345678', '+86-15012345678', '11010519491231002X', '440524188001010014', '110105491231002', 'LN13812345678'),
      fc.string({ unit: fc.constantFrom(...'a7X张 +-/'.split('')), maxLength: 6 }),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 4 }), fc.constantFrom('order_no', 'memo', 'user_name', 'contact'), (pieces, field) => {
        const value = pieces.join('');
        expect(maskPersonal({ value: maskValue({ value, field, sensitiveFields: ['contact'] }) })).toBe(maskAll(value));
      }),
      { numRuns: 2000 },
    );
  });

  it('checkLoanConsistency extends the defaults the same way', () => {
    const problems = checkLoanConsistency({
      record: { order_status: '01', overdue_days: '3', overdue_amt: '10.00', gmt_ovd_date: '2026-11-01', gmt_pay: '', create_amt: '1.00' },
      previous: undefined,
      reportingDay: '2026-11-30',
      sensitiveFields: ['order_status'],
      rules: [{ name: 'echo', why: 'test', check: ({ record: loan, show }) => ({ fields: ['order_status'], message: show('order_status', String(loan.order_status)) + show('user_name', '张三') }) }],
    });
    expect(problems.map((problem) => problem.message)).toEqual(['"0*""张*"']);
  });
});

describe('the record numbers inside messages are the ones a person counts', () => {
  // 120k records with one defect of each kind that names records by number, anywhere in the file. The
  // expected numbers come from the positions the test put them at (1-based), and a duplicate's earlier
  // record from JSON.parse + a Map; every `#n` in a message must be one of those, as `recordNumber` is.
  const count = 120_000;
  const random = seeded(20);
  const spots = [...someIndexes(6, count - 1, 21)].map((index) => index + 1);
  const [duplicateAt, missingAt, extraAt, emptyKeyAt, notObjectAt, repeatedKeyAt] = spots as [number, number, number, number, number, number];
  // The earlier record stays a whole, clean record: not one of the other defects' spots.
  let earlierOfDuplicate = Math.floor(random() * duplicateAt);
  while (spots.includes(earlierOfDuplicate)) earlierOfDuplicate = Math.floor(random() * duplicateAt);
  const records: unknown[] = Array.from({ length: count }, (_, i) => ({ order_no: `LN${i}`, pay_month: '2025-01', user_name: `用户${i % 97}` }));
  records[duplicateAt] = { ...(records[earlierOfDuplicate] as object) };
  delete (records[missingAt] as Record<string, unknown>).user_name;
  (records[extraAt] as Record<string, unknown>).memo = 'x';
  (records[emptyKeyAt] as Record<string, unknown>).order_no = '';
  records[notObjectAt] = 7;
  const texts = (pretty: boolean) =>
    records.map((record, i) =>
      i === repeatedKeyAt ? `{"order_no":"LN${i}","order_no":"LN${i}","pay_month":"2025-01","user_name":"x"}` : pretty ? JSON.stringify(record, null, 2) : JSON.stringify(record),
    );
  const expected = new Map<string, number[]>([
    ['primary-key-duplicate', [earlierOfDuplicate + 1, duplicateAt + 1]],
    ['record-missing-column', [missingAt + 1]],
    ['record-extra-column', [extraAt + 1]],
    ['primary-key-empty', [emptyKeyAt + 1]],
    ['record-not-object', [notObjectAt + 1]],
    ['record-duplicate-key', [repeatedKeyAt + 1]],
  ]);

  it.each([false, true])('pretty %s', async (pretty) => {
    const text = `{"records":[${texts(pretty).join(pretty ? ',\n' : ',')}]}`;
    // The oracle: the duplicate's earlier record is the first with its key.
    const parsed = (JSON.parse(text) as { records: unknown[] }).records;
    const firstOfKey = new Map<string, number>();
    parsed.forEach((record, i) => {
      if (record === null || typeof record !== 'object') return;
      const { order_no, pay_month } = record as Record<string, string>;
      if (order_no && !firstOfKey.has(`${order_no}|${pay_month}`)) firstOfKey.set(`${order_no}|${pay_month}`, i);
    });
    expect(firstOfKey.get(`LN${earlierOfDuplicate}|2025-01`)).toBe(earlierOfDuplicate);
    const report = await validateRecords({ input: encode(text), columns: ['order_no', 'pay_month', 'user_name'], primaryKeyColumns: ['order_no', 'pay_month'] });
    const named = report.issues.filter((issue: Issue) => expected.has(issue.rule));
    expect(named.map((issue: Issue) => issue.rule).sort()).toEqual([...expected.keys()].sort());
    for (const issue of named) {
      const numbers = [...issue.message.matchAll(/#(\d+)/g)].map((match) => Number(match[1]));
      const want = expected.get(issue.rule)!;
      // Both languages name the same records.
      expect(numbers, `${issue.rule}: ${issue.message}`).toEqual([...want, ...want]);
      expect(issue.recordNumber).toBe(want.at(-1));
    }
  });
});
