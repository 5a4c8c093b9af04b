// `pnpm bench [--quick | --full]`: the built `zhima` measured beside its baselines, each pair run back to
// back in this process tree (A B A B …), the median of the per-pair ratios quoted with min and max, and
// bench/RESULTS.md written from the run. Files: `--quick` 100k records; default 1M (≈ 240 MB); `--full`
// adds 10M (≈ 2.4 GB). Data, keys and journals go to bench/data/ (git-ignored).
import { spawn, spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { SourceMap } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { COLUMNS, generate, PRIMARY_KEY } from '../../validator/bench/generate.mjs';
import { startServeChild } from './serve-child.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const DATA = join(here, 'data');
const BIN = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
// Reports the child's peak RSS, CPU and read counters at exit (see the fixture).
const USAGE_PRELOAD = fileURLToPath(new URL('../test/fixtures/report-max-rss.mjs', import.meta.url));
const mode = process.argv.includes('--full') ? 'full' : process.argv.includes('--quick') ? 'quick' : 'default';
const loadAtStart = loadavg();
const load = (values) => values.map((value) => value.toFixed(2)).join(' / ');
const startedAt = new Date();

const FILES = {
  quick: [{ records: 100_000, sinkPairs: 7, sandboxPairs: 5 }],
  default: [{ records: 1_000_000, sinkPairs: 5, sandboxPairs: 3 }],
  // 10M: three pairs against the sink (one pair moved by ±0.15× between runs); the sandbox would hold
  // 10M records in memory.
  full: [
    { records: 1_000_000, sinkPairs: 5, sandboxPairs: 3 },
    { records: 10_000_000, sinkPairs: 3, sandboxPairs: 0 },
  ],
}[mode];
const HELP_PAIRS = 15;
const RSS_TARGET_MB = (records) => (records > 1_000_000 ? 250 : 200);

const label = (records) => (records >= 1_000_000 ? `${records / 1_000_000}M` : `${records / 1000}k`);
const pathOf = (records) => join(DATA, `loan-${label(records)}-utf8.json`);

mkdirSync(DATA, { recursive: true });
for (const { records } of FILES) {
  if (existsSync(pathOf(records))) continue;
  console.log(`generating ${pathOf(records)} …`);
  // Written aside and renamed, so an interrupted run never leaves a short file behind.
  await generate({ records, charset: 'UTF-8', path: `${pathOf(records)}.part`, oneLine: false });
  renameSync(`${pathOf(records)}.part`, pathOf(records));
}

// Keys generated for this run: the app's (the sink does not check request signatures) and the Alipay
// pair whose private half signs the sink's answers.
const KEYS = join(DATA, 'keys');
rmSync(KEYS, { recursive: true, force: true });
mkdirSync(KEYS, { recursive: true });
const pem = { publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } };
const appKeys = generateKeyPairSync('rsa', { modulusLength: 2048, ...pem });
const alipayKeys = generateKeyPairSync('rsa', { modulusLength: 2048, ...pem });
writeFileSync(join(KEYS, 'app_private_key.pem'), appKeys.privateKey);
writeFileSync(join(KEYS, 'alipay_private_key.pem'), alipayKeys.privateKey);
writeFileSync(join(KEYS, 'alipay_public_key.pem'), alipayKeys.publicKey);

