import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { UsageError } from '../usage-error.js';

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
 * interruption sends only the rest. Written atomically after every accepted file.
 *
 * @example
 * ```ts
 * const journal = await openJournal({ path: '.zhima-journal.json' });
 * if (!journal.isAccepted({ hash, appId, gateway })) await upload();
 * ```
 */
export interface Journal {
  path: string;
  isAccepted(target: { hash: string; appId: string; gateway: string }): boolean;
  markAccepted(hash: string, entry: JournalEntry): Promise<void>;
}

interface JournalFile {
  version: 1;
  accepted: Record<string, JournalEntry>;
}

/**
 * Opens (or starts) a journal file.
 *
 * @example
 * ```ts
 * const journal = await openJournal({ path: join(dir, DEFAULT_JOURNAL_NAME) });
 * ```
 */
export async function openJournal({ path }: { path: string }): Promise<Journal> {
  let state: JournalFile = { version: 1, accepted: {} };
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (text !== undefined) {
    const parsed = JSON.parse(text) as Partial<JournalFile>;
    if (parsed.version !== 1 || typeof parsed.accepted !== 'object' || parsed.accepted === null) {
      throw new UsageError({ message: `${path} is not a zhima send journal.`, hint: 'Pass another --journal path, or delete the file to send everything again.' });
    }
    state = { version: 1, accepted: parsed.accepted };
  }
  return {
    path,
    isAccepted: ({ hash, appId, gateway }) => {
      const entry = state.accepted[hash];
      return entry !== undefined && entry.appId === appId && entry.gateway === gateway;
    },
    async markAccepted(hash, entry) {
      state.accepted[hash] = entry;
      await mkdir(dirname(path), { recursive: true });
      // Write-then-rename: a crash mid-write leaves the previous journal, never a torn one.
      const temporary = `${path}.${process.pid}.tmp`;
      await writeFile(temporary, `${JSON.stringify(state, null, 2)}\n`);
      await rename(temporary, path);
    },
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
