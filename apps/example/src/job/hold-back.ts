import { checkLoanConsistency, validateRecords } from '@zhima/validator';
import { TEMPLATE } from '../merchant/loan-template.js';
import type { QuarantineReason } from './ledger.js';

/**
 * A changed record about to be sent, with the version the gateway accepted last (for the status rule).
 *
 * @example
 * ```ts
 * const candidate: Candidate = { record, previous: reported.get(key)?.record };
 * ```
 */
export interface Candidate {
  record: Readonly<Record<string, string>>;
  previous: Readonly<Record<string, unknown>> | undefined;
}

/**
 * Why each candidate must be held back (an empty list: send it). The template's field rules run through
 * `validateRecords` on the batch as one file, so the messages are the validator's own, masked the same
 * way; then `checkLoanConsistency` with the reporting day and the previous version. Warnings do not hold
 * a record back. (When @zhima/validator gains its per-record check API, call it here instead of
 * validating the batch as a file.)
 *
 * @example
 * ```ts
 * const reasons = await holdBackReasons({ candidates, reportingDay: '2026-11-30' });
 * const clean = candidates.filter((_, k) => reasons[k]!.length === 0);
 * ```
 */
export async function holdBackReasons({ candidates, reportingDay }: { candidates: readonly Candidate[]; reportingDay: string }): Promise<QuarantineReason[][]> {
  const reasons = candidates.map((): QuarantineReason[] => []);
  if (candidates.length > 0) {
    const file = new TextEncoder().encode(JSON.stringify({ records: candidates.map((candidate) => candidate.record) }));
    const report = await validateRecords({ input: file, ...TEMPLATE, records: candidates.length, maxFileBytes: file.length + 1, maxIssues: candidates.length * TEMPLATE.columns.length + 10 });
    for (const issue of report.issues) {
      if (issue.severity !== 'error') continue;
      // The file is built here from mapped records: a file-level finding is a bug in the mapping, not bad data.
      if (issue.recordIndex === undefined) throw new Error(`The mapped records do not form a valid file: ${issue.message}. Check src/merchant/loan-template.ts against the template's columns.`);
      reasons[issue.recordIndex]!.push({ rule: issue.rule, message: issue.message });
    }
  }
  candidates.forEach((candidate, k) => {
    for (const { rule, message } of checkLoanConsistency({ record: candidate.record, previous: candidate.previous, reportingDay })) reasons[k]!.push({ rule, message });
  });
  return reasons;
}
