import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CliError } from '../cli-error.js';
import { acquireLockFile, type LockOwner } from '../fs/lock-file.js';
import { EXIT } from '../io.js';

/**
 * How a part ended the last time it was sent. `accepted` parts are skipped by later runs; the others
 * are sent again (safe: the gateway upserts records by primary key).
 *
 * @example
 * ```ts
 * const outcome: JournalOutcome = 'unverified';
 * ```
 */
export type JournalOutcome = 'accepted' | 'unverified' | 'refused' | 'not-answered';

/**
 * What the journal remembers of one part, keyed by the SHA-256 of its bytes.
 *
 * @example
 * ```ts
 * const entry: JournalEntry = { outcome: 'accepted', input: 'out/loans.json', part: 0, fileName: 'loans.json', records: 1000, bytes: 181234, appId: '2021000000000001', gateway: 'https://openapi.alipay.com/gateway.do', at: '2025-01-02T01:00:00.000Z', runId: '2025-01-02T01-00-00-000Z-4242', code: null };
 * ```
 */
export interface JournalEntry {
  outcome: JournalOutcome;
  input: string;
  /** 0-based piece number within its input. */
  part: number;
  fileName: string;
  records: number;
  bytes: number;
  appId: string;
  gateway: string;
  /** When the outcome was recorded (ISO 8601, UTC). */
  at: string;
  /** The run that recorded it: its receipt is `receipts/<runId>.json`. */
  runId: string;
  /** Why it was not accepted: the error code, with the gateway's code and sub_code for a refusal. */
  code: string | null;
}

/**
 * The send journal, a folder beside the inputs (default `.zhima-journal`): `journal.json` (what each
 * part's bytes last came to, per app and gateway), `journal.lock` (held from `openJournal` to `close`,
 * so two sends cannot both upload) and `receipts/` (one run receipt per run).
 *
 * @example
 * ```ts
 * const journal = await openJournal({ dir: '/data/out/.zhima-journal', onNotice });
 * try {
 *   if (journal.previous({ hash, appId, gateway })?.outcome !== 'accepted') await upload();
 * } finally {
 *   await journal.close();
 * }
 * ```
 */
export interface Journal {
  dir: string;
  /** The last recorded outcome of these bytes for this app and gateway. */
  previous(target: { hash: string; appId: string; gateway: string }): JournalEntry | undefined;
  /** Records an outcome, atomically (a crash leaves the previous journal, never a torn one). */
  record(hash: string, entry: JournalEntry): Promise<void>;
  /** Writes a run receipt as `receipts/<runId>.json`; resolves to its path. */
  saveReceipt(runId: string, receipt: unknown): Promise<string>;
  /** Releases the lock. */
  close(): Promise<void>;
}

interface JournalFile {
  version: 2;
  parts: Record<string, JournalEntry>;
}

/**
 * The journal folder's name when `--journal` is not given: it sits beside the inputs (in the folder
 * given, or the folder of the first file; the working directory for standard input).
 *
 * @example
 * ```ts
 * join(inputFolder, DEFAULT_JOURNAL_DIR); // '/data/out/.zhima-journal'
 * ```
 */
export const DEFAULT_JOURNAL_DIR = '.zhima-journal';
const JOURNAL_FILE = 'journal.json';
const LOCK_FILE = 'journal.lock';
const RECEIPTS = 'receipts';
const VERSION = 2;

const OUTCOMES: readonly JournalOutcome[] = ['accepted', 'unverified', 'refused', 'not-answered'];
const ENTRY_FIELDS = {
  outcome: 'outcome',
  input: 'string',
  part: 'count',
  fileName: 'string',
  records: 'count',
  bytes: 'count',
  appId: 'string',
  gateway: 'string',
  at: 'string',
  runId: 'string',
  code: 'string or null',
} as const satisfies Record<keyof JournalEntry, string>;