/** Runs `node <args>` to its end: wall time seen from here, output, and the child's own usage report. */
function runNode({ args, env = {}, withUsage = true }) {
  const usageFile = join(DATA, `usage-${process.pid}.json`);
  rmSync(usageFile, { force: true });
  const preload = withUsage ? ['--import', USAGE_PRELOAD] : [];
  return new Promise((resolve, reject) => {
    const began = performance.now();
    const child = spawn(process.execPath, [...preload, ...args], {
      cwd: DATA,
      env: { ...process.env, ...env, ...(withUsage ? { ZHIMA_TEST_USAGE_FILE: usageFile } : {}) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = performance.now() - began;
      const usage = withUsage && existsSync(usageFile) ? JSON.parse(readFileSync(usageFile, 'utf8')) : undefined;
      rmSync(usageFile, { force: true });
      resolve({ code, wallMs, stdout, stderr, usage, cpuMs: usage ? (usage.userCpuUs + usage.systemCpuUs) / 1000 : NaN });
    });
  });
}

function fail(what, run) {
  throw new Error(`${what} failed (exit ${run.code}):\n${run.stderr.slice(-2000)}`);
}

async function validateRun(records) {
  const run = await runNode({ args: [join(here, 'validate-file.mjs'), pathOf(records), COLUMNS.join(','), PRIMARY_KEY.join(',')] });
  const verdict = run.code === 0 ? JSON.parse(run.stdout.trim().split('\n').pop()) : undefined;
  if (!verdict?.ok || verdict.records !== records) fail(`validateFile of ${pathOf(records)}`, run);
  return run;
}

let journals = 0;
/** One `zhima send` of the file to `gateway`, with a fresh journal so every part is really sent. */
async function sendRun({ records, gateway, nodeArgs = [] }) {
  const journal = join(DATA, `journal-${journals++}`);
  rmSync(journal, { recursive: true, force: true });
  const args = [...nodeArgs, BIN, 'send', pathOf(records), '--columns', COLUMNS.join(','), '--primary-key', PRIMARY_KEY.join(','), '--journal', journal, '--json'];
  const env = {
    ZHIMA_APP_ID: gateway.appId,
    ZHIMA_GATEWAY: gateway.gatewayUrl,
    ZHIMA_PRIVATE_KEY_FILE: gateway.privateKeyFile,
    ZHIMA_ALIPAY_PUBLIC_KEY_FILE: gateway.alipayPublicKeyFile,
  };
  const run = await runNode({ args, env });
  rmSync(journal, { recursive: true, force: true });
  const receipt = run.code === 0 ? JSON.parse(run.stdout) : undefined;
  if (receipt?.result !== 'success' || receipt.totals.recordsAccepted !== records) fail(`zhima send of ${pathOf(records)} to ${gateway.gatewayUrl}`, run);
  return { ...run, parts: receipt.totals.accepted };
}

const startSink = async () => ({
  ...(await startServeChild({ script: join(here, 'instant-sink.mjs'), args: [join(KEYS, 'alipay_private_key.pem')] })),
  appId: '2021000000000001',
  privateKeyFile: join(KEYS, 'app_private_key.pem'),
  alipayPublicKeyFile: join(KEYS, 'alipay_public_key.pem'),
});
const startSandbox = () => startServeChild({ script: join(here, 'sandbox-gateway.mjs'), args: [KEYS] });

const sorted = (values) => values.filter(Number.isFinite).sort((a, b) => a - b);
function median(values) {
  const list = sorted(values);
  const middle = list.length >> 1;
  return list.length === 0 ? NaN : list.length % 2 ? list[middle] : (list[middle - 1] + list[middle]) / 2;
}
const spread = (values) => ({ median: median(values), min: sorted(values)[0], max: sorted(values).at(-1), n: sorted(values).length });

// Row 1: `zhima --help` ÷ bare `node -e 0`, both timed from here (start-up is the point).
console.log(`zhima --help ÷ node -e 0, ${HELP_PAIRS} pairs`);
const help = [];
for (let pair = 0; pair < HELP_PAIRS; pair++) {
  const a = await runNode({ args: [BIN, '--help'], withUsage: false });
  if (a.code !== 0) fail('zhima --help', a);
  const b = await runNode({ args: ['-e', '0'], withUsage: false });
  help.push({ a: a.wallMs, b: b.wallMs, ratio: a.wallMs / b.wallMs });
}
console.log(`  median ${median(help.map((p) => p.ratio)).toFixed(2)}×`);

/** Pairs of (send to `start()`'s gateway, validateFile) on one file; the gateway child lives for one send. */
async function sendPairs({ records, pairs, start, name }) {
  const size = statSync(pathOf(records)).size;
  const rows = [];
  for (let pair = 0; pair < pairs; pair++) {
    const gateway = await start();
    let send;
    try {
      send = await sendRun({ records, gateway });
    } finally {
      gateway.measured = await gateway.stop();
    }
    const validate = await validateRun(records);
    const row = {
      sendWallMs: send.wallMs,
      sendCpuMs: send.cpuMs,
      validateWallMs: validate.wallMs,
      validateCpuMs: validate.cpuMs,
      wall: send.wallMs / validate.wallMs,
      cpu: send.cpuMs / validate.cpuMs,
      sendRssMB: send.usage.maxRssBytes / 1e6,
      validateRssMB: validate.usage.maxRssBytes / 1e6,
      sendRead: send.usage.rchar / size,
      sendDiskRead: send.usage.readBytes / size,
      sendWritten: send.usage.wchar / size,
      validateRead: validate.usage.rchar / size,
      parts: send.parts,
      gateway: gateway.measured,
      gatewayCpu: gateway.measured.cpuUs / 1000 / validate.cpuMs,
    };
    rows.push(row);
    console.log(`  ${name} ${label(records)} pair ${pair + 1}: wall ${row.wall.toFixed(2)}× cpu ${row.cpu.toFixed(2)}× send RSS ${row.sendRssMB.toFixed(0)} MB, read ${row.sendRead.toFixed(2)}× size; gateway ${JSON.stringify(gateway.measured)}`);
  }
  return { records, size, rows };
}

/**
 * Reads the file once so both sides of every pair find it in the page cache: a file partly evicted (say by
 * the last run's cold row) would charge its disk reads to whichever side came first.
 */
function warmPageCache(path) {
  const fd = openSync(path, 'r');
  const buffer = Buffer.allocUnsafe(1 << 20);
  try {
    while (readSync(fd, buffer, 0, buffer.length, null) > 0);
  } finally {
    closeSync(fd);
  }
}

const sink = [];
const sandbox = [];
for (const { records, sinkPairs, sandboxPairs } of FILES) {
  warmPageCache(pathOf(records));
  console.log(`zhima send ${label(records)} → instant sink ÷ validateFile, ${sinkPairs} pairs`);
  sink.push(await sendPairs({ records, pairs: sinkPairs, start: startSink, name: 'sink' }));
  if (sandboxPairs > 0) {
    console.log(`zhima send ${label(records)} → sandbox ÷ validateFile, ${sandboxPairs} pairs`);
    sandbox.push(await sendPairs({ records, pairs: sandboxPairs, start: startSandbox, name: 'sandbox' }));
  }
}

// Bytes send reads from the disk itself, not from the page cache: one extra send of each file after its
// pairs, with the file's cached pages dropped first (GNU dd's `iflag=nocache count=0`, Linux; no root
// needed, only this file's pages go). The pass that uploads re-reads what the validating pass just left in
// the page cache, so this is what reaches the disk, where `rchar` counts both passes.
function dropFromPageCache(path) {
  const run = spawnSync('dd', [`if=${path}`, 'iflag=nocache', 'count=0', 'status=none']);
  return run.status === 0;
}
const cold = [];
for (const { records } of FILES) {
  if (!dropFromPageCache(pathOf(records))) {
    console.log(`  cold ${label(records)}: dd cannot drop the file's page cache here; row left out`);
    continue;
  }
  const gateway = await startSink();
  let send;
  try {
    send = await sendRun({ records, gateway });
  } finally {
    await gateway.stop();
  }
  const size = statSync(pathOf(records)).size;
  // The kernel may keep a file's pages all the same (a small file just written, say): then nothing was
  // read from the disk, and the row would measure nothing.
  if (send.usage.readBytes < size / 2) {
    console.log(`  cold ${label(records)}: the file's pages stayed in the page cache (read_bytes ${(send.usage.readBytes / size).toFixed(2)}× size); row left out`);
    continue;
  }
  cold.push({ records, diskRead: send.usage.readBytes / size, read: send.usage.rchar / size });
  console.log(`  cold ${label(records)}: read_bytes ${(send.usage.readBytes / size).toFixed(2)}× size, rchar ${(send.usage.rchar / size).toFixed(2)}×`);
}

// Where send spends its time: one extra, profiled run against the sink on the first file (after the
// measured pairs, so the profiler's overhead is in no ratio).
const profiled = FILES[0].records;
const profileDir = join(DATA, 'cpu-prof');
rmSync(profileDir, { recursive: true, force: true });
{
  const gateway = await startSink();
  try {
    await sendRun({ records: profiled, gateway, nodeArgs: ['--cpu-prof', '--cpu-prof-dir', profileDir] });
  } finally {
    await gateway.stop();
  }
}

// dist/ frames named by their TypeScript source through the build's source maps.
const sourceMaps = new Map();
function sourceOf({ url, lineNumber, columnNumber }) {
  if (!url.startsWith('file://')) return url;
  const path = fileURLToPath(url);
  if (!sourceMaps.has(path)) sourceMaps.set(path, existsSync(`${path}.map`) ? new SourceMap(JSON.parse(readFileSync(`${path}.map`, 'utf8'))) : undefined);
  const entry = sourceMaps.get(path)?.findEntry(lineNumber, columnNumber);
  const [file, line] = entry?.originalSource ? [join(dirname(path), entry.originalSource), entry.originalLine] : [path, lineNumber];
  return `${relative(join(here, '../..'), file)}:${line + 1}`;
}

/** Self time per function of a .cpuprofile, largest first; `(idle)` (waiting on I/O) apart. */
function selfTimes(file) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const totals = new Map();
  let busy = 0;
  let idle = 0;
  profile.samples.forEach((id, index) => {
    const { callFrame } = byId.get(id);
    const delta = profile.timeDeltas[index] ?? 0;
    if (callFrame.functionName === '(idle)') {
      idle += delta;
      return;
    }
    const where = callFrame.url ? ` ${sourceOf(callFrame)}` : '';
    const key = `${callFrame.functionName || '(anonymous)'}${where}`;
    totals.set(key, (totals.get(key) ?? 0) + delta);
    busy += delta;
  });
  const top = [...totals].sort((a, b) => b[1] - a[1]).map(([name, us]) => ({ name, ms: us / 1000, share: us / busy }));
  return { top, busyMs: busy / 1000, idleMs: idle / 1000 };
}
const profileFile = readdirSync(profileDir).find((name) => name.endsWith('.cpuprofile'));
const hot = selfTimes(join(profileDir, profileFile));

