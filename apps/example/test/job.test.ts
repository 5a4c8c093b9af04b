import { generateKeyPair } from '@zhima/core';
import { loanTemplateRules, type FieldCheck } from '@zhima/validator';
import { describe, expect, it } from 'vitest';
import type { Database } from '../src/database/database.js';
import { runFeedbackJob, type FeedbackJobOptions } from '../src/job/daily-job.js';
import { seedMerchantDay } from '../src/merchant/seed.js';
import { connected, DATABASE_KINDS, freshDatabase, titleOf } from './support/databases.js';
import { testGateway, type TestGateway } from './support/gateway.js';
import { checkCharacter, ledgerByKey, openQuarantine, sandboxByKey, sorted, sourceKeys, validIdNumber } from './support/oracle.js';

const DAY1 = '2026-11-28';
const DAY2 = '2026-11-29';
const DAY3 = '2026-11-30';
const LOANS = 400;

function run(db: Database, gateway: TestGateway, reportingDay: string, extra: Partial<FeedbackJobOptions> = {}) {
  return runFeedbackJob({ db, client: gateway.client, gateway: gateway.url, reportingDay, maxFileBytes: 40_000, log: () => {}, ...extra });
}

/** `instant` inside `day` in China time, for changes the test makes itself. */
const during = (day: string, time = '12:00:00') => `${day}T${time}+08:00`;

