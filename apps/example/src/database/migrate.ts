import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import type { Database } from './database.js';

/**
 * A folder of `NNNN-name.sql` files, applied in name order, each once.
 *
 * @example
 * ```ts
 * const set: MigrationSet = { name: 'feedback', folder: new URL('./migrations/', import.meta.url) };
 * ```
 */
export interface MigrationSet {
  /** Prefix of the ids in `schema_migrations`, so several sets share the table. */
  name: string;
  folder: URL;
}

/**
 * The job's own tables (`feedback_*`).
 *
 * @example
 * ```ts
 * await migrate({ db, set: FEEDBACK_MIGRATIONS });
 * ```
 */
export const FEEDBACK_MIGRATIONS: MigrationSet = { name: 'feedback', folder: new URL('./migrations/', import.meta.url) };

// Any two numbers the merchant's own code does not use for advisory locks.
const MIGRATION_LOCK = [0x7a68, 1] as const;

/**
 * Applies the set's pending migrations in one transaction and records each in `schema_migrations` with its
 * sha256. Concurrent callers queue on an advisory transaction lock, so each file runs once. An applied file
 * that was edited afterwards is refused (add a new file instead). Returns the ids applied now.
 *
 * @example
 * ```ts
 * const applied = await migrate({ db, set: FEEDBACK_MIGRATIONS }); // ['feedback/0001-feedback-ledger.sql'] the first time, then []
 * ```
 */
export async function migrate({ db, set }: { db: Database; set: MigrationSet }): Promise<string[]> {
  const files = (await readdir(set.folder)).filter((name) => name.endsWith('.sql')).sort();
  const migrations = await Promise.all(
    files.map(async (file) => {
      const sql = await readFile(new URL(file, set.folder), 'utf8');
      return { id: `${set.name}/${file}`, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    }),
  );
  return db.transaction(async () => {
    await db.query('SELECT pg_advisory_xact_lock($1, $2)', [...MIGRATION_LOCK]);
    await db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (id text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const rows = await db.query<{ id: string; checksum: string }>('SELECT id, checksum FROM schema_migrations WHERE id LIKE $1', [`${set.name}/%`]);
    const applied = new Map(rows.map((row) => [row.id, row.checksum]));
    const now: string[] = [];
    for (const migration of migrations) {
      const checksum = applied.get(migration.id);
      if (checksum === migration.checksum) continue;
      if (checksum !== undefined) throw new Error(`Migration ${migration.id} was changed after it was applied (sha256 ${checksum.slice(0, 12)}… in schema_migrations). Put schema changes in a new file.`);
      await db.exec(migration.sql);
      await db.query('INSERT INTO schema_migrations (id, checksum) VALUES ($1, $2)', [migration.id, migration.checksum]);
      now.push(migration.id);
    }
    return now;
  });
}