const SHA256 = /^[0-9a-f]{64}$/;

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fieldOk(kind: (typeof ENTRY_FIELDS)[keyof typeof ENTRY_FIELDS], value: unknown): boolean {
  if (kind === 'outcome') return OUTCOMES.includes(value as JournalOutcome);
  if (kind === 'string') return typeof value === 'string';
  if (kind === 'string or null') return value === null || typeof value === 'string';
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

// Why an entry is not one, or undefined when it is.
function entryProblem(entry: unknown): string | undefined {
  if (!isObject(entry)) return `expected an object, got ${describeValue(entry)}`;
  for (const [field, kind] of Object.entries(ENTRY_FIELDS)) {
    if (!fieldOk(kind, entry[field])) {
      const expected = kind === 'outcome' ? `one of ${OUTCOMES.join(', ')}` : kind === 'count' ? 'a non-negative integer' : `a ${kind}`;
      return `"${field}" must be ${expected}, got ${JSON.stringify(entry[field]) ?? 'nothing'}`;
    }
  }
  return undefined;
}

function invalidJournal(path: string, problem: string): CliError {
  return new CliError({
    code: 'JOURNAL_INVALID',
    message: `The journal ${path} ${problem}.`,
    hint:
      'zhima send reads it to skip files the gateway already accepted, so it sent nothing. If the file was edited or ' +
      'restored by mistake, put the right one back. To send everything again, pass --restart (the gateway upserts by ' +
      'primary key, so a resent file does not double records), or pass --journal <another folder>.',
    exitCode: EXIT.USAGE,
  });
}

/** Reads a journal's text, refusing anything that is not a journal this zhima wrote. */
function parseJournal({ path, text }: { path: string; text: string }): JournalFile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw invalidJournal(path, `is not valid JSON (${(error as Error).message})`);
  }
  if (!isObject(parsed)) throw invalidJournal(path, `is not a zhima send journal: expected {"version":${VERSION},"parts":{…}}, got ${describeValue(parsed)}`);
  if (parsed.version !== VERSION) throw invalidJournal(path, `has version ${JSON.stringify(parsed.version) ?? 'none'}; this zhima reads version ${VERSION}`);
  const parts = parsed.parts;
  if (!isObject(parts)) throw invalidJournal(path, `is damaged: "parts" must be an object keyed by SHA-256, got ${describeValue(parts)}`);
  for (const [hash, entry] of Object.entries(parts)) {
    if (!SHA256.test(hash)) throw invalidJournal(path, `is damaged: the key ${JSON.stringify(hash)} is not a SHA-256 (64 lowercase hex digits)`);
    const problem = entryProblem(entry);
    if (problem !== undefined) throw invalidJournal(path, `is damaged: entry ${hash.slice(0, 12)}… is not a journal entry: ${problem}`);
  }
  return { version: VERSION, parts: parts as Record<string, JournalEntry> };
}

async function readJournalFile(path: string): Promise<JournalFile> {
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw invalidJournal(path, `cannot be read (${error.code ?? error.message})`);
  });
  return text === undefined ? { version: VERSION, parts: {} } : parseJournal({ path, text });
}

