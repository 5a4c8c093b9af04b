// `pnpm bench [--quick]`: generates the data files, runs every contender in its own child process,
// side by side in one run, and writes bench/RESULTS.md. `--quick` skips the 10M-record (2.4 GB) file.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { generate } from './generate.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const quick = process.argv.includes('--quick');
mkdirSync(`${here}data`, { recursive: true });
// Contenders load a snapshot of the freshly built dist/: other jobs may rebuild the package meanwhile.
const snapshot = `${here}data/dist/`;
rmSync(snapshot, { recursive: true, force: true });
cpSync(`${here}../dist/`, snapshot, { recursive: true });

const DATA = {
  '100k-utf8': { records: 100_000, charset: 'UTF-8' },
  '1m-utf8': { records: 1_000_000, charset: 'UTF-8' },
  '1m-gbk': { records: 1_000_000, charset: 'GBK' },
  // JSON.stringify output: the whole file on one line.
  '1m-utf8-one-line': { records: 1_000_000, charset: 'UTF-8', oneLine: true },
  // JSON.stringify(document, null, 2) output.
  '1m-utf8-pretty': { records: 1_000_000, charset: 'UTF-8', pretty: true },
  '10m-utf8': { records: 10_000_000, charset: 'UTF-8' },
};
const pathOf = (name) => `${here}data/loan-${name}.json`;

const ALL = ['json-parse', 'json-parse+check', 'streamparser', 'stream-json', 'validator', 'validator+rules'];
// Each round runs its contenders in this order, so every ratio below divides runs made back to back.
const ONE_M = ['json-parse', 'json-parse+check', 'streamparser', 'stream-json', 'validator', 'validator+rules', 'validator-web-stream', 'validator-byte-stream', 'validator-blob', 'validator-split', 'read-web-stream', 'read-byte-stream', 'read-file'];
const PLAN = [
  { data: '100k-utf8', contenders: ALL, rounds: 3 },
  // The headline pair (json-parse, validator) runs back to back in every round: 5 rounds give paired ratios.
  { data: '1m-utf8', contenders: ONE_M, rounds: 5, once: ['streamparser', 'stream-json'] },
  { data: '1m-gbk', contenders: ['json-parse', 'json-parse+check', 'validator', 'validator+rules'], rounds: 3 },
  // The same file checked with unique keys and with one key shared by every record (all duplicates), back to back.
  { data: '1m-utf8-one-line', contenders: ['json-parse', 'validator', 'validator-shared-key'], rounds: 5 },
  { data: '1m-utf8-pretty', contenders: ['json-parse', 'validator'], rounds: 5 },
  ...(quick ? [] : [{ data: '10m-utf8', contenders: ['json-parse', 'validator', 'validator-without-records'], rounds: 1 }]),
];

for (const { data } of PLAN) {
  const { records, charset, oneLine = false, pretty = false } = DATA[data];
  if (!existsSync(pathOf(data))) {
    console.log(`generating ${pathOf(data)} …`);
    await generate({ records, charset, path: pathOf(data), oneLine, pretty });
  }
}

function runContender(contender, data) {
  const { records, charset } = DATA[data];
  const child = spawnSync(process.execPath, [`${here}contender.mjs`, contender, pathOf(data), charset, String(records)], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
    // A contender that hangs (say an older build on the shared-key file) is reported, not waited for.
    timeout: 15 * 60 * 1000,
    env: { ...process.env, VALIDATOR_DIST: new URL(`file://${snapshot}`).href },
  });
  const line = child.stdout.trim().split('\n').pop();
  try {
    return JSON.parse(line);
  } catch {
    if (child.error?.code === 'ETIMEDOUT') return { ms: NaN, maxRssMB: NaN, records: 0, ok: false, note: 'timed out after 15 min' };
    const stderr = (child.stderr || `exit ${child.status}`).trim().split('\n');
    return { ms: NaN, maxRssMB: NaN, records: 0, ok: false, note: (stderr.find((text) => /Error/.test(text)) ?? stderr.pop()).slice(0, 120) };
  }
}

