// The cron entry point of a merchant's T+1 job: `tsx src/main.ts [--day yyyy-MM-dd] [--json]`.
// Reports yesterday (China time) unless --day says otherwise. Exit codes: `zhima send`'s (EXIT of @zhima/cli).
import { CliError, EXIT, UsageError } from '@zhima/cli';
import { PRODUCTION_GATEWAY } from '@zhima/core';
import { chinaDay, isDay, yesterdayInChina } from './china-time.js';
import { gatewayFromEnv } from './connect.js';
import type { Database } from './database/database.js';
import { openDatabase } from './database/open-database.js';
import { FolderLockedError } from './database/folder-lock.js';
import { FEEDBACK_MIGRATIONS, migrate } from './database/migrate.js';
import { runFeedbackJob, RunLockedError } from './job/daily-job.js';
import { formatReceipt } from './job/run-receipt.js';

const USAGE = 'usage: main.ts [--day yyyy-MM-dd] [--json]   (env: ZHIMA_APP_ID, ZHIMA_PRIVATE_KEY_FILE, ZHIMA_ALIPAY_PUBLIC_KEY_FILE, ZHIMA_GATEWAY; DATABASE_URL or EXAMPLE_PGLITE_DIR)';

function parseArgs(argv: readonly string[], now: Date): { day: string; json: boolean } {
  let day: string | undefined;
  let json = false;
  for (let k = 0; k < argv.length; k++) {
    const arg = argv[k]!;
    if (arg === '--json') json = true;
    else if (arg === '--day') day = argv[++k];
    else if (arg.startsWith('--day=')) day = arg.slice('--day='.length);
    else throw new UsageError({ message: `Unknown argument ${JSON.stringify(arg)}. ${USAGE}` });
  }
  if (day === undefined) return { day: yesterdayInChina(now), json };
  if (!isDay(day)) throw new UsageError({ message: `--day must be a real date written yyyy-MM-dd, got ${JSON.stringify(day ?? '')}.` });
  const today = chinaDay(now);
  if (day >= today) throw new UsageError({ message: `--day ${day} has not ended yet in China time (today there is ${today}): a T+1 run reports a finished day.` });
  return { day, json };
}

async function holdsSampleData(db: Database): Promise<boolean> {
  const rows = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM schema_migrations WHERE id LIKE 'merchant-stand-in/%'`);
  return rows[0]!.n > 0;
}

const positive = (value: string | undefined, fallback: number) => (Number.isSafeInteger(Number(value)) && Number(value) > 0 ? Number(value) : fallback);

async function main(): Promise<number> {
  const { day, json } = parseArgs(process.argv.slice(2), new Date());
  const settings = await gatewayFromEnv({ env: process.env });
  if (settings === undefined) throw new UsageError({ message: `No gateway configured: set ZHIMA_APP_ID and the keys (see README), or run \`pnpm demo\` for the embedded sandbox. ${USAGE}` });
  const db = await openDatabase({ env: process.env });
  try {
    await migrate({ db, set: FEEDBACK_MIGRATIONS });
    if (settings.gateway === PRODUCTION_GATEWAY && (await holdsSampleData(db))) {
      throw new UsageError({ message: 'This database holds the generated sample loans (merchant-stand-in migrations): refusing to send them to the production gateway.', hint: 'Point DATABASE_URL at your own database, or ZHIMA_GATEWAY at a sandbox.' });
    }
    const receipt = await runFeedbackJob({
      db,
      client: settings.client,
      gateway: settings.gateway,
      reportingDay: day,
      maxFileBytes: positive(process.env.EXAMPLE_MAX_FILE_BYTES, 50 * 1024 * 1024),
      log: json ? () => {} : (line) => console.log(line),
    });
    console.log(json ? JSON.stringify(receipt) : formatReceipt(receipt).join('\n'));
    return receipt.exitCode;
  } finally {
    await db.close();
  }
}

try {
  process.exitCode = await main();
} catch (error) {
  const hint = error instanceof CliError && error.hint ? `\n  hint: ${error.hint}` : '';
  console.error(`zhima feedback job: ${(error as Error).message}${hint}`);
  process.exitCode = error instanceof CliError ? error.exitCode : error instanceof RunLockedError || error instanceof FolderLockedError ? EXIT.LOCKED : EXIT.FAILED;
}
