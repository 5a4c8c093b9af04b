import type { Database } from './database.js';

type Env = Record<string, string | undefined>;

/** Where the embedded database lives when neither `DATABASE_URL` nor `EXAMPLE_PGLITE_DIR` is set. */
export const DEFAULT_PGLITE_DIR = '.zhima-example-db';

/**
 * `DATABASE_URL` set: a PostgreSQL server through `pg`. Otherwise the embedded PGlite in
 * `EXAMPLE_PGLITE_DIR` (default {@link DEFAULT_PGLITE_DIR}), which one process at a time may open.
 *
 * @example
 * ```ts
 * const db = await openDatabase({ env: { DATABASE_URL: 'postgresql://zhima@127.0.0.1:5432/loans' } });
 * ```
 */
export async function openDatabase({ env }: { env: Env }): Promise<Database> {
  if (env.DATABASE_URL) {
    const { openPostgres } = await import('./postgres.js');
    return openPostgres({ url: env.DATABASE_URL });
  }
  const { openPglite } = await import('./pglite.js');
  return openPglite({ dataDir: env.EXAMPLE_PGLITE_DIR || DEFAULT_PGLITE_DIR });
}
