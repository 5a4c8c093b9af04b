import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSandbox, type FaultOptions, type Sandbox, type SandboxOptions, type SandboxServer } from '@zhima/sandbox';
import { onTestFinished } from 'vitest';
import type { CliIo } from '../src/io.js';
import { runCli } from '../src/run-cli.js';

export const COLUMNS = 'order_no,pay_month,user_name';
export const PRIMARY_KEY = 'order_no,pay_month';

/** A fresh folder, removed when the test ends. */
export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'zhima-cli-'));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * The built bin, as a merchant runs it (test/global-setup.ts refuses a stale build). ZHIMA_TEST_BIN
 * points the subprocess tests at another build, e.g. one of main, to see a test fail before a fix.
 */
export const BIN = process.env.ZHIMA_TEST_BIN ?? fileURLToPath(new URL('../dist/cli.js', import.meta.url));

const FIXTURE = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

export interface SpawnOptions {
  cwd: string;
  env?: Record<string, string>;
  /** Bytes, or an async source written with backpressure (for inputs too large to hold). */
  stdin?: Uint8Array | AsyncIterable<Uint8Array>;
  /** stderr reports itself a terminal (an injected TTY, no tmux): progress bars are drawn. */
  tty?: boolean;
  /** Write the subprocess's own peak RSS (bytes) to this file when it exits. */
  maxRssFile?: string;
  /** Run it on one CPU (`taskset -c 0`, Linux): `os.availableParallelism()` is then 1. */
  oneCore?: boolean;
}

/**
 * Starts the built `zhima` as a subprocess; killed when the test ends. `out()`/`err()` read what it
 * printed so far.
 */
export function spawnZhima(args: string[], { cwd, env = {}, stdin, tty = false, maxRssFile, oneCore = false }: SpawnOptions) {
  const preload = [...(tty ? ['--import', FIXTURE('fake-tty.mjs')] : []), ...(maxRssFile === undefined ? [] : ['--import', FIXTURE('report-max-rss.mjs')])];
  const command = [...(oneCore ? ['taskset', '-c', '0'] : []), process.execPath, ...preload, BIN, ...args];
  const child = spawn(command[0]!, command.slice(1), {
    cwd,
    env: { ...process.env, ...env, ...(maxRssFile === undefined ? {} : { ZHIMA_TEST_MAX_RSS_FILE: maxRssFile }) },
    stdio: [stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  onTestFinished(() => void child.kill('SIGKILL'));
  if (stdin instanceof Uint8Array) child.stdin!.end(stdin);
  else if (stdin !== undefined) void pipeInto(stdin, child.stdin!);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, exit, out: () => stdout, err: () => stderr };
}

async function pipeInto(source: AsyncIterable<Uint8Array>, sink: NodeJS.WritableStream): Promise<void> {
  sink.on('error', () => {}); // the child may exit before reading everything (an invalid file)
  for await (const chunk of source) {
    if (!sink.write(chunk)) await new Promise((resolve) => sink.once('drain', resolve));
  }
  sink.end();
}

/** Runs the built `zhima` to the end. */
export async function runZhima(args: string[], options: SpawnOptions) {
  const run = spawnZhima(args, options);
  const code = await run.exit;
  return { code, stdout: run.out(), stderr: run.err() };
}

/** Polls until `check` holds (not a timing assertion: it only bounds the wait). */
export async function until(check: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !check(); waited += 50) {
    if (waited > 45_000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Runs the CLI in-process with captured output. */
export async function zhima(
  argv: string[],
  { cwd, env = {}, stdin, signal, tty = false }: { cwd: string; env?: Record<string, string | undefined>; stdin?: Uint8Array; signal?: AbortSignal; tty?: boolean },
) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text), isTTY: tty },
    env,
    cwd,
    ...(stdin === undefined ? {} : { stdin: (async function* () { yield stdin; })() }),
    ...(signal === undefined ? {} : { signal }),
  };
  const code = await runCli({ argv, io });
  return { code, stdout, stderr };
}

export function records(from: number, count: number, payMonth = '2025-01'): Record<string, string>[] {
  return Array.from({ length: count }, (_, k) => ({ order_no: `ORD${String(from + k).padStart(8, '0')}`, pay_month: payMonth, user_name: `用户${from + k}` }));
}

export async function writeRecords(path: string, list: readonly Record<string, string>[]): Promise<string> {
  await writeFile(path, JSON.stringify({ records: list }));
  return path;
}

export interface TestGateway {
  sandbox: Sandbox;
  server: SandboxServer;
  appId: string;
  /** ZHIMA_* variables pointing at the sandbox, keys in files. */
  env: Record<string, string>;
  privateKeyPem: string;
}

/** A sandbox on 127.0.0.1 with its generated app; closed when the test ends. */
export async function startGateway({ faults, dir, options = {} }: { faults?: FaultOptions; dir: string; options?: SandboxOptions }): Promise<TestGateway> {
  const sandbox = await createSandbox({ ...options, ...(faults === undefined ? {} : { faults }) });
  const server = await sandbox.listen({ host: '127.0.0.1', port: 0 });
  onTestFinished(() => server.close());
  const app = sandbox.apps[0]!;
  const privateKeyFile = join(dir, 'app_private_key.pem');
  const alipayPublicKeyFile = join(dir, 'alipay_public_key.pem');
  await writeFile(privateKeyFile, app.privateKey!);
  await writeFile(alipayPublicKeyFile, sandbox.alipayPublicKey);
  return {
    sandbox,
    server,
    appId: app.appId,
    privateKeyPem: app.privateKey!,
    env: { ZHIMA_APP_ID: app.appId, ZHIMA_GATEWAY: server.gatewayUrl, ZHIMA_PRIVATE_KEY_FILE: privateKeyFile, ZHIMA_ALIPAY_PUBLIC_KEY_FILE: alipayPublicKeyFile },
  };
}

/** Each stored record's primary key, and how often each occurs. */
export function keyCounts(stored: readonly Record<string, unknown>[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const record of stored) {
    const key = `${String(record.order_no)}|${String(record.pay_month)}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/** Reads a receipt or journal file as JSON. */
export async function readJson(path: string): Promise<unknown> {
  const { readFile } = await import('node:fs/promises');
  return JSON.parse(await readFile(path, 'utf8'));
}
