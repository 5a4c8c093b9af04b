import { keysCommand } from './commands/keys.js';
import { sandboxCommand } from './commands/sandbox.js';
import { sendCommand } from './commands/send.js';
import { signCommand } from './commands/sign.js';
import { validateCommand } from './commands/validate.js';
import { verifyResponseCommand } from './commands/verify-response.js';
import { EXIT, type CliIo } from './io.js';
import { formatError } from './output/format-error.js';
import { CliError } from './cli-error.js';
import { UsageError } from './usage-error.js';

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
  send <file|dir|->        validate, split, upload with retries and a resumable journal
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
  ZHIMA_CHARSET                 request charset: utf-8 (default), gbk (charset)
  ZHIMA_APP_AUTH_TOKEN          for third-party apps (appAuthToken)
  zhima.config.json may also hold columns, primaryKeyColumns, template and fileCharset.

Exit codes: 0 success, 1 failed (invalid file, gateway refusal), 2 usage or setup error,
  75 another zhima send holds the journal (nothing done; run again later).
`;

const COMMANDS: Record<string, (input: { args: string[]; io: CliIo }) => Promise<number>> = {
  validate: validateCommand,
  send: sendCommand,
  sign: signCommand,
  'verify-response': verifyResponseCommand,
  keys: keysCommand,
  sandbox: sandboxCommand,
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
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (command === undefined) {
    io.stderr.write(formatError(new UsageError({ message: `Unknown command "${name}".`, hint: 'Run zhima --help for the commands.' })));
    return EXIT.USAGE;
  }
  try {
    return await command({ args, io });
  } catch (error) {
    io.stderr.write(formatError(error));
    return error instanceof CliError ? error.exitCode : EXIT.FAILED;
  }
}
