import type { Issue, ValidationReport } from '@zhima/validator';
import { formatBytes } from './progress-bar.js';
import { toCliWording } from './cli-wording.js';

const EXAMPLES_PER_GROUP = 5;

function where(issue: Issue): string {
  const parts = [
    issue.recordIndex === undefined ? undefined : `record ${issue.recordIndex}`,
    issue.line === undefined ? undefined : `line ${issue.line}${issue.column === undefined ? '' : `:${issue.column}`}`,
    issue.field === undefined ? undefined : `field ${issue.field}`,
  ].filter(Boolean);
  return parts.length > 0 ? `${parts.join(', ')}: ` : '';
}

/**
 * A validation report for people: a verdict line, then issues grouped by gateway code and rule, most
 * frequent first, a few examples each (personal data is already masked by the validator).
 *
 * @example
 * ```ts
 * io.stdout.write(formatReport({ name: 'records.json', report }));
 * ```
 */
export function formatReport({ name, report }: { name: string; report: ValidationReport }): string {
  const verdict = report.ok ? 'OK, the gateway would accept it' : 'REJECTED, the gateway would refuse it';
  const lines = [
    `${name}: ${verdict}`,
    `  ${report.recordCount} records, ${formatBytes(report.bytes)}; ${report.errorCount} errors, ${report.warningCount} warnings`,
  ];
  const groups = new Map<string, Issue[]>();
  for (const issue of report.issues) {
    const key = `${issue.severity} ${issue.code} · ${issue.rule}`;
    groups.set(key, [...(groups.get(key) ?? []), issue]);
  }
  const ordered = [...groups].sort(([a, x], [b, y]) => Number(a.startsWith('warning')) - Number(b.startsWith('warning')) || y.length - x.length);
  for (const [key, issues] of ordered) {
    lines.push('', `  ${key} (${issues.length})`);
    for (const issue of issues.slice(0, EXAMPLES_PER_GROUP)) lines.push(`    ${where(issue)}${toCliWording(issue.message)}`);
    if (issues.length > EXAMPLES_PER_GROUP) lines.push(`    … and ${issues.length - EXAMPLES_PER_GROUP} more`);
  }
  if (report.truncated) lines.push('', `  (only the first ${report.issues.length} issues are listed; the counts above include all of them; --max-issues keeps more)`);
  return `${lines.join('\n')}\n`;
}

const NAMES_IN_SUMMARY = 10;

/**
 * The closing line of a validation of several files: how many passed, and which were rejected.
 *
 * @example
 * ```ts
 * formatValidationSummary({ files: [{ name: 'a.json', ok: true }, { name: 'b.json', ok: false }] });
 * // 'Summary: 2 files: 1 OK, 1 REJECTED (b.json)\n'
 * ```
 */
export function formatValidationSummary({ files }: { files: readonly { name: string; ok: boolean }[] }): string {
  const rejected = files.filter((file) => !file.ok).map((file) => file.name);
  const shown = rejected.slice(0, NAMES_IN_SUMMARY).join(', ') + (rejected.length > NAMES_IN_SUMMARY ? `, … and ${rejected.length - NAMES_IN_SUMMARY} more` : '');
  return `Summary: ${files.length} files: ${files.length - rejected.length} OK, ${rejected.length} REJECTED${rejected.length > 0 ? ` (${shown})` : ''}\n`;
}
