import { basename, resolve } from 'node:path';
import { batchFeedbackCall, createClient, GatewayError, type AttemptEvent, type BatchFeedbackInput } from '@zhima/core';
import type { UploadProgress } from '@zhima/core/internal';
import { createUndiciTransport } from '@zhima/transport/undici';
import { COMMON_OPTIONS, GATEWAY_OPTIONS, parseCommandArgs, positiveInteger } from '../args.js';
import { loadConfigFile } from '../config/config-file.js';
import { resolveGatewayConfig, type GatewayConfig } from '../config/gateway-config.js';
import { resolveRecordsConfig, type RecordsConfig } from '../config/records-config.js';
import { EXIT, type CliIo } from '../io.js';
import { formatError } from '../output/format-error.js';
import { formatReport } from '../output/format-report.js';
import { createProgressBar, formatBytes } from '../output/progress-bar.js';
import { collectSources, type InputSource } from '../records/input-source.js';
import { validateSource } from '../records/validate-source.js';
import { UsageError } from '../usage-error.js';
import { describeRequest } from '../upload/describe-request.js';
import { DEFAULT_JOURNAL_NAME, openJournal, type Journal } from '../upload/journal.js';
import type { SplitBounds } from '../upload/split-records-file.js';
import { uploadParts, type UploadPart } from '../upload/upload-parts.js';

/**
 * `zhima send --help`.
 *
 * @example
 * ```ts
 * io.stdout.write(SEND_USAGE);
 * ```
 */
export const SEND_USAGE = `Usage: zhima send <file|folder|-> [more…] --columns a,b,c --primary-key a,b [options]

Validates every input, splits what is over the size bound, uploads each file to
zhima.data.batch.feedback (retrying transient failures), and records accepted files in a journal so
that a rerun after an interruption sends only what is left. Nothing is sent if any input is invalid
or holds no records. One run at a time per journal: the run holds <journal>.lock (its pid, host and
start time) until it ends; a lock left by a killed run on this host is taken over with a notice.

Exit codes: 0 every file accepted (or already in the journal), 1 a file invalid or refused, or the
run interrupted, 2 usage or setup error (flags, configuration, a journal that is not one),
75 another zhima send holds the journal: nothing was done, run again once it has finished.

Options:
  --columns <list>            the template's field codes, comma-separated
  --primary-key <list>        the primary key columns
  --template loan             the common loan template (columns, primary key, field rules)
  --file-charset <name>       UTF-8 (default) or GBK
  --max-file-bytes <n>        split bound per uploaded file (default 52428800, 50 MiB)
  --max-records-per-file <n>  also split by record count
  --attempts <n>              attempts per file, the first included (default 5)
  --journal <file>            journal path (default .zhima-journal.json next to the first input)
  --dry-run                   build and print the signed requests; send nothing
  --app-id, --private-key-file, --alipay-public-key-file, --gateway, --sign-type, --charset
                              override ZHIMA_APP_ID, ZHIMA_PRIVATE_KEY_FILE, ZHIMA_ALIPAY_PUBLIC_KEY_FILE,
                              ZHIMA_GATEWAY, ZHIMA_SIGN_TYPE, ZHIMA_CHARSET and zhima.config.json
  --app-cert-file, --alipay-root-cert-file, --alipay-cert-file
                              certificate mode (ZHIMA_APP_CERT_FILE, ZHIMA_ALIPAY_ROOT_CERT_FILE,
                              ZHIMA_ALIPAY_CERT_FILE) instead of the Alipay public key
  --config <file>             config file (default ./zhima.config.json)
  -h, --help                  this help

Example:
  ZHIMA_APP_ID=2021000000000001 ZHIMA_PRIVATE_KEY_FILE=app_private_key.pem \\
  ZHIMA_ALIPAY_PUBLIC_KEY_FILE=alipay_public_key.pem zhima send out/ --template loan
`;

const OPTIONS = {
  ...COMMON_OPTIONS,
  ...GATEWAY_OPTIONS,
  columns: { type: 'string' },
  'primary-key': { type: 'string' },
  template: { type: 'string' },
  'file-charset': { type: 'string' },
  'max-file-bytes': { type: 'string' },
  'max-records-per-file': { type: 'string' },
  attempts: { type: 'string' },
  journal: { type: 'string' },
  'dry-run': { type: 'boolean' },
} as const;

const DEFAULT_MAX_FILE_BYTES = 50 * 1024 * 1024;
const DEFAULT_ATTEMPTS = 5;

