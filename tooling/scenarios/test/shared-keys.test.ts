import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeRecordsFile, generateLoanRecords, writeRecordsFile } from './support/loan-file.js';
import { judge, LOAN_COLUMNS, type OracleVerdict } from './support/oracle.js';
import { randomFor, SEED } from './support/random.js';

// A one-line (JSON.stringify) file where nearly every record shares its key with an earlier one: 200k
// loan records keyed on pay_month alone. Issue 10: this took 310 s (8 s pretty-printed), because each
// candidate recounted characters from the line start. The test is a deadline, not a timing
// assertion: it must finish, with the right counts, within a bound far above the expected seconds.

const RECORDS = 200_000;
const PRIMARY_KEY = ['pay_month'];
const MAX_ISSUES = 1000;
const LIMIT_MS = 120_000;
const INPUTS = ['validateFile', 'validateRecords(bytes)'] as const;

interface Summary {
  ok: boolean;
  recordCount: number;
  errorCount: number;
  truncated: boolean;
  issues: { rule: string; severity: string; recordIndex?: number; relatedRecordIndex?: number }[];
}

let dir: string;
let path: string;
let verdict: OracleVerdict;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zhima-shared-keys-'));
  const bytes = encodeRecordsFile({ records: generateLoanRecords({ count: RECORDS, random: randomFor('shared-keys') }), layout: 'compact', charset: 'UTF-8' });
  path = await writeRecordsFile(dir, 'shared-pay-month.json', bytes);
  verdict = judge({ bytes, charset: 'utf-8', columns: LOAN_COLUMNS, primaryKeyColumns: PRIMARY_KEY });
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Validates in a worker; resolves with what finished within the limit (a stuck worker is terminated). */
async function validateWithin(limitMs: number): Promise<{ finished: Map<string, { seconds: number; report: Summary }>; timedOut: boolean }> {
  const finished = new Map<string, { seconds: number; report: Summary }>();
  const worker = new Worker(new URL('./support/validate-worker.mjs', import.meta.url), {
    workerData: { path, inputs: INPUTS, options: { columns: LOAN_COLUMNS, primaryKeyColumns: PRIMARY_KEY, maxIssues: MAX_ISSUES } },
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    const timedOut = await new Promise<boolean>((resolve, reject) => {
      timer = setTimeout(() => resolve(true), limitMs);
      worker.on('message', (message: { input: string; seconds: number; report: Summary }) => {
        finished.set(message.input, message);
        if (finished.size === INPUTS.length) resolve(false);
      });
      worker.on('error', reject);
    });
    return { finished, timedOut };
  } finally {
    clearTimeout(timer);
    await worker.terminate();
  }
}

describe(`a ${RECORDS / 1000}k-record one-line file keyed on pay_month alone`, () => {
  it(
    'is validated to the end with every duplicate counted and the first maxIssues kept',
    async () => {
      const duplicates = verdict.issues.filter((issue) => issue.rule === 'primary-key-duplicate');
      // The premise: nearly every record repeats a key; the only other finding is the file's size (over 50 MiB).
      expect(verdict.issues.filter((issue) => issue.rule !== 'primary-key-duplicate')).toEqual([{ rule: 'file-too-large' }]);
      expect(duplicates.length).toBeGreaterThan(RECORDS * 0.99);

      const { finished, timedOut } = await validateWithin(LIMIT_MS);
      const progress = INPUTS.map((input) => `${input}: ${finished.has(input) ? `${finished.get(input)!.seconds} s` : `not finished within ${LIMIT_MS / 1000} s`}`).join('; ');
      const context = `seed ${SEED}: ${progress}`;
      expect(timedOut, context).toBe(false);

      for (const input of INPUTS) {
        const { report } = finished.get(input)!;
        const where = `${context}; ${input}`;
        expect(report.ok, where).toBe(false);
        expect(report.recordCount, where).toBe(RECORDS);
        expect(report.errorCount, where).toBe(verdict.issues.length);
        expect(report.truncated, where).toBe(true);
        // maxIssues record issues, and the file-level size error on top: it is always kept.
        expect(report.issues.length, where).toBe(MAX_ISSUES + 1);
        expect(report.issues.at(-1)!.rule, where).toBe('file-too-large');
        // Kept in file order: the first maxIssues duplicates, each paired with an earlier record of its key
        // (warnings about the template's long column list aside; the size error comes after the records).
        const records = verdict.records;
        report.issues.filter((issue) => issue.severity === 'error' && issue.rule !== 'file-too-large').forEach((issue, k) => {
          const expected = duplicates[k]!;
          expect({ rule: issue.rule, recordIndex: issue.recordIndex }, `${where}; issue ${k}`).toEqual({ rule: 'primary-key-duplicate', recordIndex: expected.recordIndex });
          const related = issue.relatedRecordIndex!;
          expect(related < issue.recordIndex! && records[related]!.pay_month === records[issue.recordIndex!]!.pay_month, `${where}; issue ${k} pairs record ${issue.recordIndex} with ${related}`).toBe(true);
        });
      }
    },
    LIMIT_MS + 30_000,
  );
});
