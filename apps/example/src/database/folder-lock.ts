import { acquireLockFile, type LockOwner } from '@zhima/cli';

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

/**
 * Takes `<folder>.lock` for this process with the same lock file `zhima send` puts on its journal (pid,
 * host and start time; a lock left by a dead process of this host is taken over; a live holder, or one
 * on another host, makes this throw {@link FolderLockedError}). Returns the release function.
 *
 * @example
 * ```ts
 * const release = await lockFolder({ folder: '/var/lib/zhima-job/db' });
 * try { … } finally { await release(); }
 * ```
 */
export async function lockFolder({ folder }: { folder: string }): Promise<() => Promise<void>> {
  const lockPath = `${folder}.lock`;
  const holderOf = (owner: LockOwner | undefined) => (owner === undefined ? 'an unreadable lock' : owner.pid === process.pid ? `this process (pid ${owner.pid})` : `pid ${owner.pid} on ${owner.host} since ${owner.startedAt}`);
  const lock = await acquireLockFile({ lockPath, locked: (owner) => new FolderLockedError(lockPath, holderOf(owner)), takenOver: () => {} });
  return () => lock.release();
}