// Write-then-rename under a unique name: readers see the old file or the new one, never a torn one.
async function writeAtomically(path: string, text: string): Promise<void> {
  const temporary = `${path}.${process.pid}.${randomUUID()}.tmp`;
  await writeFile(temporary, text);
  try {
    await rename(temporary, path);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
}

async function ensureFolder(dir: string): Promise<void> {
  const info = await stat(dir).catch(() => undefined);
  if (info !== undefined && !info.isDirectory()) {
    throw invalidJournal(dir, 'is a file, and the journal is a folder (it holds journal.json, journal.lock and receipts/)');
  }
  await mkdir(join(dir, RECEIPTS), { recursive: true });
}

function lockedError({ dir, lockPath, owner }: { dir: string; lockPath: string; owner: LockOwner | undefined }): CliError {
  if (owner === undefined) {
    return new CliError({
      code: 'JOURNAL_LOCKED',
      message: `The journal lock ${lockPath} exists but was not written by zhima send.`,
      hint: `If no zhima send is running on ${dir}, delete ${lockPath} and run again.`,
      exitCode: EXIT.LOCKED,
    });
  }
  return new CliError({
    code: 'JOURNAL_LOCKED',
    message: `Another zhima send is using the journal ${dir} (pid ${owner.pid} on host ${owner.host}, started ${owner.startedAt}).`,
    hint:
      `Two runs on one journal could upload the same files twice, so this one did nothing: run it again once that run has finished. ` +
      `If that run is gone (its host is down or the pid is another program now), delete ${lockPath}.`,
    exitCode: EXIT.LOCKED,
  });
}

/**
 * Opens (or starts) a journal folder: takes its lock (a second run fails with `JOURNAL_LOCKED`, exit
 * 75), then reads `journal.json`, refusing one that is not a journal (`JOURNAL_INVALID`, exit 2) with
 * its name and what to do. `onNotice` hears about a stale lock taken over.
 *
 * @example
 * ```ts
 * const journal = await openJournal({ dir: join(folder, DEFAULT_JOURNAL_DIR), onNotice: (text) => io.stderr.write(`notice: ${text}\n`) });
 * ```
 */
export async function openJournal({ dir, onNotice }: { dir: string; onNotice: (text: string) => void }): Promise<Journal> {
  await ensureFolder(dir);
  const lockPath = join(dir, LOCK_FILE);
  const lock = await acquireLockFile({
    lockPath,
    locked: (owner) => lockedError({ dir, lockPath, owner }),
    takenOver: (holder) =>
      onNotice(
        `took over the journal lock of zhima pid ${holder.pid} on this host (started ${holder.startedAt}), which is no longer running. ` +
          'That run was interrupted: a file it was sending may be sent again, which the gateway upserts by primary key.',
      ),
  });
  const path = join(dir, JOURNAL_FILE);
  let state: JournalFile;
  try {
    state = await readJournalFile(path);
  } catch (error) {
    await lock.release();
    throw error;
  }
  return {
    dir,
    previous: ({ hash, appId, gateway }) => {
      const entry = Object.hasOwn(state.parts, hash) ? state.parts[hash] : undefined;
      return entry !== undefined && entry.appId === appId && entry.gateway === gateway ? entry : undefined;
    },
    async record(hash, entry) {
      state.parts[hash] = entry;
      await writeAtomically(path, `${JSON.stringify(state, null, 2)}\n`);
    },
    async saveReceipt(runId, receipt) {
      const receiptPath = join(dir, RECEIPTS, `${runId}.json`);
      await writeAtomically(receiptPath, `${JSON.stringify(receipt, null, 2)}\n`);
      return receiptPath;
    },
    close: () => lock.release(),
  };
}

/**
 * What a journal folder holds, read without taking its lock (writers replace files atomically):
 * every part's last outcome, and the receipts' file names, oldest first.
 *
 * @example
 * ```ts
 * const { parts, receipts } = await readJournalFolder({ dir: '/data/out/.zhima-journal' });
 * ```
 */
export async function readJournalFolder({ dir }: { dir: string }): Promise<{ parts: (JournalEntry & { sha256: string })[]; receipts: string[] }> {
  const info = await stat(dir).catch(() => undefined);
  if (info === undefined) throw new CliError({ code: 'JOURNAL_MISSING', message: `There is no journal at ${dir}.`, hint: 'zhima send creates it beside its inputs on the first run; pass --journal <folder> (or the inputs) to find another.', exitCode: EXIT.USAGE });
  if (!info.isDirectory()) throw invalidJournal(dir, 'is a file, and the journal is a folder (it holds journal.json, journal.lock and receipts/)');
  const { parts } = await readJournalFile(join(dir, JOURNAL_FILE));
  const receipts = (await readdir(join(dir, RECEIPTS)).catch(() => [] as string[])).filter((name) => name.endsWith('.json')).sort();
  return { parts: Object.entries(parts).map(([sha256, entry]) => ({ sha256, ...entry })), receipts: receipts.map((name) => join(dir, RECEIPTS, name)) };
}
