import { createHash } from 'node:crypto';
import { callIdsOf, EXIT, exitCodeOf, receiptErrorOf, receiptKey, runResultOf, type ReceiptPart } from '@zhima/cli';
import { classifyFailure, type ClientConfig, createClient, ZhimaError } from '@zhima/core';
import { createUndiciTransport } from '@zhima/transport/undici';
import { createRecordsFileWriter } from '@zhima/validator';
import { addDays, chinaInstant } from '../china-time.js';
import type { Database } from '../database/database.js';
import { TEMPLATE, toTemplateRecord } from '../merchant/loan-template.js';
import { readLoanRows } from '../merchant/source-query.js';
import { holdBackReasons } from './hold-back.js';
import { type CallIds, Ledger, type QuarantineReason } from './ledger.js';
import { contentHash, recordKey } from './record-identity.js';
import type { JobReceipt } from './run-receipt.js';

// The ids Alipay support asks for, kept with the part's outcome (null where a failure made no call).
function callIds(source: { traceId?: string | undefined; requestId?: string | undefined }): CallIds {
  return { traceId: source.traceId ?? null, requestId: source.requestId ?? null };
}

/**
 * Another run for the same app holds the lock.
 *
 * @example
 * ```ts
 * if (error instanceof RunLockedError) process.exitCode = EXIT.LOCKED;
 * ```
 */
export class RunLockedError extends Error {
  constructor(readonly appId: string) {
    super(`Another feedback run for app ${appId} is in progress (it holds the run lock): nothing was done. Runs for one app never overlap; this one can simply be started again later.`);
    this.name = 'RunLockedError';
  }
}

/**
 * Options of {@link runFeedbackJob}.
 *
 * @example
 * ```ts
 * const options: FeedbackJobOptions = { db, client: connection.client, gateway: connection.description, reportingDay: '2026-11-30', maxFileBytes: 50 * 1024 * 1024, log: console.log };
 * ```
 */
export interface FeedbackJobOptions {
  db: Database;
  /** Gateway settings; the job adds the transport and the retry policy. */
  client: Omit<ClientConfig, 'transport' | 'retry'>;
  /** For the receipt: where the run sends (no secrets). */
  gateway: string;
  /** `yyyy-MM-dd` in China time. */
  reportingDay: string;
  /** Split bound per uploaded file (50 MiB at the gateway). */
  maxFileBytes: number;
  /** Loans read per query. Default 500. */
  pageSize?: number;
  /** Attempts per upload (the client retries transient failures). Default 5. */
  attempts?: number;
  log: (line: string) => void;
}

interface Outgoing {
  key: string;
  contentSha256: string;
  record: Record<string, string>;
}

const SAMPLE_HELD = 5;

/** A primary key as the receipt shows it, masked by `zhima send`'s own rule. */
function maskedPrimaryKey({ record, primaryKeyColumns }: { record: Readonly<Record<string, string>>; primaryKeyColumns: readonly string[] }): Record<string, string> {
  return receiptKey(Object.fromEntries(primaryKeyColumns.map((column) => [column, record[column] ?? ''])));
}

/**
 * One T+1 run for one app: under the app's run lock, closes runs a crash left open, reads the day's rows,
 * maps them to the template, compares each with the version the gateway last accepted (sha256 per primary
 * key), holds back the changed records that fail the template rules or the loan consistency checks
 * (quarantine, masked reasons), writes the rest into files split at `maxFileBytes`, uploads each, and marks
 * a file's records reported only after the verified `10000`. Returns the receipt, also stored in
 * `feedback_runs`; its `result` and `exitCode` are those `zhima send` gives for the same outcomes (a
 * `40004` refusal of one part: `refused`, exit 3; no answer: `failed`, exit 1; an unverifiable answer:
 * `unverified`, exit 5). Throws {@link RunLockedError} when another run holds the lock.
 *
 * @example
 * ```ts
 * const receipt = await runFeedbackJob({ db, client, gateway: 'https://openapi.alipay.com/gateway.do', reportingDay: '2026-11-30', maxFileBytes: 50 * 1024 * 1024, log: console.log });
 * process.exitCode = receipt.exitCode;
 * ```
 */
