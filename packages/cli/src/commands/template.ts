import { stat, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { createClient } from '@zhima/core';
import { COMMON_OPTIONS, GATEWAY_OPTIONS, parseCommandArgs } from '../args.js';
import { CliError } from '../cli-error.js';
import { loadConfigFile } from '../config/config-file.js';
import { firstDefined, resolveGatewayConfig } from '../config/gateway-config.js';
import { describeSetting } from '../config/library-options.js';
import { EXIT, type CliIo } from '../io.js';
import { formatBytes } from '../output/progress-bar.js';
import { UsageError } from '../usage-error.js';

/**
 * `zhima template --help`.
 *
 * @example
 * ```ts
 * io.stdout.write(TEMPLATE_USAGE);
 * ```
 */
export const TEMPLATE_USAGE = `Usage: zhima template --merchant-id 2088… [--download [path]] [--force] [--json]

Asks zhima.data.feedbackurl.query for this app's feedback template: an .xlsx whose field codes are the
columns of your records files (--columns). Prints its URL and the call's trace id. The first step of
onboarding: one template per app id.

Exit codes: 0 done; 1 the call or the download failed; 2 usage or setup error (no merchant id, the
file exists without --force): nothing saved.

Options:
  --merchant-id <pid>         the merchant's PID, 2088… (ZHIMA_MERCHANT_ID, "merchantId" in zhima.config.json)
  --download [path]           save the .xlsx: to path (a file, or a folder), default the URL's file name
                              (zhima-template-<merchantId>.xlsx when it has none) in the working folder
  --force                     overwrite the file if it exists
  --json                      print { feedbackUrl, traceId, requestId, savedTo } on stdout
  --app-id, --private-key-file, --alipay-public-key-file, --gateway, --sign-type, --request-charset,
  --app-cert-file, --alipay-root-cert-file, --alipay-cert-file
                              as for zhima send (ZHIMA_* variables, zhima.config.json)
  --config <file>             config file (default ./zhima.config.json)
  -h, --help                  this help

Example:
  zhima template --merchant-id 2088102000000001 --download
`;

const OPTIONS = { ...COMMON_OPTIONS, ...GATEWAY_OPTIONS, 'merchant-id': { type: 'string' }, download: { type: 'boolean' }, force: { type: 'boolean' }, json: { type: 'boolean' } } as const;

// A zip archive (an .xlsx is one) starts with a local file header.
const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const DOWNLOAD_TIMEOUT_MS = 120_000;

/**
 * What `zhima template --json` prints.
 *
 * @example
 * ```ts
 * const document: TemplateDocument = JSON.parse(stdout); // { feedbackUrl: 'https://…/template.xlsx', traceId: '0b8c…', requestId: 'b3f1…', savedTo: null }
 * ```
 */
export interface TemplateDocument {
  feedbackUrl: string;
  /** The gateway's `trace_id` answer header (null when it sent none). */
  traceId: string | null;
  /** The `alipay-request-id` the call was sent with. */
  requestId: string;
  /** The absolute path of the saved `.xlsx`, null without `--download`. */
  savedTo: string | null;
}

// `--download` takes an optional path, which parseArgs cannot say: the path is the positional.
function splitDownloadValue(args: string[]): string[] {
  return args.flatMap((arg) => (arg.startsWith('--download=') ? ['--download', arg.slice('--download='.length)] : [arg]));
}

/**
 * The file name a template URL suggests: its last path segment when that is an `.xlsx` name, else
 * `zhima-template-<merchantId>.xlsx`.
 *
 * @example
 * ```ts
 * templateFileName({ url: 'https://example.oss/t/feedback.xlsx?Expires=1', merchantId: '2088102000000001' }); // 'feedback.xlsx'
 * ```
 */
export function templateFileName({ url, merchantId }: { url: string; merchantId: string }): string {
  let name = '';
  try {
    name = decodeURIComponent(basename(new URL(url).pathname));
  } catch {
    // Not a URL we can read a name from: the default below.
  }
  return /^[^/\\\0]+\.xlsx$/i.test(name) && !name.startsWith('.') ? name : `zhima-template-${merchantId}.xlsx`;
}

async function targetPath({ given, url, merchantId, cwd }: { given: string | undefined; url: string; merchantId: string; cwd: string }): Promise<string> {
  const name = templateFileName({ url, merchantId });
  if (given === undefined) return join(cwd, name);
  const path = resolve(cwd, given);
  const info = await stat(path).catch(() => undefined);
  return info?.isDirectory() ? join(path, name) : path;
}

async function download({ url, signal }: { url: string; signal: AbortSignal | undefined }): Promise<Uint8Array> {
  const timeout = AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS);
  let response: Response;
  try {
    response = await fetch(url, { signal: signal === undefined ? timeout : AbortSignal.any([signal, timeout]) });
  } catch (error) {
    throw new CliError({ code: 'TEMPLATE_DOWNLOAD_FAILED', message: `Could not download the template from ${url}: ${(error as Error).message}`, hint: 'Check the network and proxy, then run again (the URL comes fresh from each run).' });
  }
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (!response.ok) {
    throw new CliError({ code: 'TEMPLATE_DOWNLOAD_FAILED', message: `The template URL answered HTTP ${response.status}: ${url}`, hint: 'Run again for a fresh URL; if it keeps failing, give the trace id above to Alipay support.' });
  }
  if (!ZIP_MAGIC.every((byte, at) => bytes[at] === byte)) {
    throw new CliError({ code: 'TEMPLATE_NOT_XLSX', message: `What ${url} answered (${bytes.length} bytes, ${response.headers.get('content-type') ?? 'no content type'}) is not an .xlsx file: nothing was saved.`, hint: 'A proxy or login page may be in the way: open the URL in a browser to see.' });
  }
  return bytes;
}

