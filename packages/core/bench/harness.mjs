// A small side-by-side harness: contenders run in interleaved rounds in one process, so machine
// noise hits all of them alike; each reports the median rate over the rounds.
import { cpus, loadavg, totalmem } from 'node:os';

export async function compare({ title, contenders, rounds = 7, roundMs = 400 }) {
  const rates = Object.fromEntries(Object.keys(contenders).map((name) => [name, []]));
  for (const run of Object.values(contenders)) for (let i = 0; i < 50; i++) await run(); // warm up
  for (let round = 0; round < rounds; round++) {
    for (const [name, run] of Object.entries(contenders)) {
      let ops = 0;
      const start = performance.now();
      while (performance.now() - start < roundMs) {
        await run();
        ops++;
      }
      rates[name].push((ops * 1000) / (performance.now() - start));
    }
  }
  const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
  return { title, results: Object.entries(rates).map(([name, values]) => ({ name, opsPerSecond: median(values), microseconds: 1e6 / median(values) })) };
}

export function machine() {
  return `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${process.platform}/${process.arch}, 1-minute load average ${loadavg()[0].toFixed(1)} as it ended`;
}

export function table({ title, results }, baseline) {
  const base = results.find((result) => result.name === baseline);
  const lines = [`### ${title}`, '', '| contender | ops/s | µs/op | rate vs ' + baseline + ' |', '| --- | ---: | ---: | ---: |'];
  for (const result of results) {
    lines.push(`| ${result.name} | ${result.opsPerSecond.toFixed(0)} | ${result.microseconds.toFixed(1)} | ${(result.opsPerSecond / base.opsPerSecond).toFixed(2)}× |`);
  }
  return lines.join('\n');
}
