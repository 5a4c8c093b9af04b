import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { COLUMNS, PRIMARY_KEY, records, runZhima, startGateway, tempDir, writeRecords } from './support.js';

const FLAGS = ['--columns', COLUMNS, '--primary-key', PRIMARY_KEY];
const REPORT = fileURLToPath(new URL('./fixtures/report-undici-modules.mjs', import.meta.url));

/** The built bin as a subprocess, and the undici files it loaded by the time it exited. */
async function sendReportingUndici({ dir, args, env }: { dir: string; args: string[]; env: Record<string, string> }) {
  const modulesFile = join(dir, 'undici-modules.json');
  const run = await runZhima(['send', ...args], {
    cwd: dir,
    env: { ...env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${REPORT}`.trim(), ZHIMA_TEST_MODULES_FILE: modulesFile },
  });
  return { ...run, undiciFiles: JSON.parse(await readFile(modulesFile, 'utf8')) as string[] };
}

describe('zhima send loads its HTTP stack only to send', () => {
  it('never loads undici for a file that is refused before upload', async () => {
    const dir = await tempDir();
    const gateway = await startGateway({ dir });
    const list = records(0, 2_000);
    const file = await writeRecords(join(dir, 'day.json'), [...list, list[1_234]!]);
    const run = await sendReportingUndici({ dir, args: [file, ...FLAGS], env: gateway.env });
    expect(run.code).not.toBe(0);
    expect(run.stdout).toContain('Nothing was sent');
    expect(gateway.sandbox.storedRecords({ appId: gateway.appId })).toHaveLength(0);
    expect(run.undiciFiles).toEqual([]);
  });

  it("sends a valid file over Node's own http (@zhima/transport/node-http), without loading undici", async () => {
    const dir = await tempDir();
    const gateway = await startGateway({ dir });
    const file = await writeRecords(join(dir, 'day.json'), records(0, 2_000));
    const run = await sendReportingUndici({ dir, args: [file, ...FLAGS], env: gateway.env });
    expect(run.code).toBe(0);
    expect(gateway.sandbox.storedRecords({ appId: gateway.appId })).toEqual(records(0, 2_000));
    expect(run.undiciFiles).toEqual([]);
  });
});