describe.each(DATABASE_KINDS)('the T+1 job on $kind', (kind) => {
  describe.skipIf(kind.skipped !== '')(titleOf(kind), () => {
    it('the first run sends every valid record in several parts; sandbox, ledger and source agree record for record; a rerun sends nothing', async () => {
      const db = await connected(await freshDatabase(kind.kind));
      const gateway = await testGateway();
      await seedMerchantDay({ db, day: DAY1, dayIndex: 0, loans: LOANS });

      const receipt = await run(db, gateway, DAY1);
      const { all, badId } = await sourceKeys(db, DAY1);
      expect(badId.size).toBeGreaterThan(0);
      const stored = sandboxByKey(gateway.sandbox, gateway.appId);
      expect(sorted(stored.keys())).toEqual(sorted([...all].filter((key) => !badId.has(key))));
      expect(await ledgerByKey(db, gateway.appId)).toEqual(stored);
      expect(sorted((await openQuarantine(db, gateway.appId)).keys())).toEqual(sorted(badId));
      expect(receipt).toMatchObject({ result: 'success', exitCode: 0, stoppedBy: null, totals: { records: all.size, unchanged: 0, sent: all.size - badId.size, accepted: all.size - badId.size, heldBack: badId.size } });
      expect(receipt.parts.length).toBeGreaterThan(3);
      expect(receipt.parts.every((part) => part.outcome === 'accepted' && part.error === null && part.bytes <= 40_000 && /^[0-9a-f]{64}$/.test(part.sha256))).toBe(true);
      // Parts in zhima send's receipt shape: 0-based part numbers, key columns → masked values, timings.
      expect(receipt.parts.map((part) => part.part)).toEqual(receipt.parts.map((_, k) => k));
      for (const part of receipt.parts) {
        expect(Object.keys(part.firstPrimaryKey)).toEqual(['order_no', 'pay_month']);
        expect(part.firstPrimaryKey.order_no).toMatch(/^LN\d\*+\d{4}$/);
        expect(part.attempts).toBe(1);
        expect(Number.isNaN(Date.parse(part.startedAt!))).toBe(false);
        expect(part.durationMs).toBeGreaterThanOrEqual(0);
      }

      // The mapping, read back from the sandbox against the source rows with plain SQL.
      const loans = await db.query<{ loan_id: string; id_number: string; status: string; principal: string }>(`SELECT loan_id, id_number, status, (principal_cents / 100)::text || '.' || lpad((principal_cents % 100)::text, 2, '0') AS principal FROM loans`);
      const codes: Record<string, string> = { APPROVED: '01', REJECTED: '02', WITHDRAWN: '03', DISBURSED: '04' };
      for (const loan of loans) {
        for (const month of ['2026-11']) {
          const record = stored.get(JSON.stringify([loan.loan_id, month]));
          if (record === undefined) continue;
          expect(record).toMatchObject({ user_credentials_no: loan.id_number, order_status: codes[loan.status], create_amt: loan.principal });
        }
      }

      // The stored receipt is the returned one; the same day again finds nothing to send.
      const [stored1] = await db.query<{ receipt: unknown; status: string }>('SELECT receipt, status FROM feedback_runs WHERE run_id = $1', [receipt.runId]);
      expect(stored1).toEqual({ receipt: JSON.parse(JSON.stringify(receipt)), status: 'succeeded' });
      const again = await run(db, gateway, DAY1);
      expect(again.totals).toMatchObject({ records: all.size, unchanged: all.size - badId.size, sent: 0, heldBack: badId.size });
      expect(again.parts).toEqual([]);
    });

    it('day two sends exactly the records whose reported content changed, and nothing else', async () => {
      const db = await connected(await freshDatabase(kind.kind));
      const gateway = await testGateway();
      await seedMerchantDay({ db, day: DAY1, dayIndex: 0, loans: LOANS });
      await run(db, gateway, DAY1);
      gateway.sandbox.clearRecords({ appId: gateway.appId }); // from here on, the store holds exactly what day two sends

      // The test's own changes on day two, and the keys each one must resend.
      const expected = new Set<string>();
      const monthOf = async (loanId: string) => (await db.query<{ m: string }>(`SELECT to_char((applied_at AT TIME ZONE 'UTC') + interval '8 hours', 'YYYY-MM') AS m FROM loans WHERE loan_id = $1`, [loanId]))[0]!.m;
      const pick = async (sql: string) => (await db.query<{ loan_id: string; due_month?: string }>(sql))[0]!;
      const approved = await pick(`SELECT loan_id FROM loans WHERE status = 'APPROVED' ORDER BY loan_id LIMIT 1`);
      await db.query(`UPDATE loans SET status = 'DISBURSED', disbursed_at = $2, updated_at = $2 WHERE loan_id = $1`, [approved.loan_id, during(DAY2)]);
      expected.add(JSON.stringify([approved.loan_id, await monthOf(approved.loan_id)]));

      const renamed = await pick(`SELECT loan_id FROM loans l WHERE status = 'DISBURSED' AND (SELECT count(*) FROM instalments i WHERE i.loan_id = l.loan_id) >= 2 AND id_number ~ '^[0-9]{17}[0-9X]$' ORDER BY loan_id DESC LIMIT 1`);
      await db.query(`UPDATE loans SET borrower_name = '欧阳娜娜', updated_at = $2 WHERE loan_id = $1`, [renamed.loan_id, during(DAY2)]);
      expected.add(JSON.stringify([renamed.loan_id, await monthOf(renamed.loan_id)]));
      for (const row of await db.query<{ due_month: string }>(`SELECT due_month FROM instalments WHERE loan_id = $1`, [renamed.loan_id])) expected.add(JSON.stringify([renamed.loan_id, row.due_month]));

      const overdue = await pick(`SELECT loan_id, due_month FROM instalments WHERE overdue_days > 0 AND loan_id NOT IN ('${renamed.loan_id}') ORDER BY loan_id LIMIT 1`);
      await db.query(`UPDATE instalments SET overdue_days = overdue_days + 1, updated_at = $3 WHERE loan_id = $1 AND due_month = $2`, [overdue.loan_id, overdue.due_month!, during(DAY2)]);
      expected.add(JSON.stringify([overdue.loan_id, overdue.due_month]));

      const repaid = await pick(`SELECT i.loan_id, i.due_month FROM instalments i WHERE i.overdue_days = 0 AND i.loan_id NOT IN ('${renamed.loan_id}', '${overdue.loan_id}') ORDER BY i.loan_id DESC LIMIT 1`);
      await db.query(`INSERT INTO repayment_events (loan_id, due_month, kind, amount_cents, occurred_at) VALUES ($1, $2, 'repayment', 100, $3)`, [repaid.loan_id, repaid.due_month!, during(DAY2, '21:15:00')]);
      await db.query(`UPDATE instalments SET updated_at = $3 WHERE loan_id = $1 AND due_month = $2`, [repaid.loan_id, repaid.due_month!, during(DAY2)]);
      expected.add(JSON.stringify([repaid.loan_id, repaid.due_month]));

      // Touched, but nothing the template reports changed: not resent.
      await db.query(`UPDATE loans SET updated_at = $1 WHERE loan_id IN (SELECT loan_id FROM loans WHERE status = 'REJECTED' ORDER BY loan_id LIMIT 5)`, [during(DAY2)]);
      await db.query(`UPDATE loans SET term_months = term_months + 12, updated_at = $1 WHERE loan_id IN (SELECT loan_id FROM loans WHERE status = 'DISBURSED' AND loan_id <> $2 ORDER BY loan_id LIMIT 5)`, [during(DAY2), renamed.loan_id]);
      // Changed after the end of day two (China time): tomorrow's.
      const late = await pick(`SELECT loan_id FROM loans WHERE status = 'REJECTED' ORDER BY loan_id DESC LIMIT 1`);
      await db.query(`UPDATE loans SET borrower_name = '迟到', updated_at = $2 WHERE loan_id = $1`, [late.loan_id, '2026-11-30T00:00:01+08:00']);

      const receipt = await run(db, gateway, DAY2);
      const sent = sandboxByKey(gateway.sandbox, gateway.appId);
      expect(sorted(sent.keys())).toEqual(sorted(expected));
      expect(receipt.totals.sent).toBe(expected.size);
      expect(sent.get(JSON.stringify([approved.loan_id, await monthOf(approved.loan_id)]))).toMatchObject({ order_status: '04' });
      expect([...sent.values()].filter((record) => record.order_no === renamed.loan_id).every((record) => record.user_name === '欧阳娜娜')).toBe(true);
      expect(sent.get(JSON.stringify([repaid.loan_id, repaid.due_month]))).toMatchObject({ gmt_pay: '2026-11-29 21:15:00' });
      // The ledger now holds day two's versions of exactly those keys.
      const ledger = await ledgerByKey(db, gateway.appId);
      for (const [key, record] of sent) expect(ledger.get(key)).toEqual(record);

      // Day three picks up the late change.
      gateway.sandbox.clearRecords({ appId: gateway.appId });
      await run(db, gateway, DAY3);
      expect([...sandboxByKey(gateway.sandbox, gateway.appId).values()].map((record) => record.order_no)).toEqual([late.loan_id]);
    });

    it('holds back a bad ID number and a status set back from disbursed, with masked reasons, and releases both once fixed at the source', async () => {
      const db = await connected(await freshDatabase(kind.kind));
      const gateway = await testGateway();
      await seedMerchantDay({ db, day: DAY1, dayIndex: 0, loans: LOANS });
      const first = await run(db, gateway, DAY1);
      const bad = (await db.query<{ loan_id: string; id_number: string }>(`SELECT loan_id, id_number FROM loans ORDER BY loan_id`)).filter((row) => !validIdNumber(row.id_number));
      expect(bad.length).toBeGreaterThan(0);
      const quarantined = await openQuarantine(db, gateway.appId);
      for (const reasons of quarantined.values()) {
        expect(reasons.map((reason) => reason.rule)).toContain('prc-id');
        for (const loan of bad) expect(JSON.stringify(reasons)).not.toContain(loan.id_number);
      }
      // The receipt never holds an ID number: none of the source's (a pattern would also match the
      // digit runs of hex trace ids and hashes).
      const receiptText = JSON.stringify(first);
      for (const { id_number } of await db.query<{ id_number: string }>(`SELECT id_number FROM loans`)) expect(receiptText).not.toContain(id_number);

      // Day two: the ID is fixed; a disbursed loan reads back as approved (a source bug).
      const fixed = bad[0]!;
      await db.query(`UPDATE loans SET id_number = $2, updated_at = $3 WHERE loan_id = $1`, [fixed.loan_id, fixed.id_number.slice(0, 17) + checkCharacter(fixed.id_number), during(DAY2)]);
      const victim = (await db.query<{ loan_id: string }>(`SELECT loan_id FROM loans WHERE status = 'DISBURSED' ORDER BY loan_id LIMIT 1`))[0]!.loan_id;
      await db.query(`UPDATE loans SET status = 'APPROVED', updated_at = $2 WHERE loan_id = $1`, [victim, during(DAY2)]);
      const before = [...sandboxByKey(gateway.sandbox, gateway.appId).values()].filter((record) => record.order_no === victim);
      const second = await run(db, gateway, DAY2);
      const afterBug = [...sandboxByKey(gateway.sandbox, gateway.appId).values()].filter((record) => record.order_no === victim);
      expect(afterBug).toEqual(before); // Zhima still holds "disbursed"
      const open2 = await openQuarantine(db, gateway.appId);
      const victimKeys = [...open2.keys()].filter((key) => key.includes(victim));
      expect(victimKeys.length).toBe(before.length);
      for (const key of victimKeys) expect(open2.get(key)!.map((reason) => reason.rule)).toEqual(['disbursed-stays-disbursed']);
      expect([...open2.keys()].some((key) => key.includes(fixed.loan_id))).toBe(false);
      expect([...sandboxByKey(gateway.sandbox, gateway.appId).values()].filter((record) => record.order_no === fixed.loan_id).length).toBeGreaterThan(0);
      expect(second.totals.released).toBeGreaterThan(0);
      const resolved = await db.query<{ record_key: string; resolution: string }>(`SELECT record_key, resolution FROM feedback_quarantine WHERE resolved_at IS NOT NULL`);
      expect(resolved.filter((row) => row.record_key.includes(fixed.loan_id)).map((row) => row.resolution)).toContain('sent');

      // Day three: the bug is reverted: back to the reported version, so nothing is sent for it and the rows close as 'reverted'.
      await db.query(`UPDATE loans SET status = 'DISBURSED', updated_at = $2 WHERE loan_id = $1`, [victim, during(DAY3)]);
      gateway.sandbox.clearRecords({ appId: gateway.appId });
      const third = await run(db, gateway, DAY3);
      expect(sandboxByKey(gateway.sandbox, gateway.appId).size).toBe(0);
      expect(third.totals.released).toBe(victimKeys.length);
      const reverted = await db.query<{ record_key: string }>(`SELECT record_key FROM feedback_quarantine WHERE resolution = 'reverted'`);
      expect(sorted(reverted.map((row) => row.record_key))).toEqual(sorted(victimKeys));
    });

    it('a part the gateway refuses for its data (40004) is the only one not reported; the rest go on; result refused, exit 3', async () => {
      const db = await connected(await freshDatabase(kind.kind));
      await seedMerchantDay({ db, day: DAY1, dayIndex: 0, loans: 300 });
      const { all, badId } = await sourceKeys(db, DAY1);
      const target = JSON.parse([...all].filter((key) => !badId.has(key)).sort()[Math.floor(all.size / 3)]!)[0] as string;
      // A gateway stricter than the job's checks: it refuses any file holding the target loan.
      const refuseTarget: FieldCheck = ({ value }) => (value === target ? { rule: 'test-refusal', message: `order ${value} refused by the test gateway` } : undefined);
      const own = loanTemplateRules.order_no;
      const gateway = await testGateway({ rules: { ...loanTemplateRules, order_no: [...(own === undefined ? [] : Array.isArray(own) ? own : [own]), refuseTarget] } });
      const receipt = await run(db, gateway, DAY1);

      expect(receipt).toMatchObject({ result: 'refused', exitCode: 3, stoppedBy: null });
      const refused = receipt.parts.filter((part) => part.outcome === 'refused');
      expect(refused.length).toBeGreaterThanOrEqual(1);
      expect(receipt.parts.length - refused.length).toBeGreaterThan(1);
      expect(receipt.parts.every((part) => part.outcome === 'accepted' || part.outcome === 'refused')).toBe(true);
      for (const part of refused) expect(part.error).toMatchObject({ code: 'GATEWAY_ERROR', gatewayCode: '40004', subCode: expect.any(String) });
      const stored = sandboxByKey(gateway.sandbox, gateway.appId);
      expect([...stored.values()].some((record) => record.order_no === target)).toBe(false);
      expect(await ledgerByKey(db, gateway.appId)).toEqual(stored);
      const refusedRecords = refused.reduce((sum, part) => sum + part.records, 0);
      expect(stored.size).toBe(all.size - badId.size - refusedRecords);
      const [row] = await db.query<{ status: string; exit_code: number }>('SELECT status, exit_code FROM feedback_runs WHERE run_id = $1', [receipt.runId]);
      expect(row).toEqual({ status: 'partial', exit_code: 3 });

      // Accepted and refused parts alike carry the ids Alipay support asks for: the request id the
      // sandbox received and the trace id it answered, in the receipt and in the ledger.
      const uploads = gateway.sandbox.calls().filter((call) => call.method === 'zhima.data.batch.feedback');
      const idsByRequest = new Map(uploads.map((call) => [call.requestId, call.traceId]));
      expect(uploads).toHaveLength(receipt.parts.length);
      for (const part of receipt.parts) {
        expect(part.requestId).toEqual(expect.any(String));
        expect(part.traceId).toBe(idsByRequest.get(part.requestId!));
      }
      const ledgerIds = await db.query<{ trace_id: string; request_id: string }>('SELECT trace_id, request_id FROM feedback_parts WHERE run_id = $1 ORDER BY part_no', [receipt.runId]);
      expect(ledgerIds).toEqual(receipt.parts.map((part) => ({ trace_id: part.traceId, request_id: part.requestId })));
    });

    it('a gateway that stays busy (20000) stops the run: result failed, exit 1, and a later run may succeed', async () => {
      const db = await connected(await freshDatabase(kind.kind));
      await seedMerchantDay({ db, day: DAY1, dayIndex: 0, loans: 150 });
      const gateway = await testGateway({ faults: { seed: 1, unavailable: 1 } });
      const receipt = await run(db, gateway, DAY1, { attempts: 1 });
      expect(receipt).toMatchObject({ result: 'failed', exitCode: 1, stoppedBy: { gatewayCode: '20000', laterRunMaySucceed: true } });
      expect(receipt.parts).toHaveLength(1);
      expect(receipt.parts[0]).toMatchObject({ outcome: 'refused', attempts: 1, error: { gatewayCode: '20000' } });
      expect((await ledgerByKey(db, gateway.appId)).size).toBe(0);
      expect(gateway.sandbox.storedRecords({ appId: gateway.appId })).toHaveLength(0);
    });

    it('an answer that cannot be verified marks nothing reported (exit 5), and the next run resends those records', async () => {
      const db = await connected(await freshDatabase(kind.kind));
      const gateway = await testGateway();
      await seedMerchantDay({ db, day: DAY1, dayIndex: 0, loans: 150 });
      const stranger = await generateKeyPair();
      const forged = await run(db, gateway, DAY1, { client: { ...gateway.client, alipayPublicKey: stranger.publicKeyPem } });
      expect(forged).toMatchObject({ result: 'unverified', exitCode: 5, stoppedBy: { code: 'RESPONSE_UNVERIFIED', laterRunMaySucceed: false } });
      expect(forged.parts).toHaveLength(1); // the run stops at the first unverifiable answer
      expect(forged.parts[0]!.outcome).toBe('unverified');
      expect(gateway.sandbox.storedRecords({ appId: gateway.appId }).length).toBe(forged.parts[0]!.records); // it did arrive
      expect((await ledgerByKey(db, gateway.appId)).size).toBe(0); // but the ledger does not claim it
      const [part] = await db.query<{ outcome: string }>(`SELECT outcome FROM feedback_parts WHERE run_id = $1`, [forged.runId]);
      expect(part!.outcome).toBe('unverified');

      const honest = await run(db, gateway, DAY1);
      expect(honest.exitCode).toBe(0);
      expect(await ledgerByKey(db, gateway.appId)).toEqual(sandboxByKey(gateway.sandbox, gateway.appId));
      expect(honest.totals.unchanged).toBe(0);
    });
  });
});
