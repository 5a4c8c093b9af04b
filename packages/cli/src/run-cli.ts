import { CliError } from './cli-error.js';
import { EXIT, type CliIo } from './io.js';
import { UsageError } from './usage-error.js';

// Loaded on failure only: it needs @zhima/core, which `zhima --help` does not.
async function printError(io: CliIo, error: unknown): Promise<void> {
  const { formatError } = await import('./output/format-error.js');
  io.stderr.write(formatError(error));
}

/**
 * `zhima --help`.
 *
 * @example
 * ```ts
 * io.stdout.write(USAGE);
 * ```
 */
export const USAGE = `Usage: zhima <command> [options]      (zhima <command> --help for details)

Commands:
  validate <file|dir|->…   check records files the way the gateway does
  send <file|dir|->        validate, split, upload with retries, a resumable journal and a run receipt
  journal [<folder>]       list what send sent, when, and how each part and run ended
  template --merchant-id … the feedback template's URL (the .xlsx of your columns); --download saves it
  sign --param k=v …       print the sign content and signature (debug isv.invalid-signature)
  verify-response <file>   check a saved gateway answer's signature
  keys generate|inspect    make an app key pair; tell a key's format, check a pair
  sandbox                  run a local gateway to test against

Configuration, highest first: flags, environment variables, ./zhima.config.json (or --config).
  ZHIMA_APP_ID                  app id (appId)
  ZHIMA_PRIVATE_KEY_FILE        app private key file, any format (privateKeyFile); never printed
  ZHIMA_PRIVATE_KEY             or the key itself
  ZHIMA_ALIPAY_PUBLIC_KEY_FILE  Alipay public key (支付宝公钥) file (alipayPublicKeyFile)
  ZHIMA_ALIPAY_PUBLIC_KEY       or the key itself
  ZHIMA_APP_CERT_FILE, ZHIMA_ALIPAY_ROOT_CERT_FILE, ZHIMA_ALIPAY_CERT_FILE
                                certificate mode instead (appCertFile, alipayRootCertFile, alipayCertFile)
  ZHIMA_GATEWAY                 gateway URL (gateway), default https://openapi.alipay.com/gateway.do
  ZHIMA_SIGN_TYPE               RSA2 (default) or RSA (signType)
  ZHIMA_REQUEST_CHARSET         request charset: utf-8 (default), gbk (requestCharset; flag --request-charset)
  ZHIMA_APP_AUTH_TOKEN          for third-party apps (appAuthToken)
  ZHIMA_MERCHANT_ID             the merchant's PID, 2088… (merchantId; zhima template, flag --merchant-id)
  zhima.config.json may also hold columns, primaryKeyColumns, template, fileCharset (the records
  file's charset; flag --file-charset), maxIssues, sensitiveFields, timeoutSeconds, retryDeadlineSeconds,
  holdBack (send: flag --hold-back).

Exit codes: 0 success; 1 failed (validate: a file the gateway would refuse; send: the run stopped);
  2 usage or setup error; send only: 3 some parts refused, 4 nothing sent (an input invalid or empty),
  5 an answer could not be verified, 6 records held back (--hold-back), the rest accepted; 75 the journal (or sandbox keys folder) is held by another run.
`;

type Command = (input: { args: string[]; io: CliIo }) => Promise<number>;

// Each command's module (and the libraries it needs) is imported only when that command runs, so
// `zhima --help` and a quick `zhima validate` do not load the sandbox, undici or the send machinery.
const COMMANDS: Record<string, () => Promise<Command>> = {
  validate: async () => (await import('./commands/validate.js')).validateCommand,
  send: async () => (await import('./commands/send.js')).sendCommand,
  journal: async () => (await import('./commands/journal.js')).journalCommand,
  template: async () => (await import('./commands/template.js')).templateCommand,
  sign: async () => (await import('./commands/sign.js')).signCommand,
  'verify-response': async () => (await import('./commands/verify-response.js')).verifyResponseCommand,
  keys: async () => (await import('./commands/keys.js')).keysCommand,
  sandbox: async () => (await import('./commands/sandbox.js')).sandboxCommand,
};

/**
 * Runs the `zhima` command line: dispatches to a command, prints errors with their code and hint, and
 * resolves to the exit code. It never exits the process, so tests and other tools can call it.
 *
 * @example
 * ```ts
 * import { runCli } from '@zhima/cli';
 *
 * process.exitCode = await runCli({ argv: ['validate', 'records.json', '--template', 'loan'], io: { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() } });
 * ```
 */
export async function runCli({ argv, io }: { argv: string[]; io: CliIo }): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(USAGE);
    return name === undefined ? EXIT.USAGE : EXIT.OK;
  }
  const load = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (load === undefined) {
    await printError(io, new UsageError({ message: `Unknown command "${name}".`, hint: 'Run zhima --help for the commands.' }));
    return EXIT.USAGE;
  }
  try {
    return await (await load())({ args, io });
  } catch (error) {
    await printError(io, error);
    return error instanceof CliError ? error.exitCode : EXIT.FAILED;
  }
}
