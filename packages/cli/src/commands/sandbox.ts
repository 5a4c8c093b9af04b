import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createSandbox, type SandboxServer } from '@zhima/sandbox';
import { loanTemplateRules } from '@zhima/validator';
import { COMMON_OPTIONS, parseCommandArgs, positiveInteger } from '../args.js';
import { CliError } from '../cli-error.js';
import { acquireLockFile, type LockOwner } from '../fs/lock-file.js';
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
(replacing earlier ones, once the port is open), and prints the environment variables that point the
CLI and the example app at it. Runs until Ctrl-C. While it runs it holds --keys-dir (sandbox.lock):
a second sandbox on the same folder stops at once (exit 75) instead of replacing keys in use.

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
  storedRecords: (options: { appId: string }) => Record<string, unknown>[];
  /** Stops the server and releases the keys folder. */
  close(): Promise<void>;
}

function keysLockedError({ keysDir, lockPath, owner }: { keysDir: string; lockPath: string; owner: LockOwner | undefined }): CliError {
  return new CliError({
    code: 'SANDBOX_KEYS_LOCKED',
    message:
      owner === undefined
        ? `The keys folder lock ${lockPath} exists but was not written by zhima sandbox.`
        : `Another zhima sandbox is using the keys folder ${keysDir} (pid ${owner.pid} on host ${owner.host}, started ${owner.startedAt}).`,
    hint:
      'Its keys are the ones clients pointed at it sign with: replacing them would break every send. Use that sandbox, ' +
      `stop it first (Ctrl-C), or give this one another --keys-dir. If no sandbox runs there any more, delete ${lockPath}.`,
    exitCode: EXIT.LOCKED,
  });
}

function listenError({ error, host, port }: { error: unknown; host: string; port: number }): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  const problems: Record<string, [string, string]> = {
    EADDRINUSE: [`Port ${port} on ${host} is already in use (another zhima sandbox, or another program).`, 'Stop that program, or pass --port <another port> (--port 0 picks a free one).'],
    EACCES: [`Not allowed to listen on port ${port} on ${host}.`, 'Ports below 1024 need privileges: pass --port 8787 (or --port 0 for a free one).'],
    EADDRNOTAVAIL: [`The address ${host} is not one of this machine's.`, 'Pass --host 127.0.0.1 (the default), or an address of this machine.'],
  };
  const problem = code === undefined ? undefined : problems[code];
  if (problem === undefined) return error;
  return new CliError({ code: `SANDBOX_${code}`, message: problem[0], hint: problem[1], exitCode: EXIT.USAGE });
}

/**
 * Starts the sandbox as `zhima sandbox` would and writes its keys; the caller closes it.
 *
 * @example
 * ```ts
 * const started = await startSandbox({ args: ['--port', '0', '--keys-dir', dir], io });
 * await started.close();
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
  const host = values.host ?? '127.0.0.1';
  await mkdir(keysDir, { recursive: true });
  // Held while this sandbox runs: its keys are what every client pointed at it signs with.
  const lockPath = join(keysDir, 'sandbox.lock');
  const lock = await acquireLockFile({
    lockPath,
    locked: (owner) => keysLockedError({ keysDir, lockPath, owner }),
    takenOver: (owner) => void io.stderr.write(`notice: took over ${lockPath} of zhima sandbox pid ${owner.pid}, which is no longer running.\n`),
  });
  try {
    // The port first: a sandbox that cannot serve must not replace the keys on disk.
    const server = await sandbox.listen({ port, host }).catch((error: unknown) => {
      throw listenError({ error, host, port });
    });
    const privateKeyFile = join(keysDir, 'app_private_key.pem');
    const alipayPublicKeyFile = join(keysDir, 'alipay_public_key.pem');
    await writeKeyFile({ path: privateKeyFile, text: app.privateKey!, mode: 0o600, overwrite: true });
    await writeKeyFile({ path: alipayPublicKeyFile, text: sandbox.alipayPublicKey, mode: 0o644, overwrite: true });
    return {
      server,
      storedRecords: sandbox.storedRecords,
      env: { ZHIMA_GATEWAY: server.gatewayUrl, ZHIMA_APP_ID: app.appId, ZHIMA_PRIVATE_KEY_FILE: privateKeyFile, ZHIMA_ALIPAY_PUBLIC_KEY_FILE: alipayPublicKeyFile },
      async close() {
        try {
          await server.close();
        } finally {
          await lock.release();
        }
      },
    };
  } catch (error) {
    await lock.release();
    throw error;
  }
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
  const started = await startSandbox({ args, io });
  const { server, env } = started;
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
  await started.close();
  return EXIT.OK;
}