// The report.
const x = (value) => (Number.isFinite(value) ? `${value.toFixed(2)}×` : '—');
const n = (value, digits = 2) => (Number.isFinite(value) ? value.toFixed(digits) : '—');
const check = (pass) => (pass ? '✅' : '❌');
const quote = ({ median: m, min, max, n: count }) => `${x(m)} (min ${x(min)}, max ${x(max)}, ${count} pairs)`;
const of = (rows, field) => spread(rows.map((row) => row[field]));
const maxOf = (rows, field) => Math.max(...rows.map((row) => row[field]));

const helpSpread = spread(help.map((p) => p.ratio));
const targets = [
  '| row | measured | target | |',
  '|---|---|---|---|',
  `| \`zhima --help\` wall ÷ \`node -e 0\` | ${quote(helpSpread)} | ≤ 1.3× | ${check(helpSpread.median <= 1.3)} |`,
];
for (const { records, rows } of sink) {
  const wall = of(rows, 'wall');
  const cpu = of(rows, 'cpu');
  const rss = maxOf(rows, 'sendRssMB');
  const read = maxOf(rows, 'sendRead');
  targets.push(
    `| ${label(records)}: \`zhima send\` → instant sink ÷ \`validateFile\`, wall | ${quote(wall)} | ≤ 1.3× | ${check(wall.median <= 1.3)} |`,
    `| ${label(records)}: the same, CPU | ${quote(cpu)} | ≤ 1.3× | ${check(cpu.median <= 1.3)} |`,
    `| ${label(records)}: \`zhima send\` peak RSS (highest run) | ${n(rss, 0)} MB | ≤ ${RSS_TARGET_MB(records)} MB | ${check(rss <= RSS_TARGET_MB(records))} |`,
    `| ${label(records)}: bytes read by \`zhima send\` (\`rchar\`) ÷ file size (highest run) | ${n(read)} | ≤ 1.1 | ${check(read <= 1.1)} |`,
  );
  const coldRun = cold.find((run) => run.records === records);
  if (coldRun) {
    targets.push(`| ${label(records)}: bytes read from the disk (\`read_bytes\`, the file's page cache dropped first) ÷ file size | ${n(coldRun.diskRead)} (\`rchar\` ${n(coldRun.read)}) | ≤ 1.1 | ${check(coldRun.diskRead <= 1.1)} |`);
  }
}

