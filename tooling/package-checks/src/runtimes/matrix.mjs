// `pnpm test:runtimes`: the packed packages on Node, Bun, Deno and workerd; exits 1 on any failure
// not listed in known-issues.mjs. One consumer project (tarballs npm-installed), one set of inputs
// made here with independent tools (node:crypto signs over iconv-lite bytes), one echo server on
// 127.0.0.1 that measures what each runtime puts on the wire; every runtime runs checks.mjs against them.
import { spawn } from 'node:child_process';
import { constants, createPrivateKey, generateKeyPairSync, sign } from 'node:crypto';
import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { build } from 'esbuild';
import iconv from 'iconv-lite';
import { createConsumerProject } from '../consumer-project.mjs';
import { packAll } from '../workspace.mjs';
import { isKnownIssue } from '../known-issues.mjs';
import { installRuntimes } from './install-runtimes.mjs';
import { CHECK_NAMES, NOT_APPLICABLE, WIRE_ROWS } from './check-names.mjs';
import { startEchoServer } from './echo-server.mjs';
import { describeShape, isUploadShape } from './wire-shape.mjs';

const here = new URL('.', import.meta.url).pathname;
export const RUNTIMES = ['node', 'bun', 'deno', 'workerd'];
const MATRIX_PACKAGES = ['@zhima/core', '@zhima/validator', '@zhima/transport'];

/** Sign vectors from node:crypto: deterministic PKCS#1 v1.5 signatures over the charset's bytes. */
export function makeSignVectors() {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privatePkcs8Pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const privatePkcs1Base64 = privateKey.export({ type: 'pkcs1', format: 'der' }).toString('base64');
  const publicSpkiPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const publicSpkiBase64 = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
  const contents = [
    'app_id=2021000000000001&biz_content={"records":1}&charset=utf-8&file_description=文件描述信息&method=zhima.data.batch.feedback&sign_type=RSA2&timestamp=2024-01-02 03:04:05&version=1.0',
    'app_id=1&file_description=上报 a&b=c d+e%20&method=m&timestamp=2024-01-02 03:04:05',
  ];
  const vectors = [];
  for (const charset of ['utf-8', 'gbk']) {
    for (const signType of ['RSA2', 'RSA']) {
      for (const [index, content] of contents.entries()) {
        const bytes = charset === 'gbk' ? iconv.encode(content, 'gbk') : Buffer.from(content, 'utf8');
        const signature = sign(signType === 'RSA2' ? 'sha256' : 'sha1', bytes, { key: createPrivateKey(privatePkcs8Pem), padding: constants.RSA_PKCS1_PADDING }).toString('base64');
        vectors.push({
          content,
          charset,
          signType,
          privateKey: index === 0 ? privatePkcs8Pem : privatePkcs1Base64,
          publicKey: index === 0 ? publicSpkiPem : publicSpkiBase64,
          signature,
        });
      }
    }
  }
  return vectors;
}

/** A small records file, valid, and the same file with a repeated primary key. */
export function makeRecords() {
  const records = Array.from({ length: 5 }, (_, k) => ({ order_no: `LN${k + 1}`, pay_month: '2025-01', user_name: '张三' }));
  const duplicate = [...records, { ...records[2] }];
  return {
    valid: JSON.stringify({ records }),
    duplicate: JSON.stringify({ records: duplicate }),
    columns: 'order_no,pay_month,user_name',
    primaryKeyColumns: 'order_no,pay_month',
    count: records.length,
    duplicateOf: 2,
  };
}

/**
 * Starts a command and collects its output; `done` never rejects.
 * @param {{ command: string, args: string[], cwd: string, timeoutMs?: number, extraStdio?: number[] }} options
 */
