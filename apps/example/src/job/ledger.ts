import type { PartOutcome } from '@zhima/cli';
import type { Database } from '../database/database.js';
import type { JobReceipt } from './run-receipt.js';

/**
 * The ids of one upload that Alipay support asks for (the gateway's trace id, our request id), kept
 * with the part's outcome.
 *
 * @example
 * ```ts
 * const ids: CallIds = { traceId: '0bd5a8e417…', requestId: 'b3f1…' };
 * ```
 */
export interface CallIds {
  traceId: string | null;
  requestId: string | null;
}

/**
 * The last version of a record the gateway accepted.
 *
 * @example
 * ```ts
 * const reported: Reported = { contentSha256: 'ab12…', record: { order_no: 'LN1', pay_month: '2026-11', order_status: '04' } };
 * ```
 */
export interface Reported {
  contentSha256: string;
  record: Record<string, unknown>;
}

/**
 * A held-back record, as stored: masked reasons only.
 *
 * @example
 * ```ts
 * const reason: QuarantineReason = { rule: 'prc-id', message: '身份证号 "110***********0021" 校验位错误 / …' };
 * ```
 */
export interface QuarantineReason {
  rule: string;
  message: string;
}

/**
 * Outcomes a part can have in `feedback_parts.outcome`: the receipt's (`zhima send`'s) outcomes of an
 * upload, and `sending` (written before the upload) / `interrupted` (the run died before the answer was
 * recorded).
 *
 * @example
 * ```ts
 * const outcome: LedgerPartOutcome = 'accepted';
 * ```
 */
export type LedgerPartOutcome = Exclude<PartOutcome, 'held-back' | 'skipped'> | 'sending' | 'interrupted';

// Any two numbers the merchant's own code does not use for advisory locks (the migration lock is 0x7a68, 1).
const RUN_LOCK_CLASS = 0x7a68;

/**
 * The job's bookkeeping in the `feedback_*` tables for one app. Every write that claims something was
 * reported happens in {@link Ledger.markAccepted}, after the gateway's verified `10000`, in one
 * transaction with the part's outcome.
 *
 * @example
 * ```ts
 * const ledger = new Ledger({ db, appId });
 * if (!(await ledger.tryLock())) throw new Error('another run is in progress');
 * ```
 */
export class Ledger {
  readonly #db: Database;
  readonly #appId: string;

  constructor({ db, appId }: { db: Database; appId: string }) {
    this.#db = db;
    this.#appId = appId;
  }

  /**
   * One run per app at a time: a session advisory lock, released when the connection ends, so a killed
   * run never leaves it behind.
   */
  async tryLock(): Promise<boolean> {
    const [row] = await this.#db.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1, hashtext($2)) AS locked', [RUN_LOCK_CLASS, this.#appId]);
    return row!.locked;
  }

  async unlock(): Promise<void> {
    await this.#db.query('SELECT pg_advisory_unlock($1, hashtext($2))', [RUN_LOCK_CLASS, this.#appId]);
  }

