import { randomUUID } from 'node:crypto';
import { link, readFile, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { CliError } from '../cli-error.js';
import { EXIT } from '../io.js';

/**
 * Who holds a journal lock: written into the lock file, shown to a run that finds it taken.
 *
 * @example
 * ```ts
 * const owner: LockOwner = { pid: 4242, host: 'batch-01', startedAt: '2025-01-02T01:00:00.000Z' };
 * ```
 */
export interface LockOwner {
  pid: number;
  host: string;
  startedAt: string;
}

/**
 * A held journal lock; `release` removes the lock file (only while it is still this run's).
 *
 * @example
 * ```ts
 * const lock = await acquireJournalLock({ journalPath, onNotice });
 * try { await send(); } finally { await lock.release(); }
 * ```
 */
export interface JournalLock {
  path: string;
  release(): Promise<void>;
}

const ATTEMPTS = 3;

// Write-then-link: the lock file appears atomically and complete (link fails if it exists), so a
// reader never sees a half-written owner.
async function createExclusive(path: string, text: string): Promise<boolean> {
  const temporary = `${path}.${process.pid}.${randomUUID()}.tmp`;
  await writeFile(temporary, text);
  try {
    await link(temporary, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await unlink(temporary).catch(() => undefined);
  }
}

async function readIfPresent(path: string): Promise<string | undefined> {
  return readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
}

function parseOwner(text: string): LockOwner | undefined {
  try {
    const owner = JSON.parse(text) as Partial<LockOwner> | null;
    if (Number.isSafeInteger(owner?.pid) && typeof owner?.host === 'string' && typeof owner.startedAt === 'string') return owner as LockOwner;
  } catch {
    // Not a lock zhima wrote: reported by the caller.
  }
  return undefined;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

// Only a lock of this host can be checked; one from elsewhere (a shared disk) is taken as held.
function isStale(owner: LockOwner): boolean {
  return owner.host === hostname() && !processAlive(owner.pid);
}

function lockedError({ journalPath, lockPath, owner }: { journalPath: string; lockPath: string; owner: LockOwner | undefined }): CliError {
  if (owner === undefined) {
    return new CliError({
      code: 'JOURNAL_LOCKED',
      message: `The journal lock ${lockPath} exists but was not written by zhima send.`,
      hint: `If no zhima send is running on ${journalPath}, delete ${lockPath} and run again.`,
      exitCode: EXIT.LOCKED,
    });
  }
  return new CliError({
    code: 'JOURNAL_LOCKED',
    message: `Another zhima send is using the journal ${journalPath} (pid ${owner.pid} on host ${owner.host}, started ${owner.startedAt}).`,
    hint:
      `Two runs on one journal could upload the same files twice, so this one did nothing: run it again once that run has finished. ` +
      `If that run is gone (its host is down or the pid is another program now), delete ${lockPath}.`,
    exitCode: EXIT.LOCKED,
  });
}

// Replacing a stale lock happens under a second, short-lived lock, so that of two runs finding the same
// stale lock only one removes it, and never a fresh lock another run has just taken.
async function removeStale({ lockPath, staleText, ownText }: { lockPath: string; staleText: string; ownText: string }): Promise<boolean> {
  const guard = `${lockPath}.takeover`;
  if (!(await createExclusive(guard, ownText))) {
    const guardOwner = parseOwner((await readIfPresent(guard)) ?? '');
    // A run that died while replacing: its guard would block every later run.
    if (guardOwner !== undefined && isStale(guardOwner)) await unlink(guard).catch(() => undefined);
    return false;
  }
  try {
    if ((await readIfPresent(lockPath)) !== staleText) return false;
    await unlink(lockPath);
    return true;
  } finally {
    await unlink(guard).catch(() => undefined);
  }
}

/**
 * Takes the exclusive lock of a journal: the file `<journal>.lock`, holding this run's pid, host and
 * start time. A second run fails at once with `JOURNAL_LOCKED` (exit 75) naming the holder; a lock left
 * by a process of this host that no longer runs (killed, crashed) is taken over, with a notice.
 *
 * @example
 * ```ts
 * const lock = await acquireJournalLock({ journalPath: '/data/.zhima-journal.json', onNotice: (text) => io.stderr.write(`notice: ${text}\n`) });
 * ```
 */
export async function acquireJournalLock({ journalPath, onNotice }: { journalPath: string; onNotice: (text: string) => void }): Promise<JournalLock> {
  const lockPath = `${journalPath}.lock`;
  const owner: LockOwner = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString() };
  const ownText = `${JSON.stringify(owner)}\n`;
  let holder: LockOwner | undefined;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    if (await createExclusive(lockPath, ownText)) {
      return {
        path: lockPath,
        async release() {
          if ((await readIfPresent(lockPath)) === ownText) await unlink(lockPath).catch(() => undefined);
        },
      };
    }
    const text = await readIfPresent(lockPath);
    // Released between our attempt and the read: try again.
    if (text === undefined) continue;
    holder = parseOwner(text);
    if (holder === undefined || !isStale(holder)) throw lockedError({ journalPath, lockPath, owner: holder });
    if (await removeStale({ lockPath, staleText: text, ownText })) {
      onNotice(
        `took over the journal lock of zhima pid ${holder.pid} on this host (started ${holder.startedAt}), which is no longer running. ` +
          'That run was interrupted: a file it was sending may be sent again, which the gateway upserts by primary key.',
      );
    }
  }
  throw lockedError({ journalPath, lockPath, owner: holder });
}
