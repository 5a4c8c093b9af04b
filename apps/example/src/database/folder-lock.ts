import { readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';

/**
 * Another live process holds the folder (or, on another host, may hold it).
 *
 * @example
 * ```ts
 * if (error instanceof FolderLockedError) process.exitCode = EXIT.LOCKED;
 * ```
 */
export class FolderLockedError extends Error {
  constructor(
    readonly lockFile: string,
    readonly holder: string,
  ) {
    super(`The database folder is in use by ${holder} (lock file ${lockFile}). PGlite folders take one process at a time: wait for that run to finish. If no such process is running, delete the lock file.`);
    this.name = 'FolderLockedError';
  }
}

interface Holder {
  pid: number;
  host: string;
  since: string;
}

const heldHere = new Set<string>();
// A breaker older than this was left by a process killed while it removed a stale lock.
const STALE_BREAKER_MS = 10_000;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const code = (error: unknown) => (error as NodeJS.ErrnoException).code;

async function readHolder(lockFile: string): Promise<{ text: string; holder: Holder | undefined } | undefined> {
  try {
    const text = await readFile(lockFile, 'utf8');
    try {
      return { text, holder: JSON.parse(text) as Holder };
    } catch {
      return { text, holder: undefined }; // being written right now
    }
  } catch (error) {
    if (code(error) === 'ENOENT') return undefined;
    throw error;
  }
}

/** Removes `lockFile` if it still holds `staleText`, under a breaker file so two processes never both break it. */
async function breakStaleLock(lockFile: string, staleText: string): Promise<void> {
  const breaker = `${lockFile}.break`;
  try {
    await writeFile(breaker, String(process.pid), { flag: 'wx' });
  } catch (error) {
    if (code(error) !== 'EEXIST') throw error;
    const age = await stat(breaker).then((info) => Date.now() - info.mtimeMs, () => 0);
    if (age > STALE_BREAKER_MS) await unlink(breaker).catch(() => {});
    return;
  }
  try {
    // Someone may have broken the stale lock and taken the folder since we read it: compare first.
    if ((await readHolder(lockFile))?.text === staleText) await unlink(lockFile);
  } finally {
    await unlink(breaker).catch(() => {});
  }
}

/**
 * Takes `<folder>.lock` for this process: created exclusively, with our pid and host. A lock left by a
 * process that died (kill -9, power cut) on this host is taken over; a live holder, or one on another
 * host, makes this throw {@link FolderLockedError}. Returns the release function.
 *
 * @example
 * ```ts
 * const release = await lockFolder({ folder: '/var/lib/zhima-job/db' });
 * try { … } finally { await release(); }
 * ```
 */
export async function lockFolder({ folder }: { folder: string }): Promise<() => Promise<void>> {
  const lockFile = `${folder}.lock`;
  if (heldHere.has(lockFile)) throw new FolderLockedError(lockFile, `this process (pid ${process.pid})`);
  const mine = JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() } satisfies Holder);
  for (let attempt = 0; attempt < 20; attempt++) {
    try {
      await writeFile(lockFile, mine, { flag: 'wx' });
      heldHere.add(lockFile);
      return async () => {
        heldHere.delete(lockFile);
        if ((await readHolder(lockFile))?.text === mine) await unlink(lockFile);
      };
    } catch (error) {
      if (code(error) !== 'EEXIST') throw error;
    }
    const found = await readHolder(lockFile);
    if (found === undefined) continue; // released in between: try again
    const { holder } = found;
    if (holder !== undefined && holder.host === hostname() && !alive(holder.pid)) {
      await breakStaleLock(lockFile, found.text);
      continue;
    }
    if (holder === undefined && attempt < 19) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      continue;
    }
    throw new FolderLockedError(lockFile, holder ? `pid ${holder.pid} on ${holder.host} since ${holder.since}` : 'an unreadable lock');
  }
  throw new FolderLockedError(lockFile, 'processes that keep taking it');
}
