import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createSandbox, type SandboxServer } from '@zhima/sandbox';
import { loanTemplateRules } from '@zhima/validator';
import { COMMON_OPTIONS, parseCommandArgs, positiveInteger } from '../args.js';
import { EXIT, type CliIo } from '../io.js';
import { writeKeyFile } from '../keys/write-key-file.js';
import { UsageError } from '../usage-error.js';

/**
 * `zhima sandbox --help`.
 *
 * @example
 * ```ts
 * io.stdout.write(SANDBOX_USAGE);
 * ```
 */
export const SANDBOX_USAGE = `Usage: zhima sandbox [--port 8787] [--host 127.0.0.1] [--keys-dir .zhima-sandbox] [--template loan]

Starts a local gateway (@zhima/sandbox) that speaks the real zhima.data.batch.feedback protocol: it
checks signatures, timestamps and files and signs its answers. It generates an app key pair and its
own Alipay key pair, writes the app private key (mode 600) and the Alipay public key into --keys-dir
(replacing earlier ones), and prints the environment variables that point the CLI and the example
app at it. Runs until Ctrl-C.

Options:
  --port <n>             default 8787 (0 picks a free port)
  --host <address>       default 127.0.0.1
  --keys-dir <dir>       default ./.zhima-sandbox
  --template loan        also enforce the loan template's field rules on uploads
  --unavailable <share>  fault injection: answer this share of calls with 20000 isp.unknow-error
  --cut <share>          store the records of this share of calls, then cut the answer midway
  --delay <share>        hold back this share of answers, up to --max-delay-ms (default 1000)
  --seed <n>             seed of the fault injection (default 1)
  -h, --help             this help
`;

const OPTIONS = {
  ...COMMON_OPTIONS,
  port: { type: 'string' },
  host: { type: 'string' },
  'keys-dir': { type: 'string' },
  template: { type: 'string' },
  unavailable: { type: 'string' },
  cut: { type: 'string' },
  delay: { type: 'string' },
  'max-delay-ms': { type: 'string' },
  seed: { type: 'string' },
} as const;

/**
 * A started sandbox and the environment that points clients at it.
 *
 * @example
 * ```ts
 * const { server, env } = await startSandbox({ args: ['--port', '0'], io });
 * ```
 */
export interface StartedSandbox {
  server: SandboxServer;
  env: Record<string, string>;
  records: (appId: string) => Record<string, unknown>[];
}

/**
 * Starts the sandbox as `zhima sandbox` would and writes its keys; the caller closes it.
 *
 * @example
 * ```ts
 * const started = await startSandbox({ args: ['--port', '0', '--keys-dir', dir], io });
 * await started.server.close();
 * ```
 */
export async function startSandbox({ args, io }: { args: string[]; io: CliIo }): Promise<StartedSandbox> {
  const { values } = parseCommandArgs({ args, options: OPTIONS, usage: SANDBOX_USAGE });
  if (values.template !== undefined && values.template !== 'loan') throw new UsageError({ message: `Unknown template "${values.template}".`, hint: 'Known templates: loan.' });
  const port = values.port === '0' ? 0 : (positiveInteger({ value: values.port, flag: '--port' }) ?? 8787);
  const shares = Object.fromEntries(
    (['unavailable', 'cut', 'delay'] as const)
      .filter((name) => values[name] !== undefined)
      .map((name) => {
        const share = Number(values[name]);
        if (!(share >= 0 && share <= 1)) throw new UsageError({ message: `--${name} must be a share from 0 to 1, got "${values[name]}".` });
        return [name, share];
      }),
  );
  const maxDelayMs = positiveInteger({ value: values['max-delay-ms'], flag: '--max-delay-ms' });
  const faults = Object.keys(shares).length === 0 ? undefined : { seed: positiveInteger({ value: values.seed, flag: '--seed' }) ?? 1, ...shares, ...(maxDelayMs === undefined ? {} : { maxDelayMs }) };
  const sandbox = await createSandbox({
    ...(values.template === 'loan' ? { rules: loanTemplateRules } : {}),
    ...(faults === undefined ? {} : { faults }),
  });
  const app = sandbox.apps[0]!;
  const keysDir = resolve(io.cwd, values['keys-dir'] ?? '.zhima-sandbox');
  await mkdir(keysDir, { recursive: true });
  const privateKeyFile = join(keysDir, 'app_private_key.pem');
  const alipayPublicKeyFile = join(keysDir, 'alipay_public_key.pem');
  await writeKeyFile({ path: privateKeyFile, text: app.privateKey!, mode: 0o600, overwrite: true });
  await writeKeyFile({ path: alipayPublicKeyFile, text: sandbox.alipayPublicKey, mode: 0o644, overwrite: true });
  const server = await sandbox.listen({ port, host: values.host ?? '127.0.0.1' });
  return {
    server,
    records: sandbox.records,
    env: { ZHIMA_GATEWAY: server.gatewayUrl, ZHIMA_APP_ID: app.appId, ZHIMA_PRIVATE_KEY_FILE: privateKeyFile, ZHIMA_ALIPAY_PUBLIC_KEY_FILE: alipayPublicKeyFile },
  };
}

/**
 * `zhima sandbox`: serves until `io.signal` aborts; resolves to the exit code.
 *
 * @example
 * ```ts
 * await sandboxCommand({ args: ['--port', '8787'], io: { ...io, signal: AbortSignal.timeout(60_000) } });
 * ```
 */
export async function sandboxCommand({ args, io }: { args: string[]; io: CliIo }): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout.write(SANDBOX_USAGE);
    return EXIT.OK;
  }
  const { server, env } = await startSandbox({ args, io });
  const exports = Object.entries(env).map(([name, value]) => `export ${name}=${value}`).join('\n');
  io.stdout.write(
    `Sandbox gateway listening at ${server.gatewayUrl}\n` +
      `Accepted records: ${server.url}/__sandbox/records?app_id=${env.ZHIMA_APP_ID}\n\n` +
      `Point the CLI and the example app at it (another shell):\n${exports}\n\n` +
      `  zhima send records.json --template loan\n  pnpm demo\n\nCtrl-C stops it.\n`,
  );
  await new Promise<void>((done) => {
    if (io.signal === undefined || io.signal.aborted) done();
    else io.signal.addEventListener('abort', () => done(), { once: true });
  });
  await server.close();
  return EXIT.OK;
}