  /** Runs still marked running belong to a process that died (we hold the lock): their open parts may or may not have arrived. */
  async closeInterruptedRuns(): Promise<number[]> {
    return this.#db.transaction(async () => {
      const runs = await this.#db.query<{ run_id: string | number }>(
        `UPDATE feedback_runs SET status = 'interrupted', finished_at = now() WHERE app_id = $1 AND status = 'running' RETURNING run_id`,
        [this.#appId],
      );
      const ids = runs.map((run) => Number(run.run_id));
      if (ids.length > 0) {
        await this.#db.query(
          `UPDATE feedback_parts SET outcome = 'interrupted', finished_at = now(), detail = 'the run stopped before the answer was recorded; its records are sent again' WHERE outcome = 'sending' AND run_id = ANY($1::bigint[])`,
          [ids.map(String)],
        );
      }
      return ids;
    });
  }

  async startRun({ reportingDay }: { reportingDay: string }): Promise<number> {
    const [row] = await this.#db.query<{ run_id: string | number }>(`INSERT INTO feedback_runs (app_id, reporting_day, status) VALUES ($1, $2, 'running') RETURNING run_id`, [this.#appId, reportingDay]);
    return Number(row!.run_id);
  }

  /** `status`: `succeeded` when the receipt's result is `success`, else `partial` if a part was accepted, else `failed`. */
  async finishRun({ runId, receipt }: { runId: number; receipt: JobReceipt }): Promise<void> {
    const status = receipt.result === 'success' ? 'succeeded' : receipt.parts.some((part) => part.outcome === 'accepted') ? 'partial' : 'failed';
    await this.#db.query(`UPDATE feedback_runs SET status = $2, finished_at = now(), exit_code = $3, receipt = $4::jsonb WHERE run_id = $1`, [runId, status, receipt.exitCode, JSON.stringify(receipt)]);
  }

  /** The accepted versions of these keys. */
  async reported({ keys }: { keys: readonly string[] }): Promise<Map<string, Reported>> {
    const rows = await this.#db.query<{ record_key: string; content_sha256: string; record: Record<string, unknown> }>(
      'SELECT record_key, content_sha256, record FROM feedback_reported WHERE app_id = $1 AND record_key = ANY($2::text[])',
      [this.#appId, keys],
    );
    return new Map(rows.map((row) => [row.record_key, { contentSha256: row.content_sha256, record: row.record }]));
  }

  /** Of these keys, those with an open quarantine row. */
  async openQuarantine({ keys }: { keys: readonly string[] }): Promise<Set<string>> {
    const rows = await this.#db.query<{ record_key: string }>(
      'SELECT record_key FROM feedback_quarantine WHERE app_id = $1 AND resolved_at IS NULL AND record_key = ANY($2::text[])',
      [this.#appId, keys],
    );
    return new Set(rows.map((row) => row.record_key));
  }

  /** Holds records back: a new open row per key, or the open row brought up to date. */
  async quarantine({ runId, reportingDay, held }: { runId: number; reportingDay: string; held: readonly { key: string; contentSha256: string; record: Record<string, unknown>; reasons: QuarantineReason[] }[] }): Promise<void> {
    if (held.length === 0) return;
    await this.#db.query(
      `INSERT INTO feedback_quarantine (app_id, record_key, content_sha256, record, reasons, first_seen_day, last_seen_run)
       SELECT $1, k, h, r::jsonb, w::jsonb, $2, $3 FROM unnest($4::text[], $5::text[], $6::text[], $7::text[]) AS u(k, h, r, w)
       ON CONFLICT (app_id, record_key) WHERE resolved_at IS NULL
       DO UPDATE SET content_sha256 = EXCLUDED.content_sha256, record = EXCLUDED.record, reasons = EXCLUDED.reasons, last_seen_run = EXCLUDED.last_seen_run`,
      [this.#appId, reportingDay, runId, held.map((h) => h.key), held.map((h) => h.contentSha256), held.map((h) => JSON.stringify(h.record)), held.map((h) => JSON.stringify(h.reasons))],
    );
  }

  /** Closes open quarantine rows whose record went back to the version already reported. */
  async resolveReverted({ runId, keys }: { runId: number; keys: readonly string[] }): Promise<void> {
    if (keys.length === 0) return;
    await this.#db.query(
      `UPDATE feedback_quarantine SET resolved_at = now(), resolved_run = $2, resolution = 'reverted' WHERE app_id = $1 AND resolved_at IS NULL AND record_key = ANY($3::text[])`,
      [this.#appId, runId, keys],
    );
  }

  /** Written before the upload, so a crash leaves the part's trace (as `sending`, later `interrupted`). Keys are `recordKey` texts, unmasked (the ledger is the merchant's own). */
  async startPart(part: { runId: number; partNo: number; fileName: string; sha256: string; records: number; bytes: number; firstKey: string; lastKey: string }): Promise<void> {
    await this.#db.query(
      `INSERT INTO feedback_parts (run_id, part_no, file_name, sha256, records, bytes, first_key, last_key, outcome) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'sending')`,
      [part.runId, part.partNo, part.fileName, part.sha256, part.records, part.bytes, part.firstKey, part.lastKey],
    );
  }

  /**
   * The gateway accepted the part (verified `10000`): in one transaction, the part's outcome, every record's
   * accepted version, and the release of those keys from quarantine. Returns how many were released.
   * `taskId`: the answer's `task_id`, where the method answers one.
   */
  async markAccepted({ runId, partNo, ids, taskId, records }: { runId: number; partNo: number; ids: CallIds; taskId: string | null; records: readonly { key: string; contentSha256: string; record: Record<string, unknown> }[] }): Promise<number> {
    return this.#db.transaction(async () => {
      await this.#db.query(
        `UPDATE feedback_parts SET outcome = 'accepted', code = '10000', finished_at = now(), task_id = $3, trace_id = $4, request_id = $5 WHERE run_id = $1 AND part_no = $2`,
        [runId, partNo, taskId, ids.traceId, ids.requestId],
      );
      const keys = records.map((r) => r.key);
      await this.#db.query(
        `INSERT INTO feedback_reported (app_id, record_key, content_sha256, record, run_id, part_no)
         SELECT $1, k, h, r::jsonb, $2, $3 FROM unnest($4::text[], $5::text[], $6::text[]) AS u(k, h, r)
         ON CONFLICT (app_id, record_key) DO UPDATE SET content_sha256 = EXCLUDED.content_sha256, record = EXCLUDED.record, run_id = EXCLUDED.run_id, part_no = EXCLUDED.part_no, reported_at = now()`,
        [this.#appId, runId, partNo, keys, records.map((r) => r.contentSha256), records.map((r) => JSON.stringify(r.record))],
      );
      const released = await this.#db.query(
        `UPDATE feedback_quarantine SET resolved_at = now(), resolved_run = $2, resolution = 'sent' WHERE app_id = $1 AND resolved_at IS NULL AND record_key = ANY($3::text[]) RETURNING record_key`,
        [this.#appId, runId, keys],
      );
      return released.length;
    });
  }

  async markFailed({ runId, partNo, outcome, code, subCode, detail, ids }: { runId: number; partNo: number; outcome: Exclude<LedgerPartOutcome, 'sending' | 'accepted' | 'interrupted'>; code: string; subCode: string | null; detail: string; ids: CallIds }): Promise<void> {
    await this.#db.query(
      `UPDATE feedback_parts SET outcome = $3, code = $4, sub_code = $5, detail = $6, finished_at = now(), trace_id = $7, request_id = $8 WHERE run_id = $1 AND part_no = $2`,
      [runId, partNo, outcome, code, subCode, detail, ids.traceId, ids.requestId],
    );
  }
}
