import { randomUUID } from 'node:crypto';
import { link, readFile, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';

/**
 * Who holds a lock: written into the lock file, shown to a process that finds it taken.
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
 * A held lock; `release` removes the lock file (only while it is still this process's).
 *
 * @example
 * ```ts
 * const lock = await acquireLockFile({ lockPath, locked, takenOver });
 * try { await send(); } finally { await lock.release(); }
 * ```
 */
export interface LockFile {
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
 * Takes an exclusive lock file holding this process's pid, host and start time (the journal's
 * `journal.lock`, the sandbox keys folder's `sandbox.lock`). When another process holds it, `locked`
 * makes the error to throw (`owner` is `undefined` for a lock file zhima did not write); a lock left by
 * a process of this host that no longer runs (killed, crashed) is taken over, and `takenOver` says so.
 *
 * @example
 * ```ts
 * const lock = await acquireLockFile({ lockPath, locked: (owner) => new CliError({ … }), takenOver: (owner) => onNotice(`took over the lock of pid ${owner.pid}`) });
 * try { await work(); } finally { await lock.release(); }
 * ```
 */
export async function acquireLockFile({
  lockPath,
  locked,
  takenOver,
}: {
  lockPath: string;
  locked: (owner: LockOwner | undefined) => Error;
  takenOver: (owner: LockOwner) => void;
}): Promise<LockFile> {
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
    if (holder === undefined || !isStale(holder)) throw locked(holder);
    if (await removeStale({ lockPath, staleText: text, ownText })) takenOver(holder);
  }
  throw locked(holder);
}
