import type { Issue } from '@zhima/validator';
import type { JournalOutcome } from './journal.js';

/**
 * How one part ended in a run:
 * - `accepted`: the gateway said `10000`, verified;
 * - `refused`: the gateway said no (`error.gatewayCode` / `error.subCode`); nothing stored;
 * - `unverified`: an answer came but could not be trusted: the gateway **may have stored** it;
 * - `held-back`: with `--hold-back`, the records of an input that were held back, as one entry per
 *   input: written to the quarantine file (`fileName`), never sent; `sha256` is that input's lines';
 * - `skipped`: accepted in an earlier run (see `previous`), not sent again;
 * - `not-answered`: sent, no usable answer (network, timeout, Ctrl-C): whether it arrived is unknown;
 * - `not-sent`: refused before sending (a parameter or key problem).
 *
 * @example
 * ```ts
 * const outcome: PartOutcome = 'unverified';
 * ```
 */
export type PartOutcome = 'accepted' | 'refused' | 'unverified' | 'held-back' | 'skipped' | 'not-answered' | 'not-sent';

/**
 * How a run ended, one word per exit code: `success` (0), `failed` (1: stopped early), `refused` (3),
 * `nothing-sent` (4: an input invalid or empty), `unverified` (5), `held-back` (6: every part accepted,
 * records held back by `--hold-back`).
 *
 * @example
 * ```ts
 * const result: RunResult = 'refused';
 * ```
 */
export type RunResult = 'success' | 'failed' | 'refused' | 'nothing-sent' | 'unverified' | 'held-back';

/**
 * Why a part was not accepted, or what stopped a run.
 *
 * @example
 * ```ts
 * const error: ReceiptError = { code: 'GATEWAY_ERROR', message: '…', gatewayCode: '40004', subCode: 'INVALID_PARAMETER', subMsg: '…', reason: null };
 * ```
 */
export interface ReceiptError {
  /** The stable error code (`GATEWAY_ERROR`, `TRANSPORT_ERROR`, `RESPONSE_UNVERIFIED`, …). */
  code: string;
  message: string;
  /** The gateway's `code` and `sub_code`/`sub_msg` for a refusal, else null. */
  gatewayCode: string | null;
  subCode: string | null;
  subMsg: string | null;
  /** A transport failure's reason (`TIMEOUT`, `RESET`, `HTTP_STATUS`, …), else null. */
  reason: string | null;
}

/**
 * One uploaded (or skipped) part in a {@link SendReceipt}.
 *
 * @example
 * ```ts
 * const part: ReceiptPart = receipt.parts[0]!;
 * if (part.outcome === 'refused') console.log(part.fileName, part.error?.subCode);
 * ```
 */
export interface ReceiptPart {
  /** The input as named on the command line (`<stdin>` for standard input). */
  input: string;
  /** 0-based piece number within its input (inputs over `--max-file-bytes` are split); a `held-back` entry's is its input's part count. */
  part: number;
  /** The file name sent to the gateway; for `held-back`, the quarantine file's name. */
  fileName: string;
  /** SHA-256 of the part's bytes (lowercase hex): the journal key. */
  sha256: string;
  records: number;
  bytes: number;
  /** The first and last record's primary key, column → value, each value masked. */
  firstPrimaryKey: Record<string, string>;
  lastPrimaryKey: Record<string, string>;
  outcome: PartOutcome;
  /** Why it was not accepted; null for `accepted` and `skipped`. */
  error: ReceiptError | null;
  /** What the journal held for these bytes before this run (why a part was skipped or sent again). */
  previous: { outcome: JournalOutcome; at: string; runId: string } | null;
  /**
   * The gateway's trace id (its `trace_id` answer header; give it to Alipay support) of the part's last
   * attempt, null when no answer came or it had none; and the `alipay-request-id` that attempt was sent
   * with, null when nothing was sent (`held-back`, `skipped`, a part refused before sending).
   */
  traceId: string | null;
  requestId: string | null;
  /** Attempts made in this run (0 for `skipped`). */
  attempts: number;
  /** When the first attempt started (ISO 8601, UTC) and how long the call took; null for `skipped`. */
  startedAt: string | null;
  durationMs: number | null;
}

/**
 * One input in a {@link SendReceipt}: its validation, and whether every part of it was reached.
 *
 * @example
 * ```ts
 * const bad = receipt.inputs.filter((input) => !input.ok);
 * ```
 */
export interface ReceiptInput {
  name: string;
  bytes: number;
  records: number;
  /** Records held back by `--hold-back` (in the quarantine file, not sent); 0 without it. */
  heldBack: number;
  /** With `--hold-back`: each primary key held by several records (all held back), masked, and those records' 1-based numbers. */
  repeatedKeys: { primaryKey: Record<string, string>; recordNumbers: number[] }[];
  /** The validator's verdict. */
  ok: boolean;
  errorCount: number;
  warningCount: number;
  /** Up to `--max-issues` issues (personal data masked), as `zhima validate --json` reports them. */
  issues: Issue[];
  truncated: boolean;
  validationMs: number;
  /** False when the run stopped before this input's last part. */
  allPartsReached: boolean;
}

/**
 * The run receipt of `zhima send`: printed by `--json` and written to `<journal>/receipts/<runId>.json`
 * for every run that got past configuration and the journal lock. Fields may be added, never renamed
 * or removed (`version` changes if they are).
 *
 * @example
 * ```ts
 * const receipt: SendReceipt = JSON.parse(stdout);
 * if (receipt.exitCode !== 0) alert(receipt.result, receipt.totals, receipt.stoppedBy?.message);
 * ```
 */
export interface SendReceipt {
  kind: 'zhima-send-receipt';
  version: 1;
  /** Unique per run and sortable: `<startedAt with - for :>-<pid>`; the receipt's file name. */
  runId: string;
  zhimaVersion: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  appId: string;
  gateway: string;
  method: string;
  /** The journal folder. */
  journal: string;
  /** `--restart`: the journal was not used to skip parts. */
  restart: boolean;
  /** `--hold-back` (or `"holdBack": true`): bad records were held back instead of stopping their file. */
  holdBack: boolean;
  /** The quarantine file of this run (`<journal>/quarantine/<runId>.jsonl`), null when nothing was held back. */
  quarantine: string | null;
  settings: {
    attempts: number;
    timeoutSeconds: number;
    /** `--answer-timeout`; null: the transport's own rule. */
    answerTimeoutSeconds: number | null;
    retryDeadlineSeconds: number;
    maxFileBytes: number;
    maxRecordsPerFile: number | null;
    fileCharset: 'UTF-8' | 'GBK';
    requestCharset: string;
  };
  inputs: ReceiptInput[];
  /**
   * `held-back` entries first (written before any upload), then the parts in upload order; parts after a
   * run-stopping failure are not listed (see `inputs[].allPartsReached`).
   */
  parts: ReceiptPart[];
  totals: {
    inputs: number;
    parts: number;
    accepted: number;
    skipped: number;
    refused: number;
    unverified: number;
    /** `held-back` entries: inputs that held records back. */
    heldBack: number;
    notAnswered: number;
    notSent: number;
    /** Records and bytes of the parts accepted in this run. */
    recordsAccepted: number;
    bytesAccepted: number;
    /** Records held back in this run (in the quarantine file), over all inputs. */
    recordsHeldBack: number;
  };
  result: RunResult;
  exitCode: number;
  /** The failure that stopped the run before its end, with whether running again later may succeed unchanged. */
  stoppedBy: (ReceiptError & { hint: string | null; laterRunMaySucceed: boolean }) | null;
}
