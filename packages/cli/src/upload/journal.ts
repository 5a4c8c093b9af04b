import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { CliError } from '../cli-error.js';
import { EXIT } from '../io.js';
import { acquireJournalLock } from './journal-lock.js';

/**
 * One file the gateway accepted, keyed in the journal by the SHA-256 of its bytes.
 *
 * @example
 * ```ts
 * const entry: JournalEntry = { source: 'loans.json', part: 0, records: 1000, bytes: 181234, appId: '2021000000000001', gateway: 'https://openapi.alipay.com/gateway.do', acceptedAt: '2025-01-02T01:00:00.000Z' };
 * ```
 */
export interface JournalEntry {
  source: string;
  part: number;
  records: number;
  bytes: number;
  appId: string;
  gateway: string;
  acceptedAt: string;
}

/**
 * The send journal: which file contents a gateway already accepted for an app, so a rerun after an
 * interruption sends only the rest. Written atomically after every accepted file, and held under an
 * exclusive lock (see `acquireJournalLock`) from `openJournal` to `close`.
 *
 * @example
 * ```ts
 * const journal = await openJournal({ path: '.zhima-journal.json', onNotice });
 * try {
 *   if (!journal.isAccepted({ hash, appId, gateway })) await upload();
 * } finally {
 *   await journal.close();
 * }
 * ```
 */
export interface Journal {
  path: string;
  isAccepted(target: { hash: string; appId: string; gateway: string }): boolean;
  markAccepted(hash: string, entry: JournalEntry): Promise<void>;
  /** Releases the lock. */
  close(): Promise<void>;
}

interface JournalFile {
  version: 1;
  accepted: Record<string, JournalEntry>;
}

const ENTRY_FIELDS = {
  source: 'string',
  part: 'count',
  records: 'count',
  bytes: 'count',
  appId: 'string',
  gateway: 'string',
  acceptedAt: 'string',
} as const satisfies Record<keyof JournalEntry, 'string' | 'count'>;

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

// Why an entry is not one, or undefined when it is.
function entryProblem(entry: unknown): string | undefined {
  if (!isObject(entry)) return `expected an object, got ${describeValue(entry)}`;
  for (const [field, kind] of Object.entries(ENTRY_FIELDS)) {
    const value = entry[field];
    if (kind === 'string' ? typeof value !== 'string' : !(Number.isSafeInteger(value) && (value as number) >= 0)) {
      return `"${field}" must be ${kind === 'string' ? 'a string' : 'a non-negative integer'}, got ${JSON.stringify(value) ?? 'nothing'}`;
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
      'restored by mistake, put the right one back. To send everything again, move it aside (the gateway upserts by ' +
      'primary key, so a resent file does not double records), or pass --journal <another file>.',
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
  if (!isObject(parsed)) throw invalidJournal(path, `is not a zhima send journal: expected {"version":1,"accepted":{…}}, got ${describeValue(parsed)}`);
  if (parsed.version !== 1) throw invalidJournal(path, `has version ${JSON.stringify(parsed.version) ?? 'none'}; this zhima reads version 1`);
  const accepted = parsed.accepted;
  if (!isObject(accepted)) throw invalidJournal(path, `is damaged: "accepted" must be an object keyed by SHA-256, got ${describeValue(accepted)}`);
  for (const [hash, entry] of Object.entries(accepted)) {
    if (!SHA256.test(hash)) throw invalidJournal(path, `is damaged: the key ${JSON.stringify(hash)} is not a SHA-256 (64 lowercase hex digits)`);
    const problem = entryProblem(entry);
    if (problem !== undefined) throw invalidJournal(path, `is damaged: entry ${hash.slice(0, 12)}… is not a journal entry: ${problem}`);
  }
  return { version: 1, accepted: accepted as Record<string, JournalEntry> };
}

async function readJournal(path: string): Promise<JournalFile> {
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw invalidJournal(path, `cannot be read (${error.code ?? error.message})`);
  });
  return text === undefined ? { version: 1, accepted: {} } : parseJournal({ path, text });
}

/**
 * Opens (or starts) a journal file: takes its lock (a second run fails with `JOURNAL_LOCKED`, exit 75),
 * then reads it, refusing one that is not a journal (`JOURNAL_INVALID`, exit 2) with its name and what
 * to do. `onNotice` hears about a stale lock taken over.
 *
 * @example
 * ```ts
 * const journal = await openJournal({ path: join(dir, DEFAULT_JOURNAL_NAME), onNotice: (text) => io.stderr.write(`notice: ${text}\n`) });
 * ```
 */
export async function openJournal({ path, onNotice }: { path: string; onNotice: (text: string) => void }): Promise<Journal> {
  await mkdir(dirname(path), { recursive: true });
  const lock = await acquireJournalLock({ journalPath: path, onNotice });
  let state: JournalFile;
  try {
    state = await readJournal(path);
  } catch (error) {
    await lock.release();
    throw error;
  }
  return {
    path,
    isAccepted: ({ hash, appId, gateway }) => {
      const entry = Object.hasOwn(state.accepted, hash) ? state.accepted[hash] : undefined;
      return entry !== undefined && entry.appId === appId && entry.gateway === gateway;
    },
    async markAccepted(hash, entry) {
      state.accepted[hash] = entry;
      // Write-then-rename: a crash mid-write leaves the previous journal, never a torn one.
      const temporary = `${path}.${process.pid}.tmp`;
      await writeFile(temporary, `${JSON.stringify(state, null, 2)}\n`);
      await rename(temporary, path);
    },
    close: () => lock.release(),
  };
}

/**
 * The journal's file name when `--journal` is not given; it sits next to the first input.
 *
 * @example
 * ```ts
 * join(dirname(firstInput), DEFAULT_JOURNAL_NAME);
 * ```
 */
export const DEFAULT_JOURNAL_NAME = '.zhima-journal.json';
