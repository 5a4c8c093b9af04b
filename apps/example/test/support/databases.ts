import { randomBytes } from 'node:crypto';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject, onTestFinished } from 'vitest';
import type { Database } from '../../src/database/database.js';
import { FEEDBACK_MIGRATIONS, migrate } from '../../src/database/migrate.js';
import { openPglite } from '../../src/database/pglite.js';
import { openPostgres } from '../../src/database/postgres.js';
import { MERCHANT_STAND_IN_MIGRATIONS } from '../../src/merchant/seed.js';

export type DatabaseKind = 'pglite' | 'postgres';

/** Both databases; the server is skipped (with the reason in the test name) only where its binaries are missing. */
export const DATABASE_KINDS: { kind: DatabaseKind; skipped: string }[] = [
  { kind: 'pglite', skipped: '' },
  { kind: 'postgres', skipped: inject('postgresUnavailable') },
];

export const titleOf = ({ kind, skipped }: { kind: DatabaseKind; skipped: string }) => (skipped ? `${kind} (skipped: ${skipped})` : kind);

export interface TestDatabase {
  kind: DatabaseKind;
  /** What the job subprocess needs to find it (DATABASE_URL or EXAMPLE_PGLITE_DIR). */
  env: Record<string, string>;
  /** A new connection (PGlite: opens the folder, which one process holds at a time). */
  open(): Promise<Database>;
}

/** A new database with the stand-in and the job schema (a server database can start empty), removed when the test finishes. */
export async function freshDatabase(kind: DatabaseKind, { migrated = true }: { migrated?: boolean } = {}): Promise<TestDatabase> {
  if (kind === 'pglite') {
    const folder = await mkdtemp(join(tmpdir(), 'zhima-example-db-'));
    onTestFinished(() => rm(folder, { recursive: true, force: true }));
    const dataDir = join(folder, 'db');
    await cp(inject('pgliteTemplate'), dataDir, { recursive: true });
    return { kind, env: { EXAMPLE_PGLITE_DIR: dataDir }, open: () => openPglite({ dataDir }) };
  }
  const admin = inject('postgresUrl');
  const name = `zt_${randomBytes(6).toString('hex')}`;
  const server = await openPostgres({ url: admin });
  await server.exec(`CREATE DATABASE ${name}`);
  await server.close();
  onTestFinished(async () => {
    const cleanup = await openPostgres({ url: admin });
    await cleanup.exec(`DROP DATABASE ${name} WITH (FORCE)`);
    await cleanup.close();
  });
  const url = admin.replace('/postgres?', `/${name}?`);
  if (migrated) {
    const db = await openPostgres({ url });
    await migrate({ db, set: MERCHANT_STAND_IN_MIGRATIONS });
    await migrate({ db, set: FEEDBACK_MIGRATIONS });
    await db.close();
  }
  return { kind, env: { DATABASE_URL: url }, open: () => openPostgres({ url }) };
}

/** Opens the database for the test, closed when it finishes. */
export async function connected(database: TestDatabase): Promise<Database> {
  const db = await database.open();
  onTestFinished(() => db.close());
  return db;
}