function pairTable({ records, size, rows }, gatewayName) {
  const lines = [
    `### ${label(records)} records (${n(size / 1e6, 1)} MB), \`zhima send\` → ${gatewayName}`,
    '',
    `| pair | send wall ÷ validate | send CPU ÷ validate | send peak RSS (MB) | validate peak RSS (MB) | send \`rchar\` ÷ size | send \`read_bytes\` ÷ size | validate \`rchar\` ÷ size | send \`wchar\` ÷ size | parts | ${gatewayName} CPU ÷ validate CPU | ${gatewayName} saw |`,
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
  ];
  rows.forEach((row, index) => {
    const saw = row.gateway.stored === undefined ? `${row.gateway.requests} requests, ${n(row.gateway.bodyBytes / 1e6, 1)} MB of bodies` : `${row.gateway.uploads} uploads, ${row.gateway.stored} records stored`;
    lines.push(
      `| ${index + 1} | ${x(row.wall)} | ${x(row.cpu)} | ${n(row.sendRssMB, 0)} | ${n(row.validateRssMB, 0)} | ${n(row.sendRead)} | ${n(row.sendDiskRead)} | ${n(row.validateRead)} | ${n(row.sendWritten)} | ${row.parts} | ${x(row.gatewayCpu)} | ${saw} |`,
    );
  });
  lines.push(
    `| **median** | **${x(of(rows, 'wall').median)}** | **${x(of(rows, 'cpu').median)}** | ${n(maxOf(rows, 'sendRssMB'), 0)} (max) | ${n(maxOf(rows, 'validateRssMB'), 0)} (max) | ${n(of(rows, 'sendRead').median)} | ${n(of(rows, 'sendDiskRead').median)} | ${n(of(rows, 'validateRead').median)} | ${n(of(rows, 'sendWritten').median)} | | ${x(of(rows, 'gatewayCpu').median)} | |`,
  );
  return lines.join('\n');
}

