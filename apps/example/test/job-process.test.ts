import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { seedMerchantDay } from '../src/merchant/seed.js';
import { connected, DATABASE_KINDS, freshDatabase, titleOf } from './support/databases.js';
import { testGateway } from './support/gateway.js';
import { runJob, startJob } from './support/job-process.js';
import { sandboxByKey, sorted, sourceKeys } from './support/oracle.js';

const DAY = '2026-11-30';
const HOUR = 60 * 60 * 1000;

describe('the job as cron runs it (src/main.ts in a subprocess)', () => {
  describe.each(DATABASE_KINDS)('two runs at once on $kind', (kind) => {
    it.skipIf(kind.skipped !== '')(`${titleOf(kind)}: runs for one app never overlap; the one that finds the lock taken exits 75 (zhima send's LOCKED) and sends nothing`, async () => {
      const database = await freshDatabase(kind.kind);
      const db = await database.open();
      await seedMerchantDay({ db, day: DAY, dayIndex: 0, loans: 300 });
      const { all, badId } = await sourceKeys(db, DAY);
      await db.close();
      // Slow answers stretch the run over a few seconds, so the runs started together overlap.
      const gateway = await testGateway({ faults: { seed: 3, delay: 1, maxDelayMs: 300 } });
      const env = { ...database.env, ...gateway.env, EXAMPLE_MAX_FILE_BYTES: '15000' };
      const jobs = Array.from({ length: kind.kind === 'postgres' ? 3 : 2 }, () => startJob({ env, args: ['--day', DAY] }));
      const exits = await Promise.all(jobs.map((job) => job.exited));
      const codes = exits.map((exit) => exit.code).sort();
      expect(codes.filter((code) => code === 0).length, exits.map((exit) => exit.output).join('\n')).toBeGreaterThanOrEqual(1);
      expect(codes.every((code) => code === 0 || code === 75)).toBe(true);
      expect(codes).toContain(75);
      for (const exit of exits.filter((e) => e.code === 75)) expect(exit.output).toMatch(kind.kind === 'postgres' ? /Another feedback run for app \d+ is in progress/ : /database folder is in use by pid \d+/);

      const after = await connected(database);
      const runs = await after.query<{ started_at: Date; finished_at: Date; status: string }>(`SELECT started_at, finished_at, status FROM feedback_runs ORDER BY started_at`);
      for (let k = 1; k < runs.length; k++) expect(runs[k]!.started_at.getTime()).toBeGreaterThanOrEqual(runs[k - 1]!.finished_at.getTime());
      const [{ sent }] = (await after.query<{ sent: number }>(`SELECT coalesce(sum(records), 0)::int AS sent FROM feedback_parts`)) as [{ sent: number }];
      expect(sent).toBe(all.size - badId.size); // every record uploaded once, by one run
      expect(sorted(sandboxByKey(gateway.sandbox, gateway.appId).keys())).toEqual(sorted([...all].filter((key) => !badId.has(key))));
    });
  });

  it('reports yesterday in China time whatever the server zone, and prints no ID number unmasked', async () => {
    const database = await freshDatabase(DATABASE_KINDS[1]!.skipped ? 'pglite' : 'postgres');
    const db = await database.open();
    // A book seeded for the day before yesterday (China time), so yesterday's cut-off includes all of it.
    const chinaYesterday = () => new Date(Date.now() + 8 * HOUR - 24 * HOUR).toISOString().slice(0, 10);
    const before = chinaYesterday();
    await seedMerchantDay({ db, day: new Date(Date.parse(before) - 24 * HOUR).toISOString().slice(0, 10), dayIndex: 0, loans: 400 });
    const idNumbers = (await db.query<{ id_number: string }>('SELECT id_number FROM loans')).map((row) => row.id_number);
    await db.close();
    const gateway = await testGateway();
    const { code, output } = await runJob({ env: { ...database.env, ...gateway.env, TZ: 'America/Los_Angeles' } });
    const after = chinaYesterday();
    expect(code, output).toBe(0);
    const check = await connected(database);
    const [run] = await check.query<{ day: string }>(`SELECT reporting_day::text AS day FROM feedback_runs`);
    expect([before, after]).toContain(run!.day);
    expect(output).toContain(`for ${run!.day}`);
    expect(output).toMatch(/held back \["LN\d+","\d{4}-\d{2}"\]: 身份证号 "\d{3}\*{11}[\dX]{4}" 校验位错误/);
    for (const id of idNumbers) expect(output).not.toContain(id);
    expect(sandboxByKey(gateway.sandbox, gateway.appId).size).toBeGreaterThan(0);
  });

  it('refuses bad input before touching anything: exit 2 with the cause', async () => {
    const database = await freshDatabase(DATABASE_KINDS[1]!.skipped ? 'pglite' : 'postgres');
    const gateway = await testGateway();
    const env = { ...database.env, ...gateway.env };
    const todayInChina = new Date(Date.now() + 8 * HOUR).toISOString().slice(0, 10);
    const cases: [Record<string, string>, string[], RegExp][] = [
      [env, ['--day', '2026-02-30'], /--day must be a real date written yyyy-MM-dd/],
      [env, ['--day', todayInChina], /has not ended yet in China time/],
      [env, ['--since', 'yesterday'], /Unknown argument "--since"/],
      [database.env, [], /No gateway configured: set ZHIMA_APP_ID/],
      [{ ...env, ZHIMA_PRIVATE_KEY_FILE: '/nonexistent/app.pem' }, ['--day', DAY], /ZHIMA_PRIVATE_KEY_FILE "\/nonexistent\/app.pem" cannot be read \(ENOENT\)/],
      // No ZHIMA_GATEWAY: the production gateway, and this database holds the generated sample loans.
      [{ ...database.env, ZHIMA_APP_ID: env.ZHIMA_APP_ID!, ZHIMA_PRIVATE_KEY_FILE: env.ZHIMA_PRIVATE_KEY_FILE!, ZHIMA_ALIPAY_PUBLIC_KEY_FILE: env.ZHIMA_ALIPAY_PUBLIC_KEY_FILE! }, ['--day', DAY], /refusing to send them to the production gateway/],
    ];
    const results = await Promise.all(cases.map(([caseEnv, args]) => runJob({ env: caseEnv, args })));
    results.forEach((result, k) => {
      expect(result.code, result.output).toBe(2);
      expect(result.output).toMatch(cases[k]![2]);
      expect(result.output).not.toMatch(/\n\s+at /); // no stack trace
    });
    await sleep(0);
    expect(gateway.sandbox.storedRecords({ appId: gateway.appId })).toHaveLength(0);
  });
});