export async function runFeedbackJob(options: FeedbackJobOptions): Promise<JobReceipt> {
  const { db, client: clientConfig, reportingDay } = options;
  const ledger = new Ledger({ db, appId: clientConfig.appId });
  if (!(await ledger.tryLock())) throw new RunLockedError(clientConfig.appId);
  try {
    const interruptedRuns = await ledger.closeInterruptedRuns();
    const runId = await ledger.startRun({ reportingDay });
    const started = new Date();
    const receipt: JobReceipt = {
      runId,
      appId: clientConfig.appId,
      reportingDay,
      gateway: options.gateway,
      database: db.description,
      startedAt: started.toISOString(),
      finishedAt: '',
      durationMs: 0,
      interruptedRuns,
      totals: { records: 0, unchanged: 0, sent: 0, accepted: 0, notAccepted: 0, heldBack: 0, released: 0 },
      parts: [],
      heldBackSample: [],
      result: 'failed',
      exitCode: EXIT.FAILED,
      stoppedBy: null,
    };
    const finish = () => {
      const finished = new Date();
      receipt.finishedAt = finished.toISOString();
      receipt.durationMs = finished.getTime() - started.getTime();
    };
    try {
      await sendChanges({ ...options, ledger, receipt });
      receipt.result = runResultOf({ parts: receipt.parts, stopped: receipt.stoppedBy !== null });
    } catch (error) {
      // Not a part's failure (the database went away, a bug): the run stops, and still leaves its receipt.
      receipt.stoppedBy = { ...receiptErrorOf({ error }), hint: hintOf(error), laterRunMaySucceed: false };
      finish();
      await ledger.finishRun({ runId, receipt }).catch(() => {});
      throw error;
    }
    receipt.exitCode = exitCodeOf({ result: receipt.result });
    finish();
    await ledger.finishRun({ runId, receipt });
    return receipt;
  } finally {
    await ledger.unlock().catch(() => {});
  }
}

const hintOf = (error: unknown): string | null => (ZhimaError.isInstance(error) ? (error.hint ?? null) : null);

