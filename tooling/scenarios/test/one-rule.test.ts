// One rule, every way in: a file charset and a column list are accepted or refused — with the same
// words — by the client (batchFeedbackCall), validateRecords, validateFile, the records-file writer,
// checkRecord (column lists) and the built `zhima validate` flags (--columns, --primary-key, --file-charset). Before,
// `validateRecords(…, { fileCharset: 'utf-8' })` passed and batchFeedback refused it, the CLI refused `utf8`, and `'order_no, pay_month'` was refused by
// core, kept with its space by the validator and trimmed by the CLI.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { batchFeedbackCall, ZhimaError } from '@zhima/core';
import { checkRecord, createRecordsFileWriter, validateRecords } from '@zhima/validator';
import { validateFile } from '@zhima/validator/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zhima } from './support/cli.js';

// ASCII only, so the same bytes are valid UTF-8 and valid GBK: only the parameter is on trial.
const RECORDS = [
  { order_no: 'LN1', pay_month: '2025-01' },
  { order_no: 'LN2', pay_month: '2025-01' },
];
const FILE_TEXT = JSON.stringify({ records: RECORDS });
const FILE = new TextEncoder().encode(FILE_TEXT);

/** What an entry point made of the parameter: the value it went on with, or the message it refused with. */
type Verdict = { accepted: string } | { refused: string };

async function verdictOf(run: () => Promise<string> | string): Promise<Verdict> {
  try {
    return { accepted: await run() };
  } catch (error) {
    if (!ZhimaError.isInstance(error, 'PARAM_INVALID')) throw error;
    return { refused: error.message };
  }
}

let dir = '';
let path = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zhima-one-rule-'));
  path = join(dir, 'records.json');
  await writeFile(path, FILE);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The built CLI's verdict: exit 0 and its report, or exit 2 (a usage error) and its message. */
async function cliVerdict(args: string[]): Promise<Verdict> {
  const run = await zhima(['validate', path, '--json', ...args], { cwd: dir, env: {} });
  if (run.code === 0) return { accepted: 'ok' };
  expect(run.code, run.stderr).toBe(2);
  return { refused: /^usage error: (.*)$/m.exec(run.stderr)![1]! };
}

const base = { columns: 'order_no,pay_month', primaryKeyColumns: 'order_no,pay_month' };

describe('the file charset: one reading everywhere', () => {
  it.each([
    ['UTF-8', 'UTF-8'],
    ['utf-8', 'UTF-8'],
    ['UTF8', 'UTF-8'],
    ['utf8', 'UTF-8'],
    [' Utf-8 ', 'UTF-8'],
    ['GBK', 'GBK'],
    ['gbk', 'GBK'],
    ['GB2312', undefined],
    ['cp936', undefined],
    ['UTF-16', undefined],
    ['latin1', undefined],
  ] as const)('%j', async (given, expected) => {
    const verdicts = {
      batchFeedbackCall: await verdictOf(() => String(batchFeedbackCall({ ...base, file: FILE, records: 2, fileCharset: given }).params!.file_charset)),
      validateRecords: await verdictOf(async () => ((await validateRecords({ input: FILE, ...base, records: 2, fileCharset: given })).ok ? expected! : 'not ok')),
      validateFile: await verdictOf(async () => ((await validateFile({ path, ...base, records: 2, fileCharset: given })).ok ? expected! : 'not ok')),
      createRecordsFileWriter: await verdictOf(async () => {
        for await (const file of createRecordsFileWriter({ ...base, fileCharset: given }).files({ records: RECORDS })) return file.fileCharset;
        return 'no file';
      }),
      'zhima validate --file-charset': await cliVerdict(['--columns', base.columns, '--primary-key', base.primaryKeyColumns, '--file-charset', given]).then((verdict) => ('accepted' in verdict ? { accepted: expected! } : verdict)),
    };
    const answer: Verdict = expected === undefined ? { refused: `fileCharset must be UTF-8 or GBK, got ${JSON.stringify(given)}.` } : { accepted: expected };
    expect(verdicts).toEqual(Object.fromEntries(Object.keys(verdicts).map((entry) => [entry, answer])));
  });
});

describe('the column list: one parser everywhere', () => {
  it.each([
    ['order_no,pay_month', undefined],
    [' order_no , pay_month ', undefined],
    ['order_no,pay_month\n', undefined],
    ['order_no,,pay_month', 'columns item 2 is blank (a stray comma?).'],
    ['order_no,pay_month,', 'columns item 3 is blank (a stray comma?).'],
    ['order no,pay_month', 'columns item 1, "order no", holds whitespace: a column name is one field code.'],
    ['order_no,pay_month,order_no', 'columns names order_no twice.'],
    ['', 'columns is empty: give at least one column.'],
  ] as const)('columns %j', async (columns, refusal) => {
    const options = { columns, primaryKeyColumns: 'order_no,pay_month' };
    const verdicts = {
      batchFeedbackCall: await verdictOf(() => String(batchFeedbackCall({ ...options, file: FILE, records: 2 }).params!.columns)),
      validateRecords: await verdictOf(async () => ((await validateRecords({ input: FILE, ...options, records: 2 })).ok ? 'order_no,pay_month' : 'not ok')),
      validateFile: await verdictOf(async () => ((await validateFile({ path, ...options, records: 2 })).ok ? 'order_no,pay_month' : 'not ok')),
      createRecordsFileWriter: await verdictOf(async () => {
        for await (const file of createRecordsFileWriter(options).files({ records: RECORDS })) return new TextDecoder().decode(file.bytes) === FILE_TEXT ? 'order_no,pay_month' : 'other bytes';
        return 'no file';
      }),
      checkRecord: await verdictOf(() => (checkRecord({ record: RECORDS[0]!, ...options }).ok ? 'order_no,pay_month' : 'not ok')),
      // The CLI names its flag where the libraries name their option.
      'zhima validate --columns': await cliVerdict(['--columns', columns, '--primary-key', options.primaryKeyColumns]).then((verdict) =>
        'accepted' in verdict ? { accepted: 'order_no,pay_month' } : { refused: verdict.refused.replace(/^--columns/, 'columns') },
      ),
    };
    const answer: Verdict = refusal === undefined ? { accepted: 'order_no,pay_month' } : { refused: refusal };
    expect(verdicts).toEqual(Object.fromEntries(Object.keys(verdicts).map((entry) => [entry, answer])));
  });

  it('a primary key list is read by the same parser: trimmed, or refused in the same words', async () => {
    for (const [primaryKeyColumns, refusal] of [
      ['order_no , pay_month', undefined],
      ['order_no,order_no', 'primaryKeyColumns names order_no twice.'],
    ] as const) {
      const options = { columns: 'order_no,pay_month', primaryKeyColumns };
      const expected: Verdict = refusal === undefined ? { accepted: 'order_no,pay_month' } : { refused: refusal };
      expect(await verdictOf(() => String(batchFeedbackCall({ ...options, file: FILE, records: 2 }).params!.primary_key_columns))).toEqual(expected);
      expect(await verdictOf(async () => ((await validateRecords({ input: FILE, ...options, records: 2 })).ok ? 'order_no,pay_month' : 'not ok'))).toEqual(expected);
      const cli = await cliVerdict(['--columns', options.columns, '--primary-key', primaryKeyColumns]);
      expect('accepted' in cli ? { accepted: 'order_no,pay_month' } : { refused: cli.refused.replace(/^--primary-key/, 'primaryKeyColumns') }).toEqual(expected);
    }
  });
});
