import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { COLUMNS, PRIMARY_KEY, keyCounts, records, runZhima, spawnZhima, startGateway, tempDir, until, writeRecords, type TestGateway } from './support.js';

const FLAGS = ['--columns', COLUMNS, '--primary-key', PRIMARY_KEY];
const JOURNAL_DIR = '.zhima-journal';
const JOURNAL = join(JOURNAL_DIR, 'journal.json');
const LOCK = join(JOURNAL_DIR, 'journal.lock');
const LOCKED_EXIT = 75;

async function body(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * A relay in front of the sandbox that holds every call until `open()`, then forwards it. With it a
 * test knows that concurrent runs overlap: nothing can be accepted before all of them have started.
 */
async function startGate(gateway: TestGateway) {
  let opened: () => void = () => {};
  const gate = new Promise<void>((resolve) => (opened = resolve));
  let waiting = 0;
  const server = createServer(async (request, response) => {
    const payload = await body(request);
    waiting++;
    await gate;
    const answer = await fetch(new URL(request.url!, gateway.server.url), { method: 'POST', headers: { 'content-type': request.headers['content-type']! }, body: new Uint8Array(payload) });
    response.writeHead(answer.status, { 'content-type': answer.headers.get('content-type')! });
    response.end(Buffer.from(await answer.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/gateway.do`, open: () => opened(), waiting: () => waiting };
}

/** Day files in dir/out; `zhima send out` keeps its journal beside them, in dir/out/.zhima-journal. */
async function dayFiles(dir: string, count: number): Promise<string[]> {
  await mkdir(join(dir, 'out'));
  const hashes: string[] = [];
  for (let k = 0; k < count; k++) {
    const path = await writeRecords(join(dir, 'out', `f${k}.json`), records(k * 100, 100));
    hashes.push(createHash('sha256').update(await readFile(path)).digest('hex'));
  }
  return hashes;
}

function deadPid(): number {
  // A process that has exited: its pid is free (reuse within the test is vanishingly unlikely).
  return spawnSync(process.execPath, ['-e', '']).pid!;
}

describe('the send journal is locked (the built bin, real concurrent runs)', () => {
  it('4 sends at once on one journal: one uploads, the others stop at once with exit 75; each file is accepted once', { timeout: 90_000 }, async () => {
    const dir = await tempDir();
    const gateway = await startGateway({ dir });
    const gate = await startGate(gateway);
    const hashes = await dayFiles(dir, 4);
    const env = { ...gateway.env, ZHIMA_GATEWAY: gate.url };
    const runs = Array.from({ length: 4 }, () => spawnZhima(['send', 'out', ...FLAGS], { cwd: dir, env }));
    const exited = runs.map(() => false);
    runs.forEach((run, k) => void run.exit.then(() => (exited[k] = true)));
    // Every run has either stopped or is waiting on its first upload: they all overlapped.
    await until(() => exited.filter(Boolean).length + gate.waiting() >= runs.length, 'all four runs to start');
    gate.open();
    const codes = await Promise.all(runs.map((run) => run.exit));

    // What the gateway holds: each file accepted once.
    const uploads = gateway.sandbox.uploads({ appId: gateway.appId });
    expect(uploads.map((upload) => upload.sha256).sort()).toEqual([...hashes].sort());
    expect([...codes].sort()).toEqual([0, LOCKED_EXIT, LOCKED_EXIT, LOCKED_EXIT]);
    for (const run of runs.filter((_, k) => codes[k] === LOCKED_EXIT)) {
      expect(run.err()).toContain(`error JOURNAL_LOCKED: Another zhima send is using the journal ${join(dir, 'out', JOURNAL_DIR)}`);
      expect(run.err()).toMatch(/\(pid \d+ on host .+, started \d{4}-\d\d-\d\dT/);
      expect(run.err()).toContain('hint: ');
      expect(run.err()).not.toMatch(/\n\s+at /);
    }
    const journal = JSON.parse(await readFile(join(dir, 'out', JOURNAL), 'utf8'));
    expect(Object.keys(journal.parts).sort()).toEqual([...hashes].sort());
    // The lock is released on exit.
    expect(await readdir(join(dir, 'out', JOURNAL_DIR))).not.toContain('journal.lock');
  });

  it('a run killed with SIGKILL leaves a stale lock: the next run takes it over with a notice and sends the rest', { timeout: 90_000 }, async () => {
    const dir = await tempDir();
    const gateway = await startGateway({ dir, faults: { seed: 5, delay: 1, maxDelayMs: 400 } });
    await dayFiles(dir, 6);
    const first = spawnZhima(['send', 'out', ...FLAGS], { cwd: dir, env: gateway.env });
    await until(() => first.out().includes('sent '), 'the first accepted file');
    first.child.kill('SIGKILL');
    await first.exit;
    expect(await readdir(join(dir, 'out', JOURNAL_DIR))).toContain('journal.lock');

    const rerun = await runZhima(['send', 'out', ...FLAGS], { cwd: dir, env: gateway.env });
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stderr).toContain(`notice: took over the journal lock of zhima pid ${first.child.pid} on this host`);
    expect(await readdir(join(dir, 'out', JOURNAL_DIR))).not.toContain('journal.lock');
    const counts = keyCounts(gateway.sandbox.storedRecords({ appId: gateway.appId }));
    expect(counts.size).toBe(600);
    expect([...counts.values()].every((count) => count === 1)).toBe(true);
  });

  it('a lock of a dead process on this host is taken over; a live one, or one from another host, is not', { timeout: 120_000 }, async () => {
    const dir = await tempDir();
    const gateway = await startGateway({ dir });
    await writeRecords(join(dir, 'day.json'), records(0, 10));
    await mkdir(join(dir, JOURNAL_DIR));
    const lock = (owner: object) => writeFile(join(dir, LOCK), JSON.stringify({ ...owner, startedAt: '2025-01-02T01:00:00.000Z' }));

    await lock({ pid: process.pid, host: hostname() });
    const live = await runZhima(['send', 'day.json', ...FLAGS], { cwd: dir, env: gateway.env });
    expect(live.code).toBe(LOCKED_EXIT);
    expect(live.stderr).toContain(`(pid ${process.pid} on host ${hostname()}, started 2025-01-02T01:00:00.000Z)`);

    await lock({ pid: deadPid(), host: 'another-host.example' });
    const remote = await runZhima(['send', 'day.json', ...FLAGS], { cwd: dir, env: gateway.env });
    expect(remote.code).toBe(LOCKED_EXIT);
    expect(remote.stderr).toContain('on host another-host.example');
    expect(remote.stderr).toContain(`delete ${join(dir, LOCK)}`);
    expect(gateway.sandbox.uploads({ appId: gateway.appId })).toEqual([]);

    const dead = deadPid();
    await lock({ pid: dead, host: hostname() });
    const taken = await runZhima(['send', 'day.json', ...FLAGS], { cwd: dir, env: gateway.env });
    expect(taken.code, taken.stderr).toBe(0);
    expect(taken.stderr).toContain(`notice: took over the journal lock of zhima pid ${dead} on this host (started 2025-01-02T01:00:00.000Z), which is no longer running`);
    expect(gateway.sandbox.uploads({ appId: gateway.appId })).toHaveLength(1);
    expect(await readdir(join(dir, JOURNAL_DIR))).not.toContain('journal.lock');
  });

  it('a lock file that zhima did not write is refused with its name', { timeout: 90_000 }, async () => {
    const dir = await tempDir();
    const gateway = await startGateway({ dir });
    await writeRecords(join(dir, 'day.json'), records(0, 10));
    await mkdir(join(dir, JOURNAL_DIR));
    await writeFile(join(dir, LOCK), 'garbage');
    const result = await runZhima(['send', 'day.json', ...FLAGS], { cwd: dir, env: gateway.env });
    expect(result.code).toBe(LOCKED_EXIT);
    expect(result.stderr).toContain(join(dir, LOCK));
    expect(gateway.sandbox.uploads({ appId: gateway.appId })).toEqual([]);
  });
});

describe('a journal that cannot be read is refused with its name and what to do (the built bin)', () => {
  const hash = 'a'.repeat(64);
  const entry = { outcome: 'accepted', input: 'day.json', part: 0, fileName: 'day.json', records: 10, bytes: 100, appId: '2021000000000001', gateway: 'http://127.0.0.1:1/gateway.do', at: '2025-01-02T01:00:00.000Z', runId: 'r', code: null };
  it.each([
    ['torn JSON', '{"version":2,"parts":{"ab', /is not valid JSON \(Unterminated string in JSON/],
    ['an empty file', '', /is not valid JSON/],
    ['parts as an array', '{"version":2,"parts":[]}', /"parts" must be an object keyed by SHA-256, got an array/],
    ['parts missing', '{"version":2}', /"parts" must be an object keyed by SHA-256, got nothing/],
    ['a top-level array', '[]', /is not a zhima send journal/],
    ['another version (the journal of an earlier zhima)', '{"version":1,"accepted":{}}', /version 1; this zhima reads version 2/],
    ['an entry with the wrong fields', JSON.stringify({ version: 2, parts: { [hash]: { ...entry, records: '10' } } }), /entry aaaaaaaaaaaa… is not a journal entry: "records" must be a non-negative integer/],
    ['an entry with an unknown outcome', JSON.stringify({ version: 2, parts: { [hash]: { ...entry, outcome: 'sent' } } }), /"outcome" must be one of accepted, unverified, refused, not-answered, got "sent"/],
    ['a key that is not a SHA-256', JSON.stringify({ version: 2, parts: { 'day.json': entry } }), /key "day\.json" is not a SHA-256/],
  ])('%s', { timeout: 90_000 }, async (_, text, message) => {
    const dir = await tempDir();
    const gateway = await startGateway({ dir });
    await writeRecords(join(dir, 'day.json'), records(0, 10));
    await mkdir(join(dir, JOURNAL_DIR));
    await writeFile(join(dir, JOURNAL), text);
    const result = await runZhima(['send', 'day.json', ...FLAGS], { cwd: dir, env: gateway.env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`error JOURNAL_INVALID: The journal ${join(dir, JOURNAL)} `);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toContain('hint: ');
    expect(result.stderr).toContain('--journal');
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(gateway.sandbox.uploads({ appId: gateway.appId })).toEqual([]);
    // The file is left as it was, and no lock is left behind.
    expect(await readFile(join(dir, JOURNAL), 'utf8')).toBe(text);
    expect(await readdir(join(dir, JOURNAL_DIR))).not.toContain('journal.lock');
  });

  it('--journal naming a file (not a folder) is refused with what the journal is', { timeout: 90_000 }, async () => {
    const dir = await tempDir();
    const gateway = await startGateway({ dir });
    await writeRecords(join(dir, 'day.json'), records(0, 10));
    await writeFile(join(dir, 'old-journal.json'), '{}');
    const result = await runZhima(['send', 'day.json', ...FLAGS, '--journal', 'old-journal.json'], { cwd: dir, env: gateway.env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`error JOURNAL_INVALID: The journal ${join(dir, 'old-journal.json')} is a file, and the journal is a folder`);
    expect(gateway.sandbox.uploads({ appId: gateway.appId })).toEqual([]);
  });

  it('a journal with valid entries still works (a rerun skips what it lists)', { timeout: 90_000 }, async () => {
    const dir = await tempDir();
    const gateway = await startGateway({ dir });
    await writeRecords(join(dir, 'day.json'), records(0, 10));
    expect((await runZhima(['send', 'day.json', ...FLAGS], { cwd: dir, env: gateway.env })).code).toBe(0);
    const again = await runZhima(['send', 'day.json', ...FLAGS], { cwd: dir, env: gateway.env });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('0 sent, 1 already accepted');
    expect(gateway.sandbox.uploads({ appId: gateway.appId })).toHaveLength(1);
  });
});