const results = {};
/** Wall time of every round, by "data contender", for ratios of runs done back to back. */
const walls = {};
/** CPU time of every round, the same way: less swayed by other jobs on the shared machine. */
const cpuTimes = {};
for (const { data, contenders, rounds, once = [] } of PLAN) {
  results[data] = {};
  for (let round = 0; round < rounds; round++) {
    for (const contender of contenders) {
      if (round > 0 && once.includes(contender)) continue;
      const outcome = runContender(contender, data);
      console.log(data, contender, JSON.stringify(outcome));
      const best = results[data][contender];
      (walls[`${data} ${contender}`] ??= [])[round] = outcome.note ? NaN : outcome.ms;
      (cpuTimes[`${data} ${contender}`] ??= [])[round] = outcome.note ? NaN : outcome.cpuMs;
      // Fastest run for time (the machine is shared), highest for memory; a failed run never hides a good one.
      if (best === undefined || (best.note && !outcome.note)) results[data][contender] = { ...outcome, runs: (best?.runs ?? 0) + 1 };
      else if (outcome.note) best.runs++;
      else {
        best.runs++;
        if (!(outcome.ms >= best.ms)) best.ms = outcome.ms;
        if (!(outcome.cpuMs >= best.cpuMs)) best.cpuMs = outcome.cpuMs;
        best.maxRssMB = Math.max(best.maxRssMB, outcome.maxRssMB);
      }
    }
  }
}

const check = (pass) => (pass ? '✅' : '❌');
const fmt = (value, digits = 2) => (Number.isFinite(value) ? value.toFixed(digits) : '—');
const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) ? `${(a / b).toFixed(2)}×` : '—');

function table(data) {
  const rows = results[data];
  const base = rows['json-parse']?.note ? NaN : rows['json-parse']?.ms;
  const baseCpu = rows['json-parse']?.note ? NaN : rows['json-parse']?.cpuMs;
  const mb = statSync(pathOf(data)).size / 1e6;
  const lines = [
    `### ${data} (${DATA[data].records.toLocaleString('en')} records, ${fmt(mb, 1)} MB, ${DATA[data].charset})`,
    '',
    '| contender | wall (s) | CPU (s) | MB/s (wall) | peak RSS (MB) | wall vs json-parse | CPU vs json-parse | result |',
    '|---|---:|---:|---:|---:|---:|---:|---|',
  ];
  for (const [contender, row] of Object.entries(rows)) {
    const result = row.note ? `fails: ${row.note}` : `${row.ok ? 'ok' : 'NOT ok'}, ${row.records} records${row.issues ? ` (${row.issues})` : ''}`;
    const ms = row.note ? NaN : row.ms;
    const cpuMs = row.note ? NaN : row.cpuMs;
    lines.push(`| ${contender} | ${fmt(ms / 1000)} | ${fmt(cpuMs / 1000)} | ${fmt(mb / (ms / 1000), 1)} | ${fmt(row.maxRssMB, 0)} | ${ratio(ms, base)} | ${ratio(cpuMs, baseCpu)} | ${result} |`);
  }
  return lines.join('\n');
}

const medianOf = (values) => (values.length === 0 ? NaN : values.length % 2 === 1 ? values[(values.length - 1) / 2] : (values[values.length / 2 - 1] + values[values.length / 2]) / 2);
/** Round-by-round ratios of `contender` over `over` on `data` (runs back to back), sorted, and their median. */
function pairedRatios(data, contender, over, times = walls) {
  const values = (times[`${data} ${contender}`] ?? []).map((ms, round) => ms / times[`${data} ${over}`][round]).filter(Number.isFinite).sort((a, b) => a - b);
  return { values, median: medianOf(values) };
}
const pairedCell = ({ values, median }) => `median ${fmt(median)}× (${values.map((value) => `${fmt(value)}×`).join(' ')})`;
const issue15 = [
  ['`validateFile` ÷ whole-file `JSON.parse`, one record per line', '1m-utf8', 'validator', 'json-parse', 0.5],
  ['the same, minified on one line (`JSON.stringify` output)', '1m-utf8-one-line', 'validator', 'json-parse', 0.6],
  ['the same, pretty-printed with indent 2', '1m-utf8-pretty', 'validator', 'json-parse', 0.7],
  ['portable `validateRecords` on a web `ReadableStream` ÷ `validateFile`', '1m-utf8', 'validator-web-stream', 'validator', 1.2],
  ['the same on a minimal byte `ReadableStream` of 1 MiB reads (no `Blob` reader) ÷ `validateFile`', '1m-utf8', 'validator-byte-stream', 'validator', 1.2],
  ['portable `validateRecords` on the `Blob` itself ÷ `validateFile`', '1m-utf8', 'validator-blob', 'validator', 1.2],
  ['`validateFile` with `zhima send`’s split (52428800-byte parts, `createSha256`) ÷ without, within send’s 1.3× budget', '1m-utf8', 'validator-split', 'validator', 1.3],
  ['with `loanTemplateRules` ÷ without, on valid data', '1m-utf8', 'validator+rules', 'validator', 1.3],
].map(([name, data, contender, over, bound]) => {
  const paired = pairedRatios(data, contender, over);
  const cpu = pairedRatios(data, contender, over, cpuTimes);
  // Met only when both are: wall alone would credit work moved to other threads (the Blob reader's) as free.
  return `| ${name} ≤ ${bound}× | wall ${pairedCell(paired)} | CPU ${pairedCell(cpu)} | ${check(paired.median <= bound && cpu.median <= bound)} |`;
});
// The least the web-stream row can be: validateFile plus what reading the stream costs over reading the file
// as validateFile does, round by round; a validator that cost nothing beyond its reads would sit here.
const streamFloor = (times) => {
  const at = (contender, round) => times[`1m-utf8 ${contender}`]?.[round];
  const values = (times['1m-utf8 validator'] ?? [])
    .map((ms, round) => (ms + at('read-web-stream', round) - at('read-file', round)) / ms)
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  return { values, median: medianOf(values) };
};
issue15.splice(4, 0, `| the floor of that row: (\`validateFile\` + reading the stream alone − reading the file as \`validateFile\` does) ÷ \`validateFile\` | wall ${pairedCell(streamFloor(walls))} | CPU ${pairedCell(streamFloor(cpuTimes))} | — |`);
const u = results['1m-utf8'];
const g = results['1m-gbk'];
const tenM = results['10m-utf8'];
// Each round's validator run divided by the json-parse run just before it: shows the spread the shared machine adds.
const paired = walls['1m-utf8 validator']
  .map((ms, round) => ms / walls['1m-utf8 json-parse'][round])
  .filter(Number.isFinite)
  .sort((a, b) => a - b);
