import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { inTransaction, type Database, type Row, type SqlParam } from './database.js';
import { lockFolder } from './folder-lock.js';

/**
 * The embedded PostgreSQL (PGlite, WebAssembly) with its data in `dataDir`. A PGlite folder must never be
 * open in two processes at once (each would write its own copy of the pages), so the folder is locked first.
 *
 * @example
 * ```ts
 * const db = await openPglite({ dataDir: '/var/lib/zhima-job/db' });
 * ```
 */
export async function openPglite({ dataDir }: { dataDir: string }): Promise<Database> {
  const folder = resolve(dataDir);
  await mkdir(dirname(folder), { recursive: true });
  const release = await lockFolder({ folder });
  let db: PGlite;
  try {
    db = await PGlite.create(folder);
  } catch (cause) {
    await release();
    throw new Error(`Cannot open the embedded database in ${folder}: ${(cause as Error).message}`, { cause });
  }
  return {
    description: `pglite ${folder}`,
    query: async <T = Row>(sql: string, params: readonly SqlParam[] = []) => (await db.query<T>(sql, params as unknown[])).rows,
    exec: async (sql) => {
      await db.exec(sql);
    },
    transaction: inTransaction((sql) => db.exec(sql)),
    close: async () => {
      try {
        await db.close();
      } finally {
        await release();
      }
    },
  };
}
