import { checkLoanConsistency, checkRecord } from '@zhima/validator';
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
 * `checkRecord`, the validator's own record-level checks, so the messages are the ones a file report
 * gives, masked the same way; then `checkLoanConsistency` with the reporting day and the previous
 * version. Warnings do not hold a record back.
 *
 * @example
 * ```ts
 * const reasons = await holdBackReasons({ candidates, reportingDay: '2026-11-30' });
 * const clean = candidates.filter((_, k) => reasons[k]!.length === 0);
 * ```
 */
export async function holdBackReasons({ candidates, reportingDay }: { candidates: readonly Candidate[]; reportingDay: string }): Promise<QuarantineReason[][]> {
  return candidates.map((candidate, recordIndex) => {
    const reasons: QuarantineReason[] = [];
    for (const issue of checkRecord({ record: candidate.record, ...TEMPLATE, recordIndex }).issues) if (issue.severity === 'error') reasons.push({ rule: issue.rule, message: issue.message });
    for (const { rule, message } of checkLoanConsistency({ record: candidate.record, previous: candidate.previous, reportingDay })) reasons.push({ rule, message });
    return reasons;
  });
}