const median = medianOf(paired);
const o = results['1m-utf8-one-line'];
// Each round's shared-key run divided by the unique-key run just before it, on the same one-line file.
const sharedPaired = walls['1m-utf8-one-line validator-shared-key']
  .map((ms, round) => ms / walls['1m-utf8-one-line validator'][round])
  .filter(Number.isFinite)
  .sort((a, b) => a - b);
const sharedMedian = medianOf(sharedPaired);
const targets = [
  '| target | measured | |',
  '|---|---|---|',
  `| 1M UTF-8 validation ≤ 1.2× whole-file \`JSON.parse\` time (wall) | ${ratio(u.validator.ms, u['json-parse'].ms)} (${fmt(u.validator.ms / 1000)} s vs ${fmt(u['json-parse'].ms / 1000)} s) | ${check(u.validator.ms <= 1.2 * u['json-parse'].ms)} |`,
  `| the same, round by round (validator run right after json-parse) | median ${fmt(median)}×, ${paired.map((value) => `${fmt(value)}×`).join(' ')} | ${check(median <= 1.2)} |`,
  `| the same in CPU time (less sensitive to the shared machine) | ${ratio(u.validator.cpuMs, u['json-parse'].cpuMs)} (${fmt(u.validator.cpuMs / 1000)} s vs ${fmt(u['json-parse'].cpuMs / 1000)} s) | ${check(u.validator.cpuMs <= 1.2 * u['json-parse'].cpuMs)} |`,
  `| 1M UTF-8 peak RSS ≤ 250 MB | ${fmt(u.validator.maxRssMB, 0)} MB (whole-file JSON.parse: ${fmt(u['json-parse'].maxRssMB, 0)} MB) | ${check(u.validator.maxRssMB <= 250)} |`,
  `| GBK ≤ 1.4× the UTF-8 time (wall) | ${ratio(g.validator.ms, u.validator.ms)} (${fmt(g.validator.ms / 1000)} s vs ${fmt(u.validator.ms / 1000)} s) | ${check(g.validator.ms <= 1.4 * u.validator.ms)} |`,
  `| one-line file, one key shared by all 1M records ÷ the same file with unique keys ≤ 2× (paired rounds) | median ${fmt(sharedMedian)}×, ${sharedPaired.map((value) => `${fmt(value)}×`).join(' ')} (best ${fmt(o['validator-shared-key'].ms / 1000)} s vs ${fmt(o.validator.ms / 1000)} s) | ${check(sharedMedian <= 2)} |`,
];
const tenMSection = tenM
  ? [
      table('10m-utf8'),
      '',
      `10M target (peak RSS ≤ 512 MB, uniqueness included): ${fmt(tenM.validator.maxRssMB, 0)} MB with \`records\`, ${fmt(tenM['validator-without-records'].maxRssMB, 0)} MB without ${check(Math.max(tenM.validator.maxRssMB, tenM['validator-without-records'].maxRssMB) <= 512 && tenM.validator.ok)}`,
    ].join('\n')
  : undefined;