async function sendChanges({ db, client: clientConfig, reportingDay, maxFileBytes, pageSize = 500, attempts = 5, log, ledger, receipt }: FeedbackJobOptions & { ledger: Ledger; receipt: JobReceipt }): Promise<void> {
  const { runId, totals } = receipt;
  // The end of the reporting day in China time: rows changed after it are tomorrow's.
  const cutoff = chinaInstant(addDays(reportingDay, 1));
  const { columns, primaryKeyColumns } = TEMPLATE;
  // What the writer has taken but not yet put in a file, from run record index `pendingFrom` on.
  const pending: Outgoing[] = [];
  let pendingFrom = 0;

  async function* outgoing(): AsyncGenerator<Record<string, string>> {
    for (let after = ''; ; ) {
      const rows = await readLoanRows({ db, cutoff, afterLoanId: after, limit: pageSize });
      if (rows.length === 0) return;
      after = rows.at(-1)!.loan_id;
      const records = rows.map(toTemplateRecord);
      const keys = records.map((record) => recordKey({ record, primaryKeyColumns }));
      const [reported, quarantined] = await Promise.all([ledger.reported({ keys }), ledger.openQuarantine({ keys })]);
      const changed: (Outgoing & { previous: Record<string, unknown> | undefined })[] = [];
      const reverted: string[] = [];
      records.forEach((record, k) => {
        const key = keys[k]!;
        const contentSha256 = contentHash({ record, columns });
        const previous = reported.get(key);
        if (previous?.contentSha256 !== contentSha256) changed.push({ key, contentSha256, record, previous: previous?.record });
        else if (quarantined.has(key)) reverted.push(key);
      });
      totals.records += records.length;
      totals.unchanged += records.length - changed.length;
      const reasons = await holdBackReasons({ candidates: changed, reportingDay });
      const held = changed.flatMap((item, k) => (reasons[k]!.length > 0 ? [{ ...item, reasons: reasons[k]! }] : []));
      await ledger.quarantine({ runId, reportingDay, held });
      await ledger.resolveReverted({ runId, keys: reverted });
      totals.heldBack += held.length;
      totals.released += reverted.length;
      for (const item of held) if (receipt.heldBackSample.length < SAMPLE_HELD) receipt.heldBackSample.push({ key: item.key, reasons: item.reasons.map((reason: QuarantineReason) => reason.message) });
      for (const [k, item] of changed.entries()) {
        if (reasons[k]!.length > 0) continue;
        pending.push({ key: item.key, contentSha256: item.contentSha256, record: item.record });
        yield item.record;
      }
    }
  }

  let attempt = 0;
  const transport = createUndiciTransport();
  const client = createClient({ ...clientConfig, transport, retry: { attempts, onAttempt: () => attempt++ } } as ClientConfig);
  const writer = createRecordsFileWriter({ columns, primaryKeyColumns, maxFileBytes });
  try {
    for await (const file of writer.files({ records: outgoing() })) {
      if (file.records === 0) break;
      const records = pending.slice(file.firstRecordIndex - pendingFrom, file.firstRecordIndex - pendingFrom + file.records);
      pending.splice(0, file.firstRecordIndex + file.records - pendingFrom);
      pendingFrom = file.firstRecordIndex + file.records;
      const partNo = file.index + 1;
      const fileName = `loan-${reportingDay}-run${runId}-${String(partNo).padStart(3, '0')}.txt`; // the API page: INVALID_FILE_TYPE "目前只支持txt文件"
      const sha256 = createHash('sha256').update(file.bytes).digest('hex');
      await ledger.startPart({ runId, partNo, fileName, sha256, records: file.records, bytes: file.bytes.length, firstKey: records[0]!.key, lastKey: records.at(-1)!.key });
      const startedAt = new Date();
      attempt = 0;
      totals.sent += file.records;
      let ended: Pick<ReceiptPart, 'outcome' | 'error' | 'traceId' | 'requestId'>;
      try {
        const result = await client.batchFeedback({ file: file.bytes, fileName, columns, primaryKeyColumns, records: file.records, fileCharset: file.fileCharset });
        const ids = callIds(result);
        const taskId = typeof result.response.task_id === 'string' ? result.response.task_id : null;
        totals.released += await ledger.markAccepted({ runId, partNo, ids, taskId, records });
        ended = { outcome: 'accepted', error: null, ...ids };
        totals.accepted += file.records;
      } catch (error) {
        const failure = classifyFailure({ error });
        const ids = callIds(callIdsOf({ error }));
        const shown = receiptErrorOf({ error });
        const hint = hintOf(error);
        await ledger.markFailed({ runId, partNo, outcome: failure.outcome, code: shown.gatewayCode ?? shown.code, subCode: shown.subCode, detail: `${shown.message}${hint ? ` (${hint})` : ''}`, ids });
        ended = { outcome: failure.outcome, error: shown, ...ids };
        totals.notAccepted += file.records;
        if (failure.scope === 'run') receipt.stoppedBy = { ...shown, hint, laterRunMaySucceed: failure.laterRunMaySucceed };
      }
      const part: ReceiptPart = {
        input: `loans ${reportingDay}`,
        part: file.index,
        fileName,
        sha256,
        records: file.records,
        bytes: file.bytes.length,
        firstPrimaryKey: maskedPrimaryKey({ record: records[0]!.record, primaryKeyColumns }),
        lastPrimaryKey: maskedPrimaryKey({ record: records.at(-1)!.record, primaryKeyColumns }),
        ...ended,
        // The ledger compares records, not files: no earlier outcome of these bytes is looked up.
        previous: null,
        attempts: attempt,
        startedAt: startedAt.toISOString(),
        durationMs: Date.now() - startedAt.getTime(),
      };
      receipt.parts.push(part);
      log(`part ${partNo}: ${part.outcome}, ${part.records} records, ${part.durationMs} ms`);
      if (receipt.stoppedBy) break;
    }
  } finally {
    await transport.close();
  }
}
