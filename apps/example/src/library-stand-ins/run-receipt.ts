// STAND-IN for the run receipt of `zhima send --json` (issue 12: "one machine-readable run receipt").
// Same fields as that issue lists; when @zhima/cli (or a library) exports the shape, import it instead and
// keep only the app's extra totals (unchanged, held back, released).
import type { PartOutcome } from '../job/ledger.js';

/**
 * One uploaded file in a receipt.
 *
 * @example
 * ```ts
 * const part: ReceiptPart = { partNo: 1, fileName: 'loan-2026-11-30-run12-001.txt', sha256: 'ab…', records: 1400, bytes: 480_000, firstKey: '["LN00000001","2026-06"]', lastKey: '["LN00000420","2026-11"]', outcome: 'accepted', code: '10000', subCode: null, detail: 'Success', taskId: null, traceId: null, requestId: null, attempts: 1, ms: 220 };
 * ```
 */
export interface ReceiptPart {
  partNo: number;
  fileName: string;
  sha256: string;
  records: number;
  bytes: number;
  /** Primary keys as JSON arrays of the key values (order numbers and months: nothing personal). */
  firstKey: string;
  lastKey: string;
  outcome: Exclude<PartOutcome, 'sending' | 'interrupted'>;
  code: string | null;
  subCode: string | null;
  detail: string;
  taskId: string | null;
  traceId: string | null;
  requestId: string | null;
  attempts: number;
  ms: number;
}

/**
 * What one run did, as stored in `feedback_runs.receipt` and printed.
 *
 * @example
 * ```ts
 * const { status, exitCode, totals } = receipt;
 * ```
 */
export interface RunReceipt {
  runId: number;
  appId: string;
  reportingDay: string;
  gateway: string;
  database: string;
  startedAt: string;
  finishedAt: string;
  status: 'succeeded' | 'partial' | 'failed';
  exitCode: number;
  /** Runs found unfinished (killed) and closed by this one; their records were compared again. */
  interruptedRuns: number[];
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
  parts: ReceiptPart[];
  /** The first held-back records: key and masked reasons. */
  heldBackSample: { key: string; reasons: string[] }[];
  /** Why the run stopped early, if it did. */
  stoppedBecause: string | null;
}

/**
 * How a scheduler tells runs apart: 0 everything sent (or nothing to send), 1 some part not accepted (a
 * later run retries it), 2 usage or configuration error, 3 another run holds the lock, 4 an answer could
 * not be verified (check keys and the network path before rerunning).
 *
 * @example
 * ```ts
 * process.exitCode = EXIT.LOCKED;
 * ```
 */
export const EXIT = { OK: 0, NOT_ALL_ACCEPTED: 1, USAGE: 2, LOCKED: 3, UNVERIFIED: 4 } as const;

/**
 * The receipt as lines for a person (the JSON is in the database and behind `--json`).
 *
 * @example
 * ```ts
 * for (const line of formatReceipt(receipt)) console.log(line);
 * ```
 */
export function formatReceipt(receipt: RunReceipt): string[] {
  const { totals } = receipt;
  const lines = [
    `run ${receipt.runId} for ${receipt.reportingDay} (app ${receipt.appId}, ${receipt.database}): ${receipt.status}, exit ${receipt.exitCode}`,
    `  ${totals.records} records: ${totals.unchanged} unchanged, ${totals.sent} sent (${totals.accepted} accepted, ${totals.notAccepted} not), ${totals.heldBack} held back, ${totals.released} released from quarantine`,
  ];
  if (receipt.interruptedRuns.length > 0) lines.push(`  closed interrupted run(s) ${receipt.interruptedRuns.join(', ')}: their records were compared again`);
  for (const part of receipt.parts) {
    const ids = [part.traceId && `trace ${part.traceId}`, part.taskId && `task ${part.taskId}`].filter(Boolean).join(', ');
    lines.push(`  ${part.outcome.padEnd(12)} ${part.fileName}  ${String(part.records).padStart(6)} records  ${(part.bytes / 1024).toFixed(0).padStart(5)} KiB  sha256 ${part.sha256.slice(0, 12)}…  ${part.code ?? ''} ${part.detail}${ids ? ` (${ids})` : ''}`);
  }
  for (const held of receipt.heldBackSample) lines.push(`  held back ${held.key}: ${held.reasons.join('; ')}`);
  if (totals.heldBack > receipt.heldBackSample.length) lines.push(`  … and ${totals.heldBack - receipt.heldBackSample.length} more held back (table feedback_quarantine)`);
  if (receipt.stoppedBecause) lines.push(`  stopped: ${receipt.stoppedBecause}`);
  return lines;
}
