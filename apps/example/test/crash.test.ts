import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { Database } from '../src/database/database.js';
import { runFeedbackJob } from '../src/job/daily-job.js';
import { seedMerchantDay } from '../src/merchant/seed.js';
import { DATABASE_KINDS, freshDatabase, titleOf, type DatabaseKind } from './support/databases.js';
import { testGateway, type TestGateway } from './support/gateway.js';
import { runJob, startJob } from './support/job-process.js';
import { ledgerByKey, sandboxByKey, sorted, sourceKeys } from './support/oracle.js';

const DAY = '2026-11-30';
const MAX_FILE_BYTES = 15_000; // ~40 records a part: a run of ~20 parts
// The server is quick to open, so it gets the full 20 cycles; each PGlite cycle opens the folder twice (WebAssembly start).
const CYCLES: Record<DatabaseKind, number> = { postgres: 20, pglite: 5 };

/** Draws in [0, 1), fixed by the seed and the draw number: the kill points are random but the same on every run. */
function seeded(seed: number): () => number {
  let draw = 0;
  return () => createHash('sha256').update(`${seed}:${draw++}`).digest().readUInt32BE(0) / 2 ** 32;
}

/** The ledger never claims more than the gateway holds: every reported record is in the sandbox, in that very version. */
async function expectLedgerWithinSandbox(db: Database, gateway: TestGateway): Promise<number> {
  const ledger = await ledgerByKey(db, gateway.appId);
  const stored = sandboxByKey(gateway.sandbox, gateway.appId);
  for (const [key, record] of ledger) expect(stored.get(key), key).toEqual(record);
  return ledger.size;
}

/** A killed client's server session ends when the server next reads its socket; until then it holds the run lock. */
async function serverSessionGone(db: Database, kind: DatabaseKind): Promise<void> {
  if (kind !== 'postgres') return;
  for (let waited = 0; waited < 10_000; waited += 20) {
    const [row] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND pid <> pg_backend_pid()`);
    if (row!.n === 0) return;
    await sleep(20);
  }
  throw new Error('the killed run still holds its advisory lock after 10 s');
}

async function expectAgreement(db: Database, gateway: TestGateway, expected: string[]): Promise<void> {
  const stored = sandboxByKey(gateway.sandbox, gateway.appId);
  expect(sorted(stored.keys())).toEqual(expected);
  expect(await ledgerByKey(db, gateway.appId)).toEqual(stored);
}

describe.each(DATABASE_KINDS)('kill -9 during a multi-part run on $kind', (kind) => {
  it.skipIf(kind.skipped !== '')(`${titleOf(kind)}: after every kill the ledger is within what the gateway holds, and a rerun makes them agree record for record`, { timeout: 300_000 }, async () => {
    const database = await freshDatabase(kind.kind);
    const gateway = await testGateway({ faults: { seed: 7, delay: 0.5, maxDelayMs: 60 } });
    const env = { ...database.env, ...gateway.env, EXAMPLE_MAX_FILE_BYTES: String(MAX_FILE_BYTES) };
    let db = await database.open();
    // PGlite: the job's subprocess needs the folder, so the test closes it while the job runs.
    const release = async () => {
      if (kind.kind === 'pglite') await db.close();
    };
    const reopen = async () => {
      if (kind.kind === 'pglite') db = await database.open();
    };
    try {
      await seedMerchantDay({ db, day: DAY, dayIndex: 0, loans: 300 });
      const { all, badId } = await sourceKeys(db, DAY);
      const expected = sorted([...all].filter((key) => !badId.has(key)));
      const reset = async () => {
        await db.exec('TRUNCATE feedback_reported, feedback_quarantine, feedback_parts, feedback_runs');
        gateway.sandbox.clearRecords({ appId: gateway.appId });
      };

      // A whole run, uninterrupted, as a subprocess: it sets the window the kills are drawn from.
      await release();
      const started = Date.now();
      const whole = await runJob({ env, args: ['--day', DAY, '--json'] });
      const window = Date.now() - started;
      expect(whole.code, whole.output).toBe(0);
      await reopen();
      await expectAgreement(db, gateway, expected);
      const parts = (JSON.parse(whole.output) as { parts: unknown[] }).parts.length;
      expect(parts).toBeGreaterThan(10);

      const random = seeded(14);
      const seen = { beforeAnyPart: 0, midRun: 0, afterTheEnd: 0 };
      for (let cycle = 0; cycle < CYCLES[kind.kind]; cycle++) {
        await reset();
        await release();
        const job = startJob({ env, args: ['--day', DAY, '--json'] });
        let running = true;
        void job.exited.then(() => (running = false));
        if (cycle % 2 === 0) {
          // Anywhere in the process's life: start-up, migrations, the lock, reading, uploads, the receipt.
          await sleep(Math.floor(random() * window));
        } else {
          // During the uploads: once the gateway holds a random share of the records, then a little later
          // (the sandbox answers up to 60 ms after storing: kills land between the two as well).
          const target = 1 + Math.floor(random() * (expected.length - 1));
          while (running && gateway.sandbox.storedRecords({ appId: gateway.appId }).length < target) await sleep(5);
          await sleep(Math.floor(random() * 40));
        }
        job.child.kill('SIGKILL');
        const exit = await job.exited;
        await reopen();
        await serverSessionGone(db, kind.kind);

        const reportedAtKill = await expectLedgerWithinSandbox(db, gateway);
        const storedAtKill = gateway.sandbox.storedRecords({ appId: gateway.appId }).length;
        if (exit.signal !== 'SIGKILL') seen.afterTheEnd++;
        else if (storedAtKill === 0) seen.beforeAnyPart++;
        else seen.midRun++;

        // The rerun (the job's own code, in this process) closes the killed run and sends what is missing.
        const receipt = await runFeedbackJob({ db, client: gateway.client, gateway: gateway.url, reportingDay: DAY, maxFileBytes: MAX_FILE_BYTES, log: () => {} });
        expect(receipt.exitCode, `cycle ${cycle}`).toBe(0);
        expect(receipt.totals.unchanged, `cycle ${cycle}`).toBe(reportedAtKill);
        await expectAgreement(db, gateway, expected);
        const leftOpen = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM feedback_runs WHERE status = 'running'`);
        expect(leftOpen[0]!.n).toBe(0);
        const sending = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM feedback_parts WHERE outcome = 'sending'`);
        expect(sending[0]!.n).toBe(0);
      }
      // The seeded kill points land before, during and (sometimes) after the uploads.
      expect(seen.midRun, JSON.stringify(seen)).toBeGreaterThan(CYCLES[kind.kind] / 4);
    } finally {
      await db.close().catch(() => {});
    }
  });
});
