// A small side-by-side harness: contenders run in interleaved rounds in one process, so machine
// noise hits all of them alike; each reports the median rate over the rounds. Rounds are short and
// alternate their order, and a ratio between two contenders is the median of their per-round ratios
// (`pairedRatio`): on a shared machine the load changes within seconds, and a ratio of two medians
// taken seconds apart moved by ±0.3 between runs.
import { cpus, loadavg, totalmem } from 'node:os';

export async function compare({ title, contenders, rounds = 21, roundMs = 130 }) {
  const rates = Object.fromEntries(Object.keys(contenders).map((name) => [name, []]));
  for (const run of Object.values(contenders)) for (let i = 0; i < 50; i++) await run(); // warm up
  const entries = Object.entries(contenders);
  for (let round = 0; round < rounds; round++) {
    for (const [name, run] of round % 2 === 0 ? entries : [...entries].reverse()) {
      let ops = 0;
      const start = performance.now();
      while (performance.now() - start < roundMs) {
        await run();
        ops++;
      }
      rates[name].push((ops * 1000) / (performance.now() - start));
    }
  }
  return { title, rates, results: Object.entries(rates).map(([name, values]) => ({ name, opsPerSecond: median(values), microseconds: 1e6 / median(values) })) };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** The median over rounds of `top`'s rate ÷ `bottom`'s, each pair measured moments apart. */
export function pairedRatio({ rates }, top, bottom) {
  return median(rates[top].map((rate, round) => rate / rates[bottom][round]));
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
