import { createHash } from 'node:crypto';
import { classifyFailure, type ClientConfig, createClient, GatewayError, ZhimaError } from '@zhima/core';
import { createUndiciTransport } from '@zhima/transport/undici';
import { createRecordsFileWriter } from '@zhima/validator';
import { addDays, chinaInstant } from '../china-time.js';
import type { Database } from '../database/database.js';
import { callIds } from '../library-stand-ins/call-ids.js';
import { EXIT, type ReceiptPart, type RunReceipt } from '../library-stand-ins/run-receipt.js';
import { TEMPLATE, toTemplateRecord } from '../merchant/loan-template.js';
import { readLoanRows } from '../merchant/source-query.js';
import { holdBackReasons } from './hold-back.js';
import { Ledger, type QuarantineReason } from './ledger.js';
import { contentHash, recordKey } from './record-identity.js';

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

/**
 * One T+1 run for one app: under the app's run lock, closes runs a crash left open, reads the day's rows,
 * maps them to the template, compares each with the version the gateway last accepted (sha256 per primary
 * key), holds back the changed records that fail the template rules or the loan consistency checks
 * (quarantine, masked reasons), writes the rest into files split at `maxFileBytes`, uploads each, and marks
 * a file's records reported only after the verified `10000`. Returns the receipt, also stored in
 * `feedback_runs`. Throws {@link RunLockedError} when another run holds the lock.
 *
 * @example
 * ```ts
 * const receipt = await runFeedbackJob({ db, client, gateway: 'https://openapi.alipay.com/gateway.do', reportingDay: '2026-11-30', maxFileBytes: 50 * 1024 * 1024, log: console.log });
 * process.exitCode = receipt.exitCode;
 * ```
 */
export async function runFeedbackJob(options: FeedbackJobOptions): Promise<RunReceipt> {
  const { db, client: clientConfig, reportingDay } = options;
  const ledger = new Ledger({ db, appId: clientConfig.appId });
  if (!(await ledger.tryLock())) throw new RunLockedError(clientConfig.appId);
  try {
    const interruptedRuns = await ledger.closeInterruptedRuns();
    const runId = await ledger.startRun({ reportingDay });
    const receipt: RunReceipt = {
      runId,
      appId: clientConfig.appId,
      reportingDay,
      gateway: options.gateway,
      database: db.description,
      startedAt: new Date().toISOString(),
      finishedAt: '',
      status: 'failed',
      exitCode: EXIT.NOT_ALL_ACCEPTED,
      interruptedRuns,
      totals: { records: 0, unchanged: 0, sent: 0, accepted: 0, notAccepted: 0, heldBack: 0, released: 0 },
      parts: [],
      heldBackSample: [],
      stoppedBecause: null,
    };
    try {
      await sendChanges({ ...options, ledger, receipt });
      const accepted = receipt.parts.filter((part) => part.outcome === 'accepted').length;
      receipt.status = accepted === receipt.parts.length ? 'succeeded' : accepted > 0 ? 'partial' : 'failed';
      receipt.exitCode = receipt.parts.some((part) => part.outcome === 'unverified') ? EXIT.UNVERIFIED : receipt.status === 'succeeded' ? EXIT.OK : EXIT.NOT_ALL_ACCEPTED;
    } catch (error) {
      receipt.stoppedBecause = `error: ${(error as Error).message}`;
      receipt.finishedAt = new Date().toISOString();
      await ledger.finishRun({ runId, receipt }).catch(() => {});
      throw error;
    }
    receipt.finishedAt = new Date().toISOString();
    await ledger.finishRun({ runId, receipt });
    return receipt;
  } finally {
    await ledger.unlock().catch(() => {});
  }
}

async function sendChanges({ db, client: clientConfig, reportingDay, maxFileBytes, pageSize = 500, attempts = 5, log, ledger, receipt }: FeedbackJobOptions & { ledger: Ledger; receipt: RunReceipt }): Promise<void> {
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
    for await (const file of writer.files(outgoing())) {
      if (file.records === 0) break;
      const records = pending.slice(file.firstRecordIndex - pendingFrom, file.firstRecordIndex - pendingFrom + file.records);
      pending.splice(0, file.firstRecordIndex + file.records - pendingFrom);
      pendingFrom = file.firstRecordIndex + file.records;
      const partNo = file.index + 1;
      const fileName = `loan-${reportingDay}-run${runId}-${String(partNo).padStart(3, '0')}.txt`; // the API page: INVALID_FILE_TYPE "目前只支持txt文件"
      const part: ReceiptPart = {
        partNo,
        fileName,
        sha256: createHash('sha256').update(file.bytes).digest('hex'),
        records: file.records,
        bytes: file.bytes.length,
        firstKey: records[0]!.key,
        lastKey: records.at(-1)!.key,
        outcome: 'accepted',
        code: null,
        subCode: null,
        detail: '',
        taskId: null,
        traceId: null,
        requestId: null,
        attempts: 0,
        ms: 0,
      };
      await ledger.startPart({ runId, ...part });
      const started = Date.now();
      attempt = 0;
      totals.sent += file.records;
      try {
        const result = await client.batchFeedback({ file: file.bytes, fileName, columns, primaryKeyColumns, records: file.records, fileCharset: file.fileCharset });
        const ids = callIds(result);
        totals.released += await ledger.markAccepted({ runId, partNo, ids, records });
        Object.assign(part, ids, { code: result.code, detail: result.msg });
        totals.accepted += file.records;
      } catch (error) {
        const failure = classifyFailure({ error });
        const ids = callIds(error);
        const code = GatewayError.isInstance(error) ? error.gatewayCode : ZhimaError.isInstance(error) ? error.code : null;
        const subCode = GatewayError.isInstance(error) ? (error.subCode ?? null) : null;
        const hint = ZhimaError.isInstance(error) && error.hint ? ` (${error.hint})` : '';
        const detail = `${(error as Error).message}${hint}`;
        await ledger.markFailed({ runId, partNo, outcome: failure.outcome, code, subCode, detail, ids });
        Object.assign(part, ids, { outcome: failure.outcome, code, subCode, detail });
        totals.notAccepted += file.records;
        if (failure.scope === 'run') {
          receipt.stoppedBecause = `part ${partNo} ${failure.outcome}: ${detail}. ${failure.laterRunMaySucceed ? 'A later run sends the rest.' : 'Fix this before the next run.'}`;
        }
      }
      part.attempts = attempt;
      part.ms = Date.now() - started;
      receipt.parts.push(part);
      log(`part ${partNo}: ${part.outcome}, ${part.records} records, ${part.ms} ms`);
      if (receipt.stoppedBecause) break;
    }
  } finally {
    await transport.close();
  }
}
