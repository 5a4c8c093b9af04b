import { createClient, formatTimestamp, PRODUCTION_GATEWAY, ZhimaError } from '@zhima/core';
import { createUndiciTransport } from '@zhima/transport/undici';
import { createRecordsFileWriter, loanTemplate, validateRecords } from '@zhima/validator';
import { connect } from './connect.js';
import { toTemplateRecord } from './loan-template.js';
import { loanRecordProblems, type QuarantinedRecord } from './quarantine.js';
import { sampleLoans } from './sample-loans.js';

/**
 * What happened to one uploaded file.
 *
 * @example
 * ```ts
 * const result: FileResult = { fileName: 'loan-2025-03-01-001.json', records: 3518, bytes: 1_048_000, outcome: 'accepted', detail: '10000 Success', ms: 120 };
 * ```
 */
export interface FileResult {
  fileName: string;
  records: number;
  bytes: number;
  outcome: 'accepted' | 'invalid' | 'failed';
  detail: string;
  ms: number;
}

/**
 * The job's outcome.
 *
 * @example
 * ```ts
 * const { ok, recordsAccepted }: JobSummary = await runDailyJob({ env: process.env, log: console.log });
 * ```
 */
export interface JobSummary {
  day: string;
  files: FileResult[];
  recordsAccepted: number;
  /** Records held back by the template rules before writing: fix them at the source and send them tomorrow. */
  quarantined: QuarantinedRecord[];
  /** Against the embedded sandbox: how many records it holds afterwards (each primary key once). */
  sandboxRecords: number | undefined;
  ok: boolean;
}

type Env = Record<string, string | undefined>;

const SHOWN_HELD = 5;

/**
 * Yesterday in China time (UTC+8), the day a T+1 job reports.
 *
 * @example
 * ```ts
 * yesterdayInChina(new Date('2025-03-01T17:30:00Z')); // '2025-03-01' (it is already 2 March in China)
 * ```
 */
export function yesterdayInChina(now: Date): string {
  return formatTimestamp(new Date(now.getTime() - 24 * 60 * 60 * 1000)).slice(0, 10);
}

function positive(value: string | undefined, fallback: number): number {
  const number = Number(value);
  return Number.isSafeInteger(number) && number > 0 ? number : fallback;
}

/**
 * The daily T+1 job: load yesterday's changed loans, map them to the loan template, hold back records
 * the template rules reject, write files split at the size bound, validate each file, upload each
 * (retries on), and report per file and in sum.
 *
 * @example
 * ```ts
 * const summary = await runDailyJob({ env: process.env, log: (line) => console.log(line) });
 * process.exitCode = summary.ok ? 0 : 1;
 * ```
 */
export async function runDailyJob({ env, log, now = new Date() }: { env: Env; log: (line: string) => void; now?: Date }): Promise<JobSummary> {
  const connection = await connect({ env });
  const embedded = connection.sandbox !== undefined;
  // Small files in the demo show the splitting; the real bound is the documented 50 MB.
  const maxFileBytes = positive(env.EXAMPLE_MAX_FILE_BYTES, embedded ? 1024 * 1024 : 50 * 1024 * 1024);
  const count = positive(env.EXAMPLE_RECORDS, 20_000);
  const day = yesterdayInChina(now);
  if (!embedded && connection.client.gateway === PRODUCTION_GATEWAY) {
    await connection.close();
    throw new Error('Refusing to send generated sample data to the production gateway: set ZHIMA_GATEWAY (e.g. the Alipay sandbox) or replace sampleLoans() with your data.');
  }
  log(`zhima daily feedback for ${day}: ${connection.description}`);

  const transport = createUndiciTransport();
  const client = createClient({ ...connection.client, transport, retry: { attempts: 5 } });
  const writer = createRecordsFileWriter({ columns: loanTemplate.columns, primaryKeyColumns: loanTemplate.primaryKeyColumns, maxFileBytes });
  const files: FileResult[] = [];
  const quarantined: QuarantinedRecord[] = [];
  try {
    const records = sampleLoans({ day, count }).map(toTemplateRecord);
    const clean = records.filter((record, recordIndex) => {
      const problems = loanRecordProblems({ record, recordIndex });
      if (problems.length > 0) quarantined.push({ orderNo: record.order_no!, problems });
      return problems.length === 0;
    });
    for (const held of quarantined.slice(0, SHOWN_HELD)) log(`  held     ${held.orderNo}: ${held.problems.join('; ')}`);
    if (quarantined.length > SHOWN_HELD) log(`  held     … and ${quarantined.length - SHOWN_HELD} more`);
    for await (const file of writer.files(clean)) {
      const fileName = `loan-${day}-${String(file.index + 1).padStart(3, '0')}.json`;
      const started = Date.now();
      const result = { fileName, records: file.records, bytes: file.bytes.length };
      const report = await validateRecords(file.bytes, { ...loanTemplate, records: file.records });
      if (!report.ok) {
        files.push({ ...result, outcome: 'invalid', detail: report.issues.slice(0, 3).map((issue) => issue.message).join('; '), ms: Date.now() - started });
      } else {
        try {
          const answer = await client.batchFeedback({ file: file.bytes, fileName, columns: loanTemplate.columns, primaryKeyColumns: loanTemplate.primaryKeyColumns, records: file.records, fileCharset: file.fileCharset });
          files.push({ ...result, outcome: 'accepted', detail: `${answer.code} ${answer.msg}`, ms: Date.now() - started });
        } catch (error) {
          const hint = ZhimaError.isInstance(error) && error.hint ? ` (${error.hint})` : '';
          files.push({ ...result, outcome: 'failed', detail: `${(error as Error).message}${hint}`, ms: Date.now() - started });
        }
      }
      const last = files.at(-1)!;
      log(`  ${last.outcome.padEnd(8)} ${fileName}  ${String(last.records).padStart(6)} records  ${(last.bytes / 1024).toFixed(0).padStart(6)} KiB  ${String(last.ms).padStart(5)} ms  ${last.detail}`);
    }
  } finally {
    await transport.close();
  }
  const accepted = files.filter((file) => file.outcome === 'accepted');
  const recordsAccepted = accepted.reduce((sum, file) => sum + file.records, 0);
  const sandboxRecords = connection.sandbox?.records(connection.client.appId).length;
  await connection.close();
  const ok = accepted.length === files.length;
  log(
    `summary: ${accepted.length}/${files.length} files accepted, ${recordsAccepted}/${count} records, ${quarantined.length} held back` +
      `${sandboxRecords === undefined ? '' : `; the sandbox holds ${sandboxRecords} records`}`,
  );
  return { day, files, recordsAccepted, quarantined, sandboxRecords, ok };
}
