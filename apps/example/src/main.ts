import { runDailyJob } from './daily-job.js';

// The cron entry point of a merchant's T+1 job. No configuration: an embedded sandbox; with ZHIMA_* set: that gateway.
try {
  const summary = await runDailyJob({ env: process.env, log: (line) => console.log(line) });
  process.exitCode = summary.ok ? 0 : 1;
} catch (error) {
  console.error(`daily feedback failed: ${(error as Error).message}`);
  process.exitCode = 1;
}
