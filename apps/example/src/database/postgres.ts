import pg from 'pg';
import { inTransaction, type Database, type Row, type SqlParam } from './database.js';

/** `postgresql://user:secret@host:5432/db` → `postgresql host:5432/db` (a socket folder in `?host=` too): never the password. */
function describe(url: string): string {
  const match = /^postgres(?:ql)?:\/\/(?:[^@/]*@)?([^/?]*)(\/[^?]*)?(?:\?(.*))?$/.exec(url);
  if (match === null) return 'postgresql (DATABASE_URL)';
  const host = match[1] || new URLSearchParams(match[3] ?? '').get('host') || 'localhost';
  return `postgresql ${host}${match[2] ?? ''}`;
}

/**
 * A PostgreSQL server through one `pg` connection.
 *
 * @example
 * ```ts
 * const db = await openPostgres({ url: 'postgresql://zhima@127.0.0.1:5432/loans' });
 * ```
 */
export async function openPostgres({ url }: { url: string }): Promise<Database> {
  const client = new pg.Client({ connectionString: url, application_name: 'zhima-feedback-job' });
  // A dropped connection surfaces on the next query; an unhandled 'error' event would kill the process.
  client.on('error', () => {});
  const description = describe(url);
  try {
    await client.connect();
  } catch (cause) {
    throw new Error(`Cannot connect to ${description}: ${(cause as Error).message}. Check DATABASE_URL (or unset it for the embedded database).`, { cause });
  }
  return {
    description,
    query: async <T = Row>(sql: string, params: readonly SqlParam[] = []) => (await client.query(sql, params as unknown[])).rows as T[],
    exec: async (sql) => {
      await client.query(sql);
    },
    transaction: inTransaction((sql) => client.query(sql)),
    close: () => client.end(),
  };
}