function start({ command, args, cwd, timeoutMs = 120_000, extraStdio = [] }) {
  const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe', ...extraStdio], env: { ...process.env, NO_COLOR: '1' } });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => (stdout += chunk));
  child.stderr?.on('data', (chunk) => (stderr += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  /** @type {Promise<{ code: number | null, stdout: string, stderr: string }>} */
  const done = new Promise((resolve) => {
    child.on('error', (error) => resolve({ code: -1, stdout, stderr: `${stderr}${error.message}` }));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  }).finally(() => clearTimeout(timer));
  return { child, done };
}

/**
 * @typedef {{ results: import('./checks.mjs').CheckResult[], probeError: string | null }} RuntimeOutput
 */

/**
 * Every check failed for one reason (the runtime crashed or never answered).
 * @param {string} reason
 * @returns {RuntimeOutput}
 */
function allFailed(reason) {
  return { results: CHECK_NAMES.map((check) => ({ check, ok: false, detail: reason })), probeError: reason };
}

/**
 * Turns a runtime's output into results; a crash fails every check with the runtime's own message.
 * @param {{ stdout: string, stderr: string, code: number | null }} output
 * @returns {RuntimeOutput}
 */
function parseResults({ stdout, stderr, code }) {
  const line = stdout.trim().split('\n').reverse().find((text) => text.startsWith('{'));
  if (line !== undefined) return JSON.parse(line);
  return allFailed(`exit ${code}: ${(stderr || stdout).trim().split('\n').slice(0, 6).join(' | ').slice(0, 600)}`);
}

/**
 * Runs the checks on workerd: bundles the worker with workerd's export conditions, serves it on a
 * socket this process opened on 127.0.0.1:0 (passed as a file descriptor), and posts the input.
 * @param {{ workerd: string, project: string, input: object }} options
 * @returns {Promise<RuntimeOutput>}
 */
async function runOnWorkerd({ workerd, project, input }) {
  await build({
    entryPoints: [join(project, 'worker-entry.mjs')],
    outfile: join(project, 'worker.js'),
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    conditions: ['workerd', 'worker', 'browser'],
    target: 'es2022',
    logLevel: 'silent',
  });
  writeFileSync(
    join(project, 'config.capnp'),
    `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = (modules = [(name = "worker.js", esModule = embed "worker.js")], compatibilityDate = "2025-09-01", globalOutbound = "loopback")),
    # The echo server is on 127.0.0.1, which workerd's default outbound refuses.
    (name = "loopback", network = (allow = ["local", "private", "public"])),
  ],
  sockets = [(name = "http", service = "main")],
);
`,
  );
  const listener = createServer();
  await new Promise((resolve) => listener.listen(0, '127.0.0.1', () => resolve(undefined)));
  const port = /** @type {import('node:net').AddressInfo} */ (listener.address()).port;
  // The listening socket's descriptor, shared with workerd as its fd 3 (Unix only).
  const fd = /** @type {any} */ (listener)._handle.fd;
  const server = start({ command: workerd, args: ['serve', 'config.capnp', '--socket-fd', 'http=3'], cwd: project, extraStdio: [fd] });
  // workerd holds its own copy of the socket now; this process must stop accepting on it, or it
  // would take some of the connections meant for workerd and leave them unanswered.
  listener.close();
  let exited;
  void server.done.then((output) => (exited = output));
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        const response = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', body: JSON.stringify(input), signal: AbortSignal.timeout(90_000) });
        const text = await response.text();
        if (text.startsWith('{')) return JSON.parse(text);
        return allFailed(`HTTP ${response.status}: ${text.slice(0, 300)}`);
      } catch (error) {
        // Until workerd accepts, connections fail; if it exited instead, its output says why.
        await new Promise((resolve) => setTimeout(resolve, 200));
        if (exited !== undefined) return parseResults(exited);
        if (Date.now() > deadline) return allFailed(`workerd gave no answer: ${String(error)}`);
      }
    }
  } finally {
    server.child.kill('SIGTERM');
    await server.done;
  }
}

/**
 * What the echo server measured of one request a runtime sent: its shape (content-length, or chunked
 * and the size of each chunk), whether that is a shape the gateway takes for an upload, or why
 * nothing arrived.
 * @typedef {{ shape: import('./wire-shape.mjs').WireShape | null, uploadShape: boolean, text: string }} WireRecord
 */

/**
 * Runs the matrix and returns, per runtime, the check results and what the echo server saw of each
 * of the {@link WIRE_ROWS} requests.
 * @param {{ runtimes?: string[] }} [options]
 * @returns {Promise<{ results: Record<string, import('./checks.mjs').CheckResult[]>, wire: Record<string, Record<string, WireRecord>> }>}
 */
