import { execFile } from 'node:child_process';
import { chmod, chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * A throwaway PostgreSQL cluster in a temp folder, listening only on a Unix socket in that folder (no TCP
 * port at all). Under root, the server binaries run as the `postgres` user (initdb refuses root).
 */
export interface PostgresServer {
  /** `postgresql://postgres@/postgres?host=<socket dir>`: swap the database name for another database. */
  urlFor(database: string): string;
  stop(): Promise<void>;
}

/** Why a real server cannot be started here, or undefined when it can. */
export async function postgresUnavailable(): Promise<string | undefined> {
  try {
    await run('initdb', ['--version']);
    await run('pg_ctl', ['--version']);
    return undefined;
  } catch {
    return 'the PostgreSQL server binaries (initdb, pg_ctl, postgres) are not on PATH';
  }
}

export async function startPostgresServer(): Promise<PostgresServer> {
  const folder = await mkdtemp(join(tmpdir(), 'zhima-pg-'));
  const asRoot = process.getuid?.() === 0;
  const as = (command: string, args: string[]) => (asRoot ? run('runuser', ['-u', 'postgres', '--', command, ...args]) : run(command, args));
  if (asRoot) {
    const [{ stdout: uid }, { stdout: gid }] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
    await chown(folder, Number(uid), Number(gid));
    await chmod(folder, 0o700);
  }
  const data = join(folder, 'data');
  await as('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--no-locale', '--no-sync']);
  // No TCP listener: the socket in the folder is the only way in. fsync off: a test cluster needs no durability.
  const options = `-c listen_addresses= -k ${folder} -c fsync=off -c max_connections=60`;
  await as('pg_ctl', ['-D', data, '-o', options, '-l', join(folder, 'server.log'), '-w', '-t', '60', 'start']);
  return {
    urlFor: (database) => `postgresql://postgres@/${database}?host=${encodeURIComponent(folder)}`,
    stop: async () => {
      await as('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => {});
      await rm(folder, { recursive: true, force: true });
    },
  };
}
