import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { formatTimestamp } from '@zhima/core';
import { COMMON_OPTIONS, parseCommandArgs } from '../args.js';
import { EXIT, type CliIo } from '../io.js';
import { formatBytes } from '../output/progress-bar.js';
import { UsageError } from '../usage-error.js';
import { DEFAULT_JOURNAL_DIR, readJournalFolder, type JournalEntry } from '../upload/journal.js';
import type { SendReceipt } from '../upload/receipt.js';

/**
 * `zhima journal --help`.
 *
 * @example
 * ```ts
 * io.stdout.write(JOURNAL_USAGE);
 * ```
 */
export const JOURNAL_USAGE = `Usage: zhima journal [<inputs folder|file|journal folder>] [--journal <folder>] [--json]

Lists what zhima send sent from a journal folder (by default .zhima-journal in the working directory,
or beside the inputs given): every part with how it last ended (accepted, unverified, refused,
not-answered) and when (China time), then every run from its receipt (when, result, exit code, counts).
It only reads: safe while a send is running.

Options:
  --journal <folder>   the journal folder, as given to zhima send --journal
  --json               print {"journal", "parts": [...], "runs": [...]} instead
  -h, --help           this help

Example:
  zhima journal out/
  zhima journal --journal /var/lib/zhima/journal --json | jq '.runs[-1]'
`;

const OPTIONS = { ...COMMON_OPTIONS, journal: { type: 'string' }, json: { type: 'boolean' } } as const;

/**
 * One run as `zhima journal` lists it, from its receipt.
 *
 * @example
 * ```ts
 * const run: JournalRun = { receipt: '/data/out/.zhima-journal/receipts/….json', runId: '…', startedAt: '…', result: 'success', exitCode: 0, totals: { … } };
 * ```
 */
export interface JournalRun {
  receipt: string;
  runId: string | null;
  startedAt: string | null;
  result: SendReceipt['result'] | 'unreadable';
  exitCode: number | null;
  totals: SendReceipt['totals'] | null;
}

async function findJournal({ input, flag, cwd }: { input: string | undefined; flag: string | undefined; cwd: string }): Promise<string> {
  if (flag !== undefined) return resolve(cwd, flag);
  if (input === undefined) return join(cwd, DEFAULT_JOURNAL_DIR);
  const path = resolve(cwd, input);
  const info = await stat(path).catch(() => undefined);
  if (info === undefined) throw new UsageError({ message: `No such file or folder: ${input}` });
  if (!info.isDirectory()) return join(dirname(path), DEFAULT_JOURNAL_DIR);
  // A journal folder itself, or the folder of the inputs it sits beside.
  const isJournal = basename(path) === DEFAULT_JOURNAL_DIR || (await stat(join(path, 'journal.json')).catch(() => undefined)) !== undefined;
  return isJournal ? path : join(path, DEFAULT_JOURNAL_DIR);
}

async function readRun(path: string): Promise<JournalRun> {
  try {
    const receipt = JSON.parse(await readFile(path, 'utf8')) as SendReceipt;
    return { receipt: path, runId: receipt.runId, startedAt: receipt.startedAt, result: receipt.result, exitCode: receipt.exitCode, totals: receipt.totals };
  } catch {
    return { receipt: path, runId: null, startedAt: null, result: 'unreadable', exitCode: null, totals: null };
  }
}

const chinaTime = (iso: string) => `${formatTimestamp({ date: new Date(iso) })} +08:00`;

function partLine(part: JournalEntry & { sha256: string }): string {
  const code = part.code === null ? '' : `  ${part.code}`;
  return `  ${chinaTime(part.at)}  ${part.outcome.padEnd(12)}  ${part.fileName}  (${part.input}, ${part.records} records, ${formatBytes(part.bytes)}, sha256 ${part.sha256.slice(0, 12)}…)${code}  run ${part.runId}`;
}

function runLine(run: JournalRun): string {
  if (run.totals === null || run.startedAt === null) return `  ${basename(run.receipt)}: unreadable receipt`;
  const { parts, accepted, skipped, refused, unverified, notAnswered, notSent } = run.totals;
  return (
    `  ${chinaTime(run.startedAt)}  ${String(run.result).padEnd(12)}  exit ${run.exitCode}  ${parts} parts: ${accepted} accepted, ${skipped} skipped, ` +
    `${refused} refused, ${unverified} unverified, ${notAnswered + notSent} failed  (${basename(run.receipt)})`
  );
}

/**
 * `zhima journal`: lists a send journal's parts and runs; resolves to the exit code.
 *
 * @example
 * ```ts
 * await journalCommand({ args: ['out/'], io });
 * ```
 */
export async function journalCommand({ args, io }: { args: string[]; io: CliIo }): Promise<number> {
  const { values, positionals } = parseCommandArgs({ args, options: OPTIONS, usage: JOURNAL_USAGE });
  if (values.help) {
    io.stdout.write(JOURNAL_USAGE);
    return EXIT.OK;
  }
  if (positionals.length > 1) throw new UsageError({ message: 'Give one inputs folder, file or journal folder.', hint: JOURNAL_USAGE });
  const dir = await findJournal({ input: positionals[0], flag: values.journal, cwd: io.cwd });
  const { parts, receipts } = await readJournalFolder({ dir });
  const runs = await Promise.all(receipts.map(readRun));
  const latestFirst = [...parts].sort((a, b) => b.at.localeCompare(a.at));
  if (values.json) {
    io.stdout.write(`${JSON.stringify({ journal: dir, parts: latestFirst, runs }, null, 2)}\n`);
    return EXIT.OK;
  }
  io.stdout.write(
    [
      `Journal ${dir}`,
      `Parts (${parts.length}), latest first:`,
      ...(latestFirst.length === 0 ? ['  (none)'] : latestFirst.map(partLine)),
      `Runs (${runs.length}; receipts in ${join(dir, 'receipts')}):`,
      ...(runs.length === 0 ? ['  (none)'] : runs.map(runLine)),
      '',
    ].join('\n'),
  );
  return EXIT.OK;
}
