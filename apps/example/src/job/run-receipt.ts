// The job's run receipt: the receipt of `zhima send --json` (@zhima/cli) for what they share — parts,
// result, exit code, what stopped the run — plus what only this job knows: the reporting day, the
// database, and the record totals of the delta (unchanged, held back, released).
import type { SendReceipt } from '@zhima/cli';

/**
 * What one run did, as stored in `feedback_runs.receipt` and printed (`--json`: this object). `parts`,
 * `result`, `exitCode` and `stoppedBy` have the shapes and meanings of `zhima send`'s receipt, so one log
 * query and one exit-code table serve both tools.
 *
 * @example
 * ```ts
 * const { result, exitCode, totals } = receipt;
 * const refused = receipt.parts.filter((part) => part.outcome === 'refused').map((part) => part.error?.subCode);
 * ```
 */
export interface JobReceipt extends Pick<SendReceipt, 'appId' | 'gateway' | 'startedAt' | 'finishedAt' | 'durationMs' | 'parts' | 'result' | 'exitCode' | 'stoppedBy'> {
  /** The row in `feedback_runs`. */
  runId: number;
  /** `yyyy-MM-dd`, the China-time day reported. */
  reportingDay: string;
  /** Where the ledger is (no secrets). */
  database: string;
  /** Runs found unfinished (killed) and closed by this one; their records were compared again. */
  interruptedRuns: number[];
  /** Counts of records (the parts count files). */
  totals: {
    /** Records read from the source for the day. */
    records: number;
    /** Same content as the version the gateway already accepted: not sent. */
    unchanged: number;
    /** New or changed, passed every check: sent. */
    sent: number;
    accepted: number;
    notAccepted: number;
    /** Failed a check: kept in feedback_quarantine. */
    heldBack: number;
    /** Held back before, now accepted (fixed at the source) or back to the version already reported. */
    released: number;
  };
  /** The first held-back records: key and masked reasons. */
  heldBackSample: { key: string; reasons: string[] }[];
}

/**
 * The receipt as lines for a person (the JSON is in the database and behind `--json`).
 *
 * @example
 * ```ts
 * for (const line of formatReceipt(receipt)) console.log(line);
 * ```
 */
export function formatReceipt(receipt: JobReceipt): string[] {
  const { totals } = receipt;
  const lines = [
    `run ${receipt.runId} for ${receipt.reportingDay} (app ${receipt.appId}, ${receipt.database}): ${receipt.result}, exit ${receipt.exitCode}`,
    `  ${totals.records} records: ${totals.unchanged} unchanged, ${totals.sent} sent (${totals.accepted} accepted, ${totals.notAccepted} not), ${totals.heldBack} held back, ${totals.released} released from quarantine`,
  ];
  if (receipt.interruptedRuns.length > 0) lines.push(`  closed interrupted run(s) ${receipt.interruptedRuns.join(', ')}: their records were compared again`);
  for (const part of receipt.parts) {
    const said = part.error === null ? '10000' : `${[part.error.gatewayCode ?? part.error.code, part.error.subCode].filter(Boolean).join(' ')} ${part.error.message}`;
    const ids = [part.traceId && `trace ${part.traceId}`, part.requestId && `request ${part.requestId}`].filter(Boolean).join(', ');
    lines.push(
      `  ${part.outcome.padEnd(12)} ${part.fileName}  ${String(part.records).padStart(6)} records  ${(part.bytes / 1024).toFixed(0).padStart(5)} KiB  sha256 ${part.sha256.slice(0, 12)}…  ${said}${ids ? ` (${ids})` : ''}`,
    );
  }
  for (const held of receipt.heldBackSample) lines.push(`  held back ${held.key}: ${held.reasons.join('; ')}`);
  if (totals.heldBack > receipt.heldBackSample.length) lines.push(`  … and ${totals.heldBack - receipt.heldBackSample.length} more held back (table feedback_quarantine)`);
  const stopped = receipt.stoppedBy;
  if (stopped) lines.push(`  stopped: ${stopped.code}${stopped.gatewayCode ? ` ${stopped.gatewayCode}` : ''}: ${stopped.message}${stopped.hint ? ` (${stopped.hint})` : ''} ${stopped.laterRunMaySucceed ? 'A later run sends the rest.' : 'Fix this before the next run.'}`);
  return lines;
}
