import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { FEEDBACK_MIGRATIONS, migrate } from '../../src/database/migrate.js';
import { openPglite } from '../../src/database/pglite.js';
import { MERCHANT_STAND_IN_MIGRATIONS } from '../../src/merchant/seed.js';
import { postgresUnavailable, startPostgresServer, type PostgresServer } from './postgres-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A migrated, empty PGlite folder: copied for each test (creating one costs seconds of WebAssembly initdb). */
    pgliteTemplate: string;
    /** URL of the throwaway server's `postgres` database, or '' when it is unavailable. */
    postgresUrl: string;
    postgresUnavailable: string;
  }
}

// One throwaway PostgreSQL cluster and one PGlite template for the whole run; each test makes its own database from them.
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const folder = await mkdtemp(join(tmpdir(), 'zhima-pglite-template-'));
  const template = join(folder, 'db');
  const unavailable = await postgresUnavailable();
  const [server] = await Promise.all([
    unavailable ? Promise.resolve<PostgresServer | undefined>(undefined) : startPostgresServer(),
    (async () => {
      const db = await openPglite({ dataDir: template });
      await migrate({ db, set: MERCHANT_STAND_IN_MIGRATIONS });
      await migrate({ db, set: FEEDBACK_MIGRATIONS });
      await db.close();
    })(),
  ]);
  project.provide('pgliteTemplate', template);
  project.provide('postgresUrl', server?.urlFor('postgres') ?? '');
  project.provide('postgresUnavailable', unavailable ?? '');
  return async () => {
    await server?.stop();
    await rm(folder, { recursive: true, force: true });
  };
}
