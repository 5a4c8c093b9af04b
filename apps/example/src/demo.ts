// `pnpm demo`: several consecutive days of the T+1 job with nothing installed. An embedded PostgreSQL
// (PGlite, in a temporary folder) holds the sample loan book and the ledger; an embedded sandbox gateway on
// 127.0.0.1 enforces the loan template. Each day the sample loan system changes a little, and the job
// sends only what changed.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSandbox } from '@zhima/sandbox';
import { loanTemplateRules } from '@zhima/validator';
import { addDays, yesterdayInChina } from './china-time.js';
import { openPglite } from './database/pglite.js';
import { FEEDBACK_MIGRATIONS, migrate } from './database/migrate.js';
import { runFeedbackJob } from './job/daily-job.js';
import { formatReceipt } from './job/run-receipt.js';
import { MERCHANT_STAND_IN_MIGRATIONS, seedMerchantDay } from './merchant/seed.js';

const positive = (value: string | undefined, fallback: number) => (Number.isSafeInteger(Number(value)) && Number(value) > 0 ? Number(value) : fallback);
const days = positive(process.env.EXAMPLE_DAYS, 4);
const loans = positive(process.env.EXAMPLE_LOANS, 3000);
const folder = await mkdtemp(join(tmpdir(), 'zhima-demo-'));
const sandbox = await createSandbox({ rules: loanTemplateRules });
const server = await sandbox.listen({ host: '127.0.0.1', port: 0 });
const app = sandbox.apps[0]!;
const db = await openPglite({ dataDir: join(folder, 'db') });
let failed = false;
try {
  await migrate({ db, set: MERCHANT_STAND_IN_MIGRATIONS });
  await migrate({ db, set: FEEDBACK_MIGRATIONS });
  console.log(`zhima T+1 demo: ${days} days, ${db.description}, embedded sandbox ${server.gatewayUrl}, app ${app.appId}\n`);
  const first = addDays(yesterdayInChina(new Date()), 1 - days);
  for (let dayIndex = 0; dayIndex < days; dayIndex++) {
    const day = addDays(first, dayIndex);
    const seeded = await seedMerchantDay({ db, day, dayIndex, loans });
    console.log(
      dayIndex === 0
        ? `${day}: the loan system holds ${seeded.newLoans} loans (${seeded.disbursed} disbursed, ${seeded.repayments} instalments repaid, ${seeded.newlyOverdue} overdue)`
        : `${day}: ${seeded.newLoans} new applications, ${seeded.disbursed} disbursed, ${seeded.withdrawn} withdrawn, ${seeded.repayments} repayments, ${seeded.newlyOverdue} newly overdue, ${seeded.agedOverdue} overdue aged a day, ${seeded.idNumbersFixed} ID number fixed, ${seeded.statusErrors} status set back by a bug, ${seeded.touchedUnchanged} rows touched without a reported change`,
    );
    const receipt = await runFeedbackJob({
      db,
      client: { appId: app.appId, privateKey: app.privateKey!, alipayPublicKey: sandbox.alipayPublicKey, gateway: server.gatewayUrl },
      gateway: server.gatewayUrl,
      reportingDay: day,
      // Small files show the splitting; the real bound is the gateway's 50 MB.
      maxFileBytes: positive(process.env.EXAMPLE_MAX_FILE_BYTES, 1024 * 1024),
      log: () => {},
    });
    for (const line of formatReceipt(receipt)) console.log(line);
    console.log(`  the sandbox now holds ${sandbox.storedRecords({ appId: app.appId }).length} records\n`);
    failed ||= receipt.exitCode !== 0;
  }
  console.log(`The ledger is in the feedback_* tables (runs, parts, reported, quarantine); see apps/example/README.md.`);
} finally {
  await db.close();
  await server.close();
  await rm(folder, { recursive: true, force: true });
}
process.exitCode = failed ? 1 : 0;
