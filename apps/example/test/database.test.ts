import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';
import { FolderLockedError } from '../src/database/folder-lock.js';
import { FEEDBACK_MIGRATIONS, migrate, type MigrationSet } from '../src/database/migrate.js';
import { MERCHANT_STAND_IN_MIGRATIONS } from '../src/merchant/seed.js';
import { connected, DATABASE_KINDS, freshDatabase, titleOf } from './support/databases.js';

async function scratchSet(files: Record<string, string>): Promise<MigrationSet & { write(name: string, sql: string): Promise<void> }> {
  const folder = await mkdtemp(join(tmpdir(), 'zhima-migrations-'));
  onTestFinished(() => rm(folder, { recursive: true, force: true }));
  const write = (name: string, sql: string) => writeFile(join(folder, name), sql);
  for (const [name, sql] of Object.entries(files)) await write(name, sql);
  return { name: 'scratch', folder: pathToFileURL(`${folder}/`), write };
}

describe.each(DATABASE_KINDS)('migrations on $kind', (kind) => {
  describe.skipIf(kind.skipped !== '')(titleOf(kind), () => {
    it('apply each file once, in name order, recorded with its sha256; an applied file edited later is refused', async () => {
      const db = await connected(await freshDatabase(kind.kind));
      expect(await migrate({ db, set: FEEDBACK_MIGRATIONS })).toEqual([]);
      const set = await scratchSet({ '0002-b.sql': 'CREATE TABLE scratch_b (id int REFERENCES scratch_a)', '0001-a.sql': 'CREATE TABLE scratch_a (id int PRIMARY KEY)' });
      expect(await migrate({ db, set })).toEqual(['scratch/0001-a.sql', 'scratch/0002-b.sql']);
      expect(await migrate({ db, set })).toEqual([]);
      const rows = await db.query<{ id: string; checksum: string }>(`SELECT id, checksum FROM schema_migrations WHERE id LIKE 'scratch/%' ORDER BY id`);
      expect(rows.map((row) => row.id)).toEqual(['scratch/0001-a.sql', 'scratch/0002-b.sql']);
      expect(rows.every((row) => /^[0-9a-f]{64}$/.test(row.checksum))).toBe(true);

      await set.write('0001-a.sql', 'CREATE TABLE scratch_a (id bigint PRIMARY KEY)');
      await set.write('0003-c.sql', 'CREATE TABLE scratch_c (id int)');
      await expect(migrate({ db, set })).rejects.toThrow(/scratch\/0001-a\.sql was changed after it was applied/);
      // All or nothing: the new file was not applied either.
      expect(await db.query(`SELECT 1 FROM schema_migrations WHERE id = 'scratch/0003-c.sql'`)).toEqual([]);
    });
  });
});

describe.skipIf(DATABASE_KINDS[1]!.skipped !== '')('migrations run concurrently on the server', () => {
  it('five connections migrating an empty database at once apply every file exactly once', async () => {
    const database = await freshDatabase('postgres', { migrated: false });
    const connections = await Promise.all(Array.from({ length: 5 }, () => connected(database)));
    const applied = await Promise.all(connections.map(async (db) => [...(await migrate({ db, set: MERCHANT_STAND_IN_MIGRATIONS })), ...(await migrate({ db, set: FEEDBACK_MIGRATIONS }))]));
    expect(applied.flat().sort()).toEqual(['feedback/0001-feedback-ledger.sql', 'merchant-stand-in/0001-loans.sql']);
    const [row] = await connections[0]!.query<{ n: number }>('SELECT count(*)::int AS n FROM schema_migrations');
    expect(row!.n).toBe(2);
  });
});

describe('the embedded database folder is one process at a time', () => {
  it('a second opening is refused while the folder is held; a lock left by a killed process is taken over', async () => {
    const database = await freshDatabase('pglite');
    const lockFile = `${database.env.EXAMPLE_PGLITE_DIR}.lock`;
    const db = await database.open();
    await expect(database.open()).rejects.toThrow(FolderLockedError);
    await db.close();

    // A live process on this host holds it (a sleeping child): refused, and the message names it.
    const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { stdio: 'ignore' });
    onTestFinished(() => void sleeper.kill('SIGKILL'));
    await writeFile(lockFile, JSON.stringify({ pid: sleeper.pid, host: hostname(), startedAt: new Date().toISOString() })); // the lock file zhima send writes
    await expect(database.open()).rejects.toThrow(new RegExp(`in use by pid ${sleeper.pid} on `));

    // The holder dies without cleaning up (kill -9): the next opening takes the folder over.
    sleeper.kill('SIGKILL');
    await new Promise((resolve) => sleeper.once('exit', resolve));
    const taken = await database.open();
    expect(JSON.parse(await readFile(lockFile, 'utf8')).pid).toBe(process.pid);
    await taken.close();
    await expect(readFile(lockFile)).rejects.toThrow(/ENOENT/);
  });
});
