import type { Issue, ValidationReport } from '@zhima/validator';
import { expect } from 'vitest';
import type { ExpectedIssue, OracleVerdict } from './oracle.js';

function matches(issue: Issue, expected: ExpectedIssue): boolean {
  return (
    (expected.rule === undefined || issue.rule === expected.rule) &&
    (expected.recordIndex === undefined || issue.recordIndex === expected.recordIndex) &&
    (expected.relatedRecordIndex === undefined || issue.relatedRecordIndex === expected.relatedRecordIndex) &&
    (expected.field === undefined || issue.field === expected.field)
  );
}

function summary(issues: readonly Issue[]): string {
  if (issues.length === 0) return 'no errors';
  const shown = issues.slice(0, 6).map((issue) => `${issue.rule}@${issue.recordIndex ?? '-'}${issue.relatedRecordIndex === undefined ? '' : `~${issue.relatedRecordIndex}`}${issue.field ? `(${issue.field})` : ''}`);
  return `${shown.join(', ')}${issues.length > 6 ? ` … ${issues.length} in all` : ''}`;
}

/**
 * The validator's report agrees with the oracle: the same verdict and record count, every defect the
 * oracle found reported with its rule, record (and the earlier record of a duplicate), and no error
 * anywhere the oracle found none. `context` (seed, file, defect) goes into every failure message.
 */
export function expectReportMatches(report: ValidationReport, verdict: OracleVerdict, context: string): void {
  const errors = report.issues.filter((issue) => issue.severity === 'error');
  const found = `${context}\n  validator: ok=${report.ok}, ${report.recordCount} records, ${report.errorCount} errors: ${summary(errors)}`;
  expect(report.ok, found).toBe(verdict.ok);
  expect(report.recordCount, found).toBe(verdict.recordCount);
  for (const expected of verdict.issues) {
    expect(errors.some((issue) => matches(issue, expected)), `${found}\n  missing: ${JSON.stringify(expected)}`).toBe(true);
  }
  const defectRecords = new Set(verdict.issues.map((issue) => issue.recordIndex));
  const fileIssues = verdict.issues.filter((issue) => issue.recordIndex === undefined);
  for (const issue of errors) {
    const explained = issue.recordIndex === undefined ? fileIssues.some((expected) => expected.rule === undefined || expected.rule === issue.rule) : defectRecords.has(issue.recordIndex);
    expect(explained, `${found}\n  unexpected: ${JSON.stringify({ rule: issue.rule, recordIndex: issue.recordIndex, field: issue.field, message: issue.message })}`).toBe(true);
  }
  if (!report.truncated) expect(report.errorCount, found).toBe(errors.length);
}

function sameFields(left: Record<string, unknown>, right: Record<string, unknown>): boolean {
  const names = Object.keys(right);
  return Object.keys(left).length === names.length && names.every((name) => Object.hasOwn(left, name) && left[name] === right[name]);
}

/**
 * The sandbox's store holds exactly `expected`: the same primary keys, each with the same values.
 * A plain loop with one message, not 100k `expect` calls.
 */
export function expectStoreHolds(stored: readonly Record<string, unknown>[], expected: readonly Record<string, unknown>[], primaryKeyColumns: readonly string[], context: string): void {
  const keyOf = (record: Record<string, unknown>) => primaryKeyColumns.map((column) => String(record[column])).join('\u0000');
  const byKey = new Map(stored.map((record) => [keyOf(record), record]));
  let problem: string | undefined;
  if (stored.length !== expected.length) problem = `the store holds ${stored.length} records, the file ${expected.length}`;
  for (let i = 0; problem === undefined && i < expected.length; i++) {
    const record = expected[i]!;
    const kept = byKey.get(keyOf(record));
    if (kept === undefined) problem = `record ${i} (${keyOf(record).replace('\u0000', ',')}) is not in the store`;
    else if (!sameFields(kept, record)) {
      problem = `record ${i} is stored as ${JSON.stringify(kept)}, sent as ${JSON.stringify(record)}`;
    }
  }
  expect(problem, context).toBeUndefined();
}