/**
 * What `zhima send` did, for the summary and for tests.
 *
 * @example
 * ```ts
 * const summary: SendSummary = { parts: 3, sent: 2, skipped: 1, failed: 0, recordsSent: 20000, bytesSent: 3_600_000 };
 * ```
 */
export interface SendSummary {
  parts: number;
  sent: number;
  /** Already accepted according to the journal. */
  skipped: number;
  failed: number;
  recordsSent: number;
  bytesSent: number;
}

function describeAttempt(event: AttemptEvent): string | undefined {
  if (event.outcome !== 'retry' || event.error === undefined) return undefined;
  const { code, reason, subCode, message } = event.error;
  return `  attempt ${event.attempt} failed (${[code, reason, subCode].filter(Boolean).join(' ')}: ${message}); retrying in ${event.delayMs} ms\n`;
}

// A 40004 answer is about this file's data; anything else (signature, app, network exhausted) would
// fail every following file the same way, so the run stops there.
function failsOnlyThisFile(error: unknown): boolean {
  return GatewayError.isInstance(error) && error.gatewayCode === '40004';
}

async function validateAll({ sources, records, io }: { sources: InputSource[]; records: RecordsConfig; io: CliIo }): Promise<Map<InputSource, number> | undefined> {
  const counts = new Map<InputSource, number>();
  let allValid = true;
  for (const source of sources) {
    // The size bound is handled by splitting, so only the other rules decide here.
    const report = await validateSource({ source, records, maxFileBytes: Number.MAX_SAFE_INTEGER, io });
    if (report.ok) {
      counts.set(source, report.recordCount);
      io.stderr.write(`valid    ${source.name}: ${report.recordCount} records, ${formatBytes(report.bytes)}\n`);
    } else {
      allValid = false;
      io.stdout.write(formatReport({ name: source.name, report }));
    }
  }
  return allValid ? counts : undefined;
}

/**
 * `zhima send`: validate, split, upload with retries and a journal, summarise; resolves to the exit code.
 *
 * @example
 * ```ts
 * const code = await sendCommand({ args: ['out/', '--template', 'loan'], io });
 * ```
 */
export async function sendCommand({ args, io }: { args: string[]; io: CliIo }): Promise<number> {
  const { values, positionals } = parseCommandArgs({ args, options: OPTIONS, usage: SEND_USAGE });
  if (values.help) {
    io.stdout.write(SEND_USAGE);
    return EXIT.OK;
  }
  if (positionals.length === 0) throw new UsageError({ message: 'Give the files or folders to send (or - for standard input).', hint: SEND_USAGE });
  const dryRun = values['dry-run'] === true;
  const file = await loadConfigFile({ path: values.config, io });
  const records = resolveRecordsConfig({ flags: values, file });
  const gateway = await resolveGatewayConfig({ flags: values, file, io, needsAlipayPublicKey: !dryRun });
  const bounds: SplitBounds = {
    maxFileBytes: positiveInteger({ value: values['max-file-bytes'], flag: '--max-file-bytes' }) ?? DEFAULT_MAX_FILE_BYTES,
    maxRecordsPerFile: positiveInteger({ value: values['max-records-per-file'], flag: '--max-records-per-file' }),
  };
  const attempts = positiveInteger({ value: values.attempts, flag: '--attempts' }) ?? DEFAULT_ATTEMPTS;
  const firstPath = positionals.find((input) => input !== '-');
  const journalPath = resolve(io.cwd, values.journal ?? (firstPath === undefined ? DEFAULT_JOURNAL_NAME : resolve(io.cwd, firstPath, '..', DEFAULT_JOURNAL_NAME)));

  // Locked before any work, so a second run stops at once instead of after validating everything.
  const journal = dryRun ? undefined : await openJournal({ path: journalPath, onNotice: (text) => void io.stderr.write(`notice: ${text}\n`) });
  try {
    const sources = await collectSources({ inputs: positionals, io, exclude: [DEFAULT_JOURNAL_NAME, basename(journalPath)] });
    const counts = await validateAll({ sources, records, io });
    if (counts === undefined) {
      io.stderr.write('Nothing was sent: fix the files above first.\n');
      return EXIT.FAILED;
    }
    return await uploadAll({ sources, counts, records, gateway, bounds, attempts, journal, io });
  } finally {
    await journal?.close();
  }
}

