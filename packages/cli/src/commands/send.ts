import { stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { batchFeedbackCall, createClient } from '@zhima/core';
import { COMMON_OPTIONS, GATEWAY_OPTIONS, parseCommandArgs, positiveInteger, RECORDS_OPTIONS, secondsAsMs } from '../args.js';
import { DEFAULT_CONFIG_FILE, loadConfigFile, type ConfigFile } from '../config/config-file.js';
import { resolveGatewayConfig, type GatewayConfig } from '../config/gateway-config.js';
import { resolveRecordsConfig, type RecordsConfig } from '../config/records-config.js';
import { EXIT, type CliIo } from '../io.js';
import { formatBytes } from '../output/progress-bar.js';
import { collectSources, type InputSource } from '../records/input-source.js';
import { UsageError } from '../usage-error.js';
import { describeRequest } from '../upload/describe-request.js';
import { GATEWAY_MAX_FILE_BYTES } from '../upload/failure-advice.js';
import { DEFAULT_JOURNAL_DIR, openJournal } from '../upload/journal.js';
import { runSend, type SendSettings } from '../upload/run-send.js';
import { uploadParts, type SplitBounds } from '../upload/upload-parts.js';
import { validateInputs, withStdinSpool } from '../upload/validate-inputs.js';

/**
 * `zhima send --help`.
 *
 * @example
 * ```ts
 * io.stdout.write(SEND_USAGE);
 * ```
 */
export const SEND_USAGE = `Usage: zhima send <file|folder|-> [more…] --columns a,b,c --primary-key a,b [options]

Validates every input, splits what is over the size bound, uploads each part to
zhima.data.batch.feedback (retrying transient failures), and records how each part ended in a
journal, so that a rerun after an interruption sends only what is left. Nothing is sent if any input
is invalid or holds no records, unless --hold-back: then records that fail template rules or
record checks (and every copy of a repeated primary key) are held back to
<journal>/quarantine/<runId>.jsonl and the rest is sent; file-level problems still stop the file. The journal is a folder beside the inputs (.zhima-journal in the
folder given, or in the first file's folder); it holds journal.json, journal.lock (one run at a time)
and receipts/, one run receipt per run (the same document --json prints).

Exit codes (a scheduler can alert on each):
  0  every part accepted (or accepted in an earlier run)
  1  the run failed or stopped early (network, gateway busy, a signature or app error, Ctrl-C)
  2  usage or setup error (flags, configuration, a journal that is not one): nothing done
  3  the gateway refused one or more parts for their data (40004); every other part was accepted
  4  nothing was sent: an input is invalid or empty
  5  an answer could not be verified: the gateway may have accepted the part (check the Alipay public key)
  6  --hold-back: every part was accepted, and records were held back (fix them from the quarantine file)
  75 another zhima send holds the journal: nothing was done, run again once it has finished

Options:
  --columns <list>            the template's field codes, comma-separated
  --primary-key <list>        the primary key columns
  --template loan             the common loan template (columns, primary key, field rules)
  --file-charset <name>       the records files' charset: UTF-8 (default) or GBK
  --max-issues <n>            issues kept per invalid input's report (default 1000)
  --sensitive-fields <list>   more fields whose values are masked in reports
  --max-file-bytes <n>        split bound per uploaded part (default and most 52428800, the gateway's limit)
  --max-records-per-file <n>  also split by record count
  --attempts <n>              attempts per part, the first included (default 5)
  --timeout <seconds>         give up on an attempt when nothing moves for this long (default 60)
  --answer-timeout <seconds>  wait this long for the answer once a part is handed to the network
                              (default 120, or --timeout if longer; more for big parts still in
                              the socket buffers, which cannot be watched)
  --retry-deadline <seconds>  start no new attempt this long after a part's first (default 600);
                              never cuts an upload in flight
  --journal <folder>          the journal folder (default .zhima-journal beside the inputs)
  --restart                   ignore what the journal says was accepted: send every part again
  --hold-back                 hold back bad records (quarantine file, 0600: it holds them unmasked) and
                              send the rest ("holdBack": true in zhima.config.json)
  --json                      print the run receipt (JSON, see the README) on stdout; lines go to stderr
  --dry-run                   build and print the signed requests; send nothing
  --app-id, --private-key-file, --alipay-public-key-file, --gateway, --sign-type, --request-charset
                              override ZHIMA_APP_ID, ZHIMA_PRIVATE_KEY_FILE, ZHIMA_ALIPAY_PUBLIC_KEY_FILE,
                              ZHIMA_GATEWAY, ZHIMA_SIGN_TYPE, ZHIMA_REQUEST_CHARSET and zhima.config.json
  --app-cert-file, --alipay-root-cert-file, --alipay-cert-file
                              certificate mode (ZHIMA_APP_CERT_FILE, ZHIMA_ALIPAY_ROOT_CERT_FILE,
                              ZHIMA_ALIPAY_CERT_FILE) instead of the Alipay public key
  --config <file>             config file (default ./zhima.config.json)
  -h, --help                  this help

Example:
  ZHIMA_APP_ID=2021000000000001 ZHIMA_PRIVATE_KEY_FILE=app_private_key.pem \\
  ZHIMA_ALIPAY_PUBLIC_KEY_FILE=alipay_public_key.pem zhima send out/ --template loan --json > receipt.json
`;

const OPTIONS = {
  ...COMMON_OPTIONS,
  ...GATEWAY_OPTIONS,
  ...RECORDS_OPTIONS,
  'max-file-bytes': { type: 'string' },
  'max-records-per-file': { type: 'string' },
  attempts: { type: 'string' },
  timeout: { type: 'string' },
  'answer-timeout': { type: 'string' },
  'retry-deadline': { type: 'string' },
  journal: { type: 'string' },
  restart: { type: 'boolean' },
  'hold-back': { type: 'boolean' },
  json: { type: 'boolean' },
  'dry-run': { type: 'boolean' },
} as const;

const DEFAULT_ATTEMPTS = 5;
const DEFAULT_TIMEOUT_MS = 60_000;
// Above the client's 120 s: one attempt of a 50 MiB part on a slow link can take longer than that.
const DEFAULT_RETRY_DEADLINE_MS = 600_000;

function resolveBounds(values: { 'max-file-bytes'?: string | undefined; 'max-records-per-file'?: string | undefined }): SplitBounds {
  const maxFileBytes = positiveInteger({ value: values['max-file-bytes'], flag: '--max-file-bytes' }) ?? GATEWAY_MAX_FILE_BYTES;
  if (maxFileBytes > GATEWAY_MAX_FILE_BYTES) {
    throw new UsageError({
      message: `--max-file-bytes ${maxFileBytes} is over the gateway's limit of ${GATEWAY_MAX_FILE_BYTES} bytes (50 MiB) per file.`,
      hint: `The gateway refuses larger files (HTTP 413). Leave --max-file-bytes out (parts are split at ${GATEWAY_MAX_FILE_BYTES}) or give less.`,
    });
  }
  return { maxFileBytes, maxRecordsPerFile: positiveInteger({ value: values['max-records-per-file'], flag: '--max-records-per-file' }) };
}

function resolveTimes({
  values,
  file,
}: {
  values: { timeout?: string | undefined; 'answer-timeout'?: string | undefined; 'retry-deadline'?: string | undefined };
  file: ConfigFile;
}): { timeoutMs: number; answerTimeoutMs: number | undefined; retryDeadlineMs: number } {
  return {
    // Unset: the transport's own rule (120 s or --timeout if longer, plus time for buffered bytes).
    answerTimeoutMs: secondsAsMs(
      values['answer-timeout'] === undefined ? { value: file.answerTimeoutSeconds, flag: '"answerTimeoutSeconds"' } : { value: values['answer-timeout'], flag: '--answer-timeout' },
    ),
    timeoutMs: secondsAsMs(values.timeout === undefined ? { value: file.timeoutSeconds, flag: '"timeoutSeconds"' } : { value: values.timeout, flag: '--timeout' }) ?? DEFAULT_TIMEOUT_MS,
    retryDeadlineMs:
      secondsAsMs(values['retry-deadline'] === undefined ? { value: file.retryDeadlineSeconds, flag: '"retryDeadlineSeconds"' } : { value: values['retry-deadline'], flag: '--retry-deadline' }) ??
      DEFAULT_RETRY_DEADLINE_MS,
  };
}

// Beside the inputs: in the folder given, or the first file's folder; the working directory for stdin.
async function defaultJournalDir({ inputs, cwd }: { inputs: string[]; cwd: string }): Promise<string> {
  const first = inputs.find((input) => input !== '-');
  if (first === undefined) return join(cwd, DEFAULT_JOURNAL_DIR);
  const path = resolve(cwd, first);
  const info = await stat(path).catch(() => undefined);
  return join(info?.isDirectory() ? path : dirname(path), DEFAULT_JOURNAL_DIR);
}

/**
 * `zhima send`: validate, split, upload with retries and a journal, summarise, leave a receipt;
 * resolves to the exit code.
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
  if (dryRun && (values.json || values.restart)) throw new UsageError({ message: `--dry-run sends nothing, so it takes no ${values.json ? '--json' : '--restart'}.` });
  const file = await loadConfigFile({ path: values.config, io });
  const records = resolveRecordsConfig({ flags: values, file });
  const gateway = await resolveGatewayConfig({ flags: values, file, io, needsAlipayPublicKey: !dryRun });
  const bounds = resolveBounds(values);
  const attempts = positiveInteger({ value: values.attempts, flag: '--attempts' }) ?? DEFAULT_ATTEMPTS;
  const times = resolveTimes({ values, file });
  const sources = await collectSources({ inputs: positionals, io, configPath: resolve(io.cwd, values.config ?? DEFAULT_CONFIG_FILE) });
  const holdBack = values['hold-back'] ?? file.holdBack ?? false;
  if (dryRun) return dryRunCommand({ sources, records, gateway, bounds, holdBack, io });

  // Locked before any work, so a second run stops at once instead of after validating everything.
  const dir = values.journal === undefined ? await defaultJournalDir({ inputs: positionals, cwd: io.cwd }) : resolve(io.cwd, values.journal);
  const journal = await openJournal({ dir, onNotice: (text) => void io.stderr.write(`notice: ${text}\n`) });
  const write = (text: string) => void (values.json ? io.stderr : io.stdout).write(text);
  try {
    write(`journal  ${journal.dir}${values.restart ? ' (--restart: parts it lists as accepted are sent again)' : ''}\n`);
    const settings: SendSettings = { records, gateway, bounds, attempts, ...times, restart: values.restart === true, holdBack };
    const receipt = await runSend({ sources, settings, journal, io, write });
    if (values.json) io.stdout.write(`${JSON.stringify(receipt, null, 2)}\n`);
    return receipt.exitCode;
  } finally {
    await journal.close();
  }
}

async function dryRunCommand({
  sources,
  records,
  gateway,
  bounds,
  holdBack,
  io,
}: {
  sources: InputSource[];
  records: RecordsConfig;
  gateway: GatewayConfig;
  bounds: SplitBounds;
  holdBack: boolean;
  io: CliIo;
}): Promise<number> {
  return withStdinSpool({
    sources,
    work: async (spool) => {
      const { valid } = await validateInputs({ sources, records, bounds, holdBack, spool, io, write: (text) => void io.stdout.write(text) });
      if (valid === undefined) {
        io.stdout.write('Nothing was sent: fix the files above first.\n');
        return EXIT.NOTHING_SENT;
      }
      const { certificates, alipayPublicKey, ...identity } = gateway;
      // A dry run verifies nothing; the client parses this key only when an answer arrives.
      const client = createClient({ ...identity, ...(certificates === undefined ? { alipayPublicKey: alipayPublicKey ?? '' } : { certificates }) });
      let built = 0;
      for (const source of valid) {
        for await (const part of uploadParts({ source, bounds })) {
          io.stdout.write(`# ${part.fileName} (${part.records} records, ${formatBytes(part.size)}, sha256 ${part.hash})\n`);
          const call = batchFeedbackCall({ file: part.content, fileName: part.fileName, columns: records.columns, primaryKeyColumns: records.primaryKeyColumns, records: part.records, fileCharset: records.fileCharset });
          io.stdout.write(describeRequest({ built: await client.buildSignedRequest(call) }));
          built++;
        }
      }
      io.stdout.write(`Dry run: ${built} requests built, nothing sent.\n`);
      return EXIT.OK;
    },
  });
}
