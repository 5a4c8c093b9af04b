/**
 * A parameter of a query: text, numbers, booleans, instants, text arrays (for `= ANY($1::text[])`) or
 * null. JSON goes in as text with a `::jsonb` cast, so both drivers send the same bytes.
 *
 * @example
 * ```ts
 * const params: SqlParam[] = ['LN1', 19000, new Date(), ['a', 'b'], null];
 * ```
 */
export type SqlParam = string | number | boolean | Date | readonly (string | null)[] | null;

/**
 * Both drivers return rows as objects keyed by column name; `bigint` columns arrive as text from `pg`
 * and as numbers from PGlite, so callers convert them with `Number()` (or cast in SQL).
 *
 * @example
 * ```ts
 * const rows = await db.query<{ loan_id: string }>('SELECT loan_id FROM loans WHERE status = $1', ['DISBURSED']);
 * ```
 */
export type Row = Record<string, unknown>;

/**
 * The one database interface the job uses: one connection (so a session-level advisory lock means
 * "this run"), `$1` parameters, transactions. The same SQL runs on PGlite and on a PostgreSQL server.
 *
 * @example
 * ```ts
 * const db = await openDatabase({ env: process.env });
 * await db.transaction(async () => {
 *   await db.query('UPDATE feedback_parts SET outcome = $1 WHERE run_id = $2 AND part_no = $3', ['accepted', runId, 1]);
 * });
 * await db.close();
 * ```
 */
export interface Database {
  /** `pglite <folder>` or `postgresql <host>/<database>` (never a password). */
  readonly description: string;
  query<T = Row>(sql: string, params?: readonly SqlParam[]): Promise<T[]>;
  /** Several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
  /** Runs `work` between BEGIN and COMMIT; ROLLBACK and rethrow when it throws. Not reentrant. */
  transaction<T>(work: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * BEGIN/COMMIT/ROLLBACK around `work` on a connection that runs one statement at a time.
 *
 * @example
 * ```ts
 * const transaction = inTransaction((sql) => client.query(sql));
 * ```
 */
export function inTransaction(run: (sql: string) => Promise<unknown>): Database['transaction'] {
  return async (work) => {
    await run('BEGIN');
    try {
      const result = await work();
      await run('COMMIT');
      return result;
    } catch (error) {
      await run('ROLLBACK').catch(() => {});
      throw error;
    }
  };
}