async function uploadAll({
  sources,
  counts,
  records,
  gateway,
  bounds,
  attempts,
  journal,
  io,
}: {
  sources: InputSource[];
  counts: Map<InputSource, number>;
  records: RecordsConfig;
  gateway: GatewayConfig;
  bounds: SplitBounds;
  attempts: number;
  /** Absent for a dry run. */
  journal: Journal | undefined;
  io: CliIo;
}): Promise<number> {
  const transport = createUndiciTransport();
  const { certificates, alipayPublicKey, ...identity } = gateway;
  const client = createClient({
    ...identity,
    // A dry run verifies nothing; the client parses this key only when an answer arrives.
    ...(certificates === undefined ? { alipayPublicKey: alipayPublicKey ?? '' } : { certificates }),
    transport,
    retry: { attempts, onAttempt: (event) => void io.stderr.write(describeAttempt(event) ?? '') },
  });
  const summary: SendSummary = { parts: 0, sent: 0, skipped: 0, failed: 0, recordsSent: 0, bytesSent: 0 };
  const started = Date.now();
  try {
    outer: for (const source of sources) {
      for await (const part of uploadParts({ source, recordCount: counts.get(source)!, records, bounds })) {
        summary.parts++;
        const input: BatchFeedbackInput = {
          file: part.content,
          fileName: part.fileName,
          columns: records.columns,
          primaryKeyColumns: records.primaryKeyColumns,
          records: part.records,
          fileCharset: records.fileCharset,
        };
        if (journal === undefined) {
          io.stdout.write(`# ${part.fileName} (${part.records} records, ${formatBytes(part.size)}, sha256 ${part.hash})\n`);
          io.stdout.write(describeRequest({ built: await client.buildSignedRequest(batchFeedbackCall(input)) }));
          continue;
        }
        const { outcome, error } = await sendPart({ part, input, client, journal, gateway, io });
        summary[outcome]++;
        if (outcome === 'sent') {
          summary.recordsSent += part.records;
          summary.bytesSent += part.size;
        }
        if (outcome === 'failed' && (io.signal?.aborted || !failsOnlyThisFile(error))) break outer;
      }
    }
  } finally {
    await transport.close();
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (journal === undefined) {
    io.stdout.write(`Dry run: ${summary.parts} requests built, nothing sent.\n`);
    return EXIT.OK;
  }
  io.stdout.write(
    `Summary: ${summary.parts} files: ${summary.sent} sent, ${summary.skipped} already accepted (journal), ${summary.failed} failed; ` +
      `${summary.recordsSent} records (${formatBytes(summary.bytesSent)}) sent in ${seconds} s\nJournal: ${journal.path}\n`,
  );
  if (summary.failed > 0) io.stdout.write('Run the same command again to send what is left: accepted files are skipped.\n');
  return summary.failed === 0 ? EXIT.OK : EXIT.FAILED;
}

async function sendPart({
  part,
  input,
  client,
  journal,
  gateway,
  io,
}: {
  part: UploadPart;
  input: BatchFeedbackInput;
  client: ReturnType<typeof createClient>;
  journal: Journal;
  gateway: { appId: string; gateway: string };
  io: CliIo;
}): Promise<{ outcome: 'sent' | 'skipped' | 'failed'; error?: unknown }> {
  const label = `${part.fileName} (${part.records} records, ${formatBytes(part.size)})`;
  if (journal.isAccepted({ hash: part.hash, appId: gateway.appId, gateway: gateway.gateway })) {
    io.stdout.write(`skipped  ${label}: accepted in an earlier run\n`);
    return { outcome: 'skipped' };
  }
  const bar = createProgressBar({ stream: io.stderr, label: `upload ${part.fileName}`, total: part.size });
  try {
    const options = { onUploadProgress: ({ sentBytes, totalBytes }: UploadProgress) => bar.update({ done: sentBytes, total: totalBytes }), ...(io.signal ? { signal: io.signal } : {}) };
    const result = await client.batchFeedback(input, options);
    bar.finish();
    await journal.markAccepted(part.hash, {
      source: part.source,
      part: part.part,
      records: part.records,
      bytes: part.size,
      appId: gateway.appId,
      gateway: gateway.gateway,
      acceptedAt: new Date().toISOString(),
    });
    io.stdout.write(`sent     ${label}: ${result.code} ${result.msg}\n`);
    return { outcome: 'sent' };
  } catch (error) {
    bar.finish();
    io.stdout.write(`FAILED   ${label}\n`);
    io.stderr.write(formatError(error));
    return { outcome: 'failed', error };
  }
}