const sandboxRows = sandbox.map(({ records, rows }) => {
  const wall = of(rows, 'wall');
  const cpu = of(rows, 'cpu');
  const gatewayCpu = of(rows, 'gatewayCpu');
  return `| ${label(records)}: \`zhima send\` → sandbox ÷ \`validateFile\` | wall ${quote(wall)}; CPU ${quote(cpu)} | the sandbox process's CPU ÷ \`validateFile\`'s: ${quote(gatewayCpu)} |`;
});

// Notes written from the numbers of this run.
function notes() {
  const lines = [];
  for (const { records, rows } of sink) {
    const read = of(rows, 'sendRead').median;
    const validateRead = of(rows, 'validateRead').median;
    const wallPerCpu = median(rows.map((row) => row.sendWallMs / row.sendCpuMs));
    const split = rows[0].parts > 1;
    const passes = split
      ? 'send validates the file while a worker thread reads each planned part\'s byte ranges right behind it to hash them (from the page cache), then reads each part\'s byte ranges again only to stream them to the socket (nothing is uploaded before the file is fully validated)'
      : 'the file is within the part bound, so send validates and hashes it in one pass, then reads it again only to stream it to the socket (nothing is uploaded before the file is fully validated)';
    const bound = wallPerCpu <= 1.1 ? 'about its own CPU time: send is CPU-bound on its main thread' : 'above its own CPU time: it also waits (on I/O, on the answer, or for a core on this shared machine)';
    lines.push(
      `- ${label(records)}: \`zhima send\` passes ${n(read)}× the file's size through read syscalls, \`validateFile\` ${n(validateRead)}×: ${passes}. ` +
        `It writes ${n(of(rows, 'sendWritten').median)}× the size (the request bodies).`,
      `- ${label(records)}: the instant sink used ${x(of(rows, 'gatewayCpu').median)} of \`validateFile\`'s CPU, so it is not what send waits for; ` +
        `send's wall time is ${n(wallPerCpu)}× ${bound}. The ratio is the CLI's own work beyond validation (hashing, building and streaming the request); see the profile below.`,
      `- ${label(records)}: send peaks at ${n(maxOf(rows, 'sendRssMB'), 0)} MB against \`validateFile\`'s ${n(maxOf(rows, 'validateRssMB'), 0)} MB on the same file.`,
      // Seconds, not only the ratio: a faster validateFile raises the ratio of a send that got faster too.
      `- ${label(records)}: CPU seconds, medians: send ${n(median(rows.map((row) => row.sendCpuMs)) / 1000)} s, \`validateFile\` ${n(median(rows.map((row) => row.validateCpuMs)) / 1000)} s; what send adds: ${n(median(rows.map((row) => row.sendCpuMs - row.validateCpuMs)) / 1000)} s.`,
    );
  }
  for (const { records, rows } of sandbox) {
    lines.push(
      `- ${label(records)} against the sandbox: send's CPU ratio (${x(of(rows, 'cpu').median)}) is about the sink's, its wall ratio (${x(of(rows, 'wall').median)}) is higher: ` +
        `send waits for each answer while the sandbox verifies, validates and stores the part (the sandbox process's CPU is ${x(of(rows, 'gatewayCpu').median)} of \`validateFile\`'s for the whole file).`,
    );
  }
  lines.push(
    `- \`zhima --help\` and \`node -e 0\` each take a few tens of ms, so one scheduler hiccup moves a pair by 0.3×; the median of ${HELP_PAIRS} pairs is the figure to read, not the min or max.`,
    `- The load average (${load(loadAtStart)} at the start on ${availableParallelism()} cores) shows other jobs on the machine: wall ratios are noisier than CPU ratios; both sides of a pair ran under the same load.`,
  );
  if (mode !== 'full') lines.push('- The 10M-record file (2.4 GB, peak RSS target ≤ 250 MB) is measured only with `--full`; not in this run.');
  return lines.join('\n');
}