function existsError(path: string): UsageError {
  return new UsageError({ message: `${path} exists: nothing was saved.`, hint: 'Pass --force to overwrite it, or give another path: --download <path>.' });
}

async function save({ path, bytes, force }: { path: string; bytes: Uint8Array; force: boolean }): Promise<void> {
  try {
    // 'wx': refused if the file exists, checked by the OS at the moment of creation.
    await writeFile(path, bytes, { flag: force ? 'w' : 'wx' });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw existsError(path);
    if (code === 'ENOENT') throw new UsageError({ message: `Cannot save to ${path}: its folder does not exist.`, hint: 'Create the folder first, or give another path: --download <path>.' });
    throw new CliError({ code: 'TEMPLATE_SAVE_FAILED', message: `Cannot save to ${path}: ${(error as Error).message}` });
  }
}

/**
 * `zhima template`: the feedback template's URL (`client.feedbackUrlQuery`) and, with `--download`,
 * the `.xlsx` saved; resolves to the exit code.
 *
 * @example
 * ```ts
 * const code = await templateCommand({ args: ['--merchant-id', '2088102000000001', '--download'], io });
 * ```
 */
export async function templateCommand({ args, io }: { args: string[]; io: CliIo }): Promise<number> {
  const { values, positionals } = parseCommandArgs({ args: splitDownloadValue(args), options: OPTIONS, usage: TEMPLATE_USAGE });
  if (values.help) {
    io.stdout.write(TEMPLATE_USAGE);
    return EXIT.OK;
  }
  if (positionals.length > (values.download ? 1 : 0)) {
    throw new UsageError({ message: values.download ? '--download takes one path.' : `Unexpected argument "${positionals[0]}": to save the template there, write --download ${positionals[0]}.`, hint: TEMPLATE_USAGE });
  }
  if (values.force && !values.download) throw new UsageError({ message: '--force only applies to --download.' });
  const file = await loadConfigFile({ path: values.config, io });
  const merchantId = firstDefined(values['merchant-id'], io.env.ZHIMA_MERCHANT_ID, file.merchantId)?.trim();
  if (merchantId === undefined || merchantId === '') {
    throw new UsageError({ message: 'No merchant id.', hint: `Give the merchant's PID (2088…) with ${describeSetting({ option: 'merchantId' })}.` });
  }
  const gateway = await resolveGatewayConfig({ flags: values, file, io, needsAlipayPublicKey: true });
  const { certificates, alipayPublicKey, ...identity } = gateway;
  const client = createClient({ ...identity, ...(certificates === undefined ? { alipayPublicKey: alipayPublicKey! } : { certificates }) });
  const result = await client.feedbackUrlQuery({ merchantId }, io.signal === undefined ? {} : { signal: io.signal });
  const write = (text: string) => void (values.json ? io.stderr : io.stdout).write(text);
  write(`template ${result.feedbackUrl}\n`);
  write(`  trace_id ${result.traceId ?? '(none sent)'}, alipay-request-id ${result.requestId}\n`);
  let savedTo: string | null = null;
  if (values.download) {
    const path = await targetPath({ given: positionals[0], url: result.feedbackUrl, merchantId, cwd: io.cwd });
    if (!values.force && (await stat(path).catch(() => undefined)) !== undefined) {
      throw existsError(path);
    }
    const bytes = await download({ url: result.feedbackUrl, signal: io.signal });
    await save({ path, bytes, force: values.force === true });
    savedTo = path;
    write(`saved    ${path} (${formatBytes(bytes.length)})\n`);
  } else {
    write('  zhima template --download saves the .xlsx.\n');
  }
  if (values.json) {
    const document: TemplateDocument = { feedbackUrl: result.feedbackUrl, traceId: result.traceId ?? null, requestId: result.requestId, savedTo };
    io.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
  }
  return EXIT.OK;
}
