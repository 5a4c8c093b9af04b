import type { HeldBack, Issue, ValidationReport } from '@zhima/validator';
import { formatBytes } from './progress-bar.js';
import { optionOfIssue, toCliWording } from '../config/library-options.js';

const EXAMPLES_PER_GROUP = 5;

// A record as a person finds it: its 1-based number, and its primary key (masked) for one-line files.
function recordOf(issue: Pick<Issue, 'recordIndex' | 'recordNumber' | 'primaryKey'>): string | undefined {
  if (issue.recordIndex === undefined) return undefined;
  const key = issue.primaryKey === undefined ? '' : ` (${Object.entries(issue.primaryKey).map(([column, value]) => `${column} ${value}`).join(', ')})`;
  return `record ${issue.recordNumber ?? issue.recordIndex + 1}${key}`;
}

function where(issue: Issue): string {
  const parts = [
    recordOf(issue),
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
    for (const issue of issues.slice(0, EXAMPLES_PER_GROUP)) lines.push(`    ${where(issue)}${toCliWording({ text: issue.message, option: optionOfIssue({ issue }) })}`);
    if (issues.length > EXAMPLES_PER_GROUP) lines.push(`    … and ${issues.length - EXAMPLES_PER_GROUP} more`);
  }
  if (report.truncated) lines.push('', `  (only the first ${report.issues.length} issues are listed; the counts above include all of them; --max-issues keeps more)`);
  return `${lines.join('\n')}\n`;
}

const HELD_SHOWN = 10;

/**
 * What `--hold-back` took out of one input: a count, the first records held (number, masked key,
 * place and why) and each repeated key with its records' numbers.
 *
 * @example
 * ```ts
 * write(formatHeldBack({ name: 'out/day.json', heldBack: report.heldBack! }));
 * ```
 */
export function formatHeldBack({ name, heldBack }: { name: string; heldBack: HeldBack }): string {
  const { records, repeatedKeys } = heldBack;
  const lines = [`held back ${name}: ${records.length} record${records.length === 1 ? '' : 's'} not sent (written to the quarantine file)`];
  for (const held of records.slice(0, HELD_SHOWN)) {
    const issue = held.issues[0]!;
    lines.push(`    ${where(issue)}${issue.rule}: ${toCliWording({ text: issue.message, option: optionOfIssue({ issue }) })}${held.issues.length > 1 ? ` (+${held.issues.length - 1} more)` : ''}`);
  }
  if (records.length > HELD_SHOWN) lines.push(`    … and ${records.length - HELD_SHOWN} more`);
  for (const repeated of repeatedKeys.slice(0, HELD_SHOWN)) {
    const key = Object.entries(repeated.primaryKey).map(([column, value]) => `${column} ${value}`).join(', ');
    const numbers = repeated.recordNumbers.slice(0, HELD_SHOWN).join(', ') + (repeated.recordNumbers.length > HELD_SHOWN ? `, … (${repeated.recordNumbers.length} records)` : '');
    lines.push(`    repeated key (${key}): records ${numbers}, every copy held back`);
  }
  if (repeatedKeys.length > HELD_SHOWN) lines.push(`    … and ${repeatedKeys.length - HELD_SHOWN} more repeated keys`);
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