const resultsPath = `${here}RESULTS.md`;
const previous = existsSync(resultsPath) ? readFileSync(resultsPath, 'utf8') : '';
const notes = /<!-- notes:start -->\n([\s\S]*?)\n<!-- notes:end -->/.exec(previous)?.[1] ?? '';
const kept = /<!-- 10m:start -->\n([\s\S]*?)\n<!-- 10m:end -->/.exec(previous)?.[1];
const cpu = cpus()[0]?.model ?? 'unknown';
const nproc = execFileSync('nproc', { encoding: 'utf8' }).trim();
const markdown = `# @zhima/validator benchmark

Generated by \`pnpm bench${quick ? ' --quick' : ''}\` on ${new Date().toISOString()}.
Machine: ${nproc} cores (\`nproc\`), ${cpu}, ${fmt(totalmem() / 2 ** 30, 1)} GiB RAM, Node ${process.version};
load average at the end of the run ${loadavg().map((n) => n.toFixed(2)).join(' / ')} (the machine is shared with other jobs,
so absolute times vary; the ratios come from the same run). Times are the fastest of the runs (wall and CPU
separately), RSS the highest. CPU time (\`process.cpuUsage()\`, user + system, GC threads included) is shown
because wall time on this shared 2-core machine swings by 2× between runs of the same program.

Each contender runs in its own child process and reports \`process.resourceUsage().maxRSS\`:
- **json-parse**: \`readFile\` + \`TextDecoder\` (fatal) + \`JSON.parse\` of the whole file — the baseline.
- **json-parse+check**: the same plus a straightforward check (keys equal columns, primary keys in a JS \`Set\`, count).
- **streamparser** / **stream-json**: the streaming parsers \`@streamparser/json\` and \`stream-json\` with the same check.
- **validator**: \`validateFile\` from \`@zhima/validator/node\` (all file rules, exact primary-key uniqueness).
- **validator+rules**: the same with \`loanTemplateRules\` (ID numbers, code lists, amounts, dates).
- **validator-without-records** (10M only): without the \`records\` param, so the key index sizes itself from the file size.
- **validator-web-stream**: portable \`validateRecords\` on a web \`ReadableStream\` (\`openAsBlob(path).stream()\`), no random access.
- **read-web-stream** / **read-file**: reading only, no validation: the same web stream, and the file in 1 MiB positioned reads as \`validateFile\` reads it; their difference is what the stream costs any consumer before a byte is checked.
- **validator-byte-stream** / **read-byte-stream**: the same portable path, and reading alone, on a minimal web byte stream (\`type: 'bytes'\`, each pull one 1 MiB positioned read, as a runtime's own file stream or a fetch body hands bytes over): the validator apart from Node's \`Blob\` reader.
- **validator-blob**: portable \`validateRecords\` given the \`Blob\` (\`openAsBlob(path)\`): 1 MiB slices, its size and random access known.
- **validator-split**: \`validateFile\` with \`split: { maxFileBytes: 52428800, hash: createSha256 }\`, as \`zhima send\` validates.
- **validator-shared-key** (one-line file only): \`user_credentials_type\` as the primary key, \`0\` in every record, so every record
  after the first is a duplicate: 1000 issues kept, all counted (the O(n) check: no cost per issue beyond \`maxIssues\`).

Files: realistic loan records (valid PRC ID numbers, Chinese names) in the API page's 10 example columns,
written by \`bench/generate.mjs\` into \`bench/data/\` (git-ignored), one record per line, or all on one line
(\`JSON.stringify\` output) for \`one-line\`, or \`JSON.stringify(document, null, 2)\` output for \`pretty\`.

## Targets

Issue 15's rows: each a median of the round-by-round ratios (the two contenders run back to back in every round).

| target | wall, paired | CPU, paired | |
|---|---|---|---|
${issue15.join('\n')}

Earlier targets:

${targets.join('\n')}
${tenMSection ? '' : '\n(10M run skipped with --quick; the section below is from the last full run.)\n'}
## Results

${table('100k-utf8')}

${table('1m-utf8')}

${table('1m-gbk')}

${table('1m-utf8-one-line')}

${table('1m-utf8-pretty')}

<!-- notes:start -->
${notes}
<!-- notes:end -->

<!-- 10m:start -->
${tenMSection ?? kept ?? '10M run not done yet: run `pnpm bench` without --quick.'}
<!-- 10m:end -->
`;
writeFileSync(resultsPath, markdown);
console.log(markdown);