const loadAtEnd = loadavg();
const markdown = `# @zhima/cli benchmark

Generated by \`pnpm bench${mode === 'default' ? '' : ` --${mode}`}\` (\`bench/run.mjs\`) on ${startedAt.toISOString()}.
Machine: ${availableParallelism()} cores (\`os.availableParallelism()\`), ${cpus()[0]?.model ?? 'unknown CPU'}, ${n(totalmem() / 2 ** 30, 1)} GiB RAM,
Node ${process.version}; load average (1 / 5 / 15 min) ${load(loadAtStart)} at the start, ${load(loadAtEnd)} at the end.
The machine is shared with other jobs, so only ratios are quoted: each pair runs its two sides back to back
in this process tree (A then B, pair after pair), and a row quotes the **median of the per-pair ratios**
with the lowest and highest.

## Targets

${targets.join('\n')}

Beside the sandbox (informational: the sandbox verifies, validates and stores every part):

| row | measured | |
|---|---|---|
${sandboxRows.join('\n')}

## Notes

${notes()}

## How it is measured

- **\`zhima --help\`**: \`node dist/cli.js --help\` ÷ \`node -e 0\`, wall time from spawn to exit seen by the parent, ${HELP_PAIRS} pairs.
- **\`zhima send\`**: the built bin as a merchant runs it: \`zhima send <file> --columns … --primary-key order_no,pay_month
  --journal <fresh folder> --json\` (a fresh journal per run, removed afterwards, so every run really sends every
  part; the receipt must say \`success\` with every record accepted, or the bench stops).
- **\`validateFile\`**: \`@zhima/validator/node\`'s \`validateFile\` of the same file with what send gives it (the 10
  columns, the primary key, UTF-8, no declared count, the split plan at 52428800 bytes), in a child process of its own
  (\`bench/validate-file.mjs\`).
- Wall time: spawn to exit, seen by the parent (Node start-up included on both sides). CPU time, peak RSS and
  read counters: reported by each child itself at exit through the \`--import\` preload
  \`test/fixtures/report-max-rss.mjs\` (\`process.resourceUsage()\`: user + system CPU, \`maxRSS\`; \`/proc/self/io\`).
- **Bytes read**: \`rchar\` counts every byte the process passed through read syscalls — whether the page cache
  served them or the disk did — so it measures how often send reads the file, not disk traffic (the file is
  hot in the page cache after the first run; \`read_bytes\`, the block-device reads, is shown beside it and is
  near 0 for that reason). It also counts the few small files read at start (the bin's chunks, keys, journal)
  and the answers read from the socket. \`wchar\` (bytes written, mostly the request bodies to the socket) is
  shown for comparison.
- **Bytes read from the disk**: one extra send per file, after its pairs, with the file's pages dropped from the
  page cache first (\`dd if=<file> iflag=nocache count=0\`: only that file's pages, no root needed), so the
  validating pass reads it from the disk; \`read_bytes\` ÷ size is what reached the block device. A split file
  is read three times through syscalls (\`rchar\` ≈ 3: the hashing worker reads each part right behind the
  validation, and nothing is uploaded before the whole file is validated, while holding 240 MB of parts in
  memory would break the RSS bound); the worker's and the upload's passes find the pages the validating pass
  just brought in.
- **The instant sink** (\`bench/instant-sink.mjs\`): a node:http server on 127.0.0.1 in its own child process that
  drains each request body and answers at once \`{"zhima_data_batch_feedback_response":{"code":"10000","msg":"Success"},"sign":"…"}\`,
  signed RSA2 with node:crypto over the node's exact JSON text by an Alipay key pair generated for the run;
  the CLI is given its public half as the Alipay public key. A call for another method gets a 404. Before it is
  ready it takes two 32 MiB uploads of its own (counted nowhere): a gateway is a long-running server, and a sink
  started a moment before would charge its own warm-up to send (its first 48 MB part then took ≈ 2× as long).
- **The sandbox** (\`bench/sandbox-gateway.mjs\`): \`createSandbox()\` + \`listen()\` from \`@zhima/sandbox\` in its own
  child process; its CPU is counted from when it is listening until the send ends (its start-up excluded).
  The gateway child lives for one send; \`validateFile\` runs while no gateway is up.
- Files: \`packages/validator/bench/generate.mjs\` (realistic loan records, the API page's 10 columns, one record per
  line), written to \`bench/data/\` (git-ignored) once and reused.

## Results

${sink.map((file) => pairTable(file, 'instant sink')).join('\n\n')}

${sandbox.map((file) => pairTable(file, 'sandbox')).join('\n\n')}

### \`zhima --help\` ÷ \`node -e 0\`

Per pair: ${help.map((p) => x(p.ratio)).join(' ')}.

## Where \`zhima send\` spends its time

One extra run of \`zhima send\` (${label(profiled)} records → instant sink) under \`node --cpu-prof\`, after the
measured pairs. Self time per function (dist frames mapped to their sources), the largest first, as a share
of the ${n(hot.busyMs / 1000)} s the main thread was busy; it was idle (waiting on I/O) another ${n(hot.idleMs / 1000)} s.

| function (source:line) | self (ms) | share of busy |
|---|---:|---:|
${hot.top.slice(0, 12).map(({ name, ms, share }) => `| \`${name.replaceAll('|', '\\|')}\` | ${n(ms, 0)} | ${n(share * 100, 1)} % |`).join('\n')}
`;
writeFileSync(join(here, 'RESULTS.md'), markdown);
rmSync(KEYS, { recursive: true, force: true });
console.log(markdown);