export async function runMatrix({ runtimes = RUNTIMES } = {}) {
  const binaries = installRuntimes();
  const { folder, tarballs } = packAll();
  const missing = MATRIX_PACKAGES.filter((name) => !tarballs.has(name));
  if (missing.length > 0) throw new Error(`not built, cannot run the matrix: ${missing.join(', ')}`);
  const project = createConsumerProject({ install: MATRIX_PACKAGES, tarballs, prefix: 'zhima-runtimes-' });
  // The project is plain JavaScript modules; Deno and Bun read `type` like Node does.
  writeFileSync(join(project, 'package.json'), JSON.stringify({ ...JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')), type: 'module' }, null, 2));
  for (const file of ['checks.mjs', 'check-names.mjs', 'wire-shape.mjs', 'cli-entry.mjs', 'worker-entry.mjs']) copyFileSync(join(here, file), join(project, file));
  const echo = await startEchoServer();
  const records = makeRecords();
  const duplicateFile = join(project, 'duplicate-records.json');
  writeFileSync(duplicateFile, records.duplicate);
  const shared = { vectors: makeSignVectors(), records, duplicateFile };
  // Each runtime posts under its own path, so the echo server can tell who sent what.
  const inputFor = (runtime) => ({ ...shared, echoUrl: `${echo.url}/${runtime}` });
  const commands = {
    node: { command: process.execPath, args: ['cli-entry.mjs'] },
    bun: { command: binaries.bun, args: ['cli-entry.mjs'] },
    deno: { command: binaries.deno, args: ['run', '--quiet', `--allow-read=${project}`, '--allow-net=127.0.0.1', 'cli-entry.mjs'] },
  };
  /** @type {Record<string, import('./checks.mjs').CheckResult[]>} */
  const results = {};
  /** @type {Record<string, Record<string, WireRecord>>} */
  const wire = {};
  try {
    for (const runtime of runtimes) {
      let output;
      if (runtime === 'workerd') output = await runOnWorkerd({ workerd: binaries.workerd, project, input: inputFor(runtime) });
      else {
        const inputFile = join(project, `input-${runtime}.json`);
        writeFileSync(inputFile, JSON.stringify(inputFor(runtime)));
        const { command, args } = commands[/** @type {'node' | 'bun' | 'deno'} */ (runtime)];
        output = parseResults(await start({ command, args: [...args, inputFile], cwd: project }).done);
      }
      results[runtime] = output.results;
      wire[runtime] = Object.fromEntries(
        WIRE_ROWS.map((row) => {
          const shape = echo.seen[runtime]?.[row] ?? null;
          if (shape !== null) return [row, { shape, uploadShape: isUploadShape(shape), text: describeShape(shape) }];
          const why = row === 'runtime fetch stream' ? output.probeError : output.results.find((result) => result.check === row)?.detail;
          return [row, { shape: null, uploadShape: false, text: `nothing arrived${why ? ` (${why})` : ''}` }];
        }),
      );
    }
  } finally {
    await echo.close();
    rmSync(project, { recursive: true, force: true });
    rmSync(folder, { recursive: true, force: true });
  }
  return { results, wire };
}

/**
 * The runtime × check table, the detail of every failure, then what each runtime put on the wire.
 * @param {{ results: Record<string, import('./checks.mjs').CheckResult[]>, wire?: Record<string, Record<string, WireRecord>> }} options
 */
export function formatMatrix({ results, wire = {} }) {
  const runtimes = Object.keys(results);
  const header = [`| check | ${runtimes.join(' | ')} |`, `| --- |${runtimes.map(() => ' --- |').join('')}`];
  const lines = [...header];
  for (const check of CHECK_NAMES) {
    const cell = (runtime) => {
      if (NOT_APPLICABLE[runtime]?.includes(check)) return 'n/a';
      if (results[runtime]?.find((result) => result.check === check)?.ok) return 'pass';
      return isKnownIssue(`${runtime} ${check}`) ? 'FAIL (known)' : 'FAIL';
    };
    lines.push(`| ${check} | ${runtimes.map(cell).join(' | ')} |`);
  }
  const failures = runtimes.flatMap((runtime) =>
    results[runtime].filter((result) => !result.ok).map((result) => `- ${runtime} / ${result.check}: ${result.detail}${isKnownIssue(`${runtime} ${result.check}`) ? ' (known issue, see src/known-issues.mjs)' : ''}`),
  );
  const wireLines = ['', 'what the echo server received (3 MiB uploads; the stream in 64 KiB chunks, with a content-length header):', '', `| request | ${runtimes.join(' | ')} |`, header[1]];
  for (const row of WIRE_ROWS) wireLines.push(`| ${row} | ${runtimes.map((runtime) => wire[runtime]?.[row]?.text ?? '').join(' | ')} |`);
  return [...lines, ...(failures.length > 0 ? ['', 'failures:', ...failures] : []), ...(Object.keys(wire).length > 0 ? wireLines : [])].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { results, wire } = await runMatrix({ runtimes: process.argv.length > 2 ? process.argv.slice(2) : RUNTIMES });
  console.log(formatMatrix({ results, wire }));
  // Known issues are reported to their owners and tracked as expected failures in the tests.
  const unexpected = Object.entries(results).flatMap(([runtime, checks]) => checks.filter((result) => !result.ok && !isKnownIssue(`${runtime} ${result.check}`)));
  process.exitCode = unexpected.length === 0 ? 0 : 1;
}
