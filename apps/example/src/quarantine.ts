import { DEFAULT_SENSITIVE_FIELDS, loanTemplateRules, maskPersonal, type FieldCheck } from '@zhima/validator';

/**
 * A record held back from the upload, and why.
 *
 * @example
 * ```ts
 * const held: QuarantinedRecord = { orderNo: 'LN202503010000997', problems: ['user_credentials_no …'] };
 * ```
 */
export interface QuarantinedRecord {
  orderNo: string;
  problems: string[];
}

const sensitive = new Set<string>(DEFAULT_SENSITIVE_FIELDS);

/**
 * The loan template's field rules (from `@zhima/validator`) run on one record before it is written, so a
 * bad row is set aside for the operations team instead of failing its whole file at the gateway.
 * Personal data in the messages is masked. Warnings do not hold a record back.
 *
 * @example
 * ```ts
 * const problems = loanRecordProblems({ record, recordIndex: 0 }); // [] when the record is fine
 * ```
 */
export function loanRecordProblems({ record, recordIndex }: { record: Record<string, string>; recordIndex: number }): string[] {
  const problems: string[] = [];
  for (const [field, rule] of Object.entries(loanTemplateRules)) {
    const checks: readonly FieldCheck[] = Array.isArray(rule) ? rule : [rule as FieldCheck];
    for (const check of checks) {
      const found = check({ value: record[field] ?? '', field, record, recordIndex, show: (value) => (sensitive.has(field) ? maskPersonal(value) : value) });
      if (!found) continue;
      const problem = typeof found === 'string' ? { message: found } : found;
      if ((problem.severity ?? 'error') === 'error') problems.push(problem.message);
    }
  }
  return problems;
}
