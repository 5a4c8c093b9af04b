import { chmod, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startSandbox } from '../src/commands/sandbox.js';
import { COLUMNS, PRIMARY_KEY, records, runZhima, spawnZhima, tempDir, until, writeRecords, zhima } from './support.js';

const quietIo = (cwd: string) => ({ stdout: { write: () => {} }, stderr: { write: () => {} }, env: {}, cwd });

describe('zhima sandbox', () => {
  it('writes the app private key and Alipay public key files its env points at (private key file owner-only)', async () => {
    const dir = await tempDir();
    const started = await startSandbox({ args: ['--port', '0', '--keys-dir', 'k'], io: quietIo(dir) });
    onTestFinished(() => started.close());
    expect(started.env.ZHIMA_PRIVATE_KEY_FILE).toBe(join(dir, 'k', 'app_private_key.pem'));
    expect(await readFile(started.env.ZHIMA_PRIVATE_KEY_FILE!, 'utf8')).toContain('PRIVATE KEY');
    expect(await readFile(started.env.ZHIMA_ALIPAY_PUBLIC_KEY_FILE!, 'utf8')).toContain('PUBLIC KEY');
    expect((await stat(started.env.ZHIMA_PRIVATE_KEY_FILE!)).mode & 0o777).toBe(0o600);
  });

  it('`zhima sandbox --keys-dir` makes the private key file owner-only even when it existed with mode 644 (the built bin)', { timeout: 90_000 }, async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'k'));
    await writeFile(join(dir, 'k', 'app_private_key.pem'), 'old key\n');
    await chmod(join(dir, 'k', 'app_private_key.pem'), 0o644);
    const sandbox = spawnZhima(['sandbox', '--port', '0', '--keys-dir', 'k'], { cwd: dir });
    await until(() => sandbox.out().includes('Ctrl-C'), 'the sandbox banner');
    const key = join(dir, 'k', 'app_private_key.pem');
    expect(await readFile(key, 'utf8')).toContain('PRIVATE KEY');
    expect((await stat(key)).mode & 0o777).toBe(0o600);
    sandbox.child.kill('SIGINT');
    expect(await sandbox.exit).toBe(0);
  });

  it('injects the faults asked for: with --unavailable 1 every call is refused and retried until attempts run out', async () => {
    const dir = await tempDir();
    const started = await startSandbox({ args: ['--port', '0', '--keys-dir', 'k', '--unavailable', '1', '--seed', '5'], io: quietIo(dir) });
    onTestFinished(() => started.close());
    const file = await writeRecords(join(dir, 'day.json'), records(0, 5));
    const result = await zhima(['send', file, '--columns', COLUMNS, '--primary-key', PRIMARY_KEY, '--attempts', '2'], { cwd: dir, env: started.env });
    expect(result.code).toBe(1);
    expect(result.stderr.match(/attempt \d failed/g)).toHaveLength(1);
    expect(result.stderr).toContain('sub_code isp.unknow-error');
    expect(started.storedRecords({ appId: started.env.ZHIMA_APP_ID! })).toHaveLength(0);
  });

  it('a second `zhima sandbox` on the same keys folder stops at once (exit 75) and leaves the running one\'s keys alone; sends keep working (the built bin)', { timeout: 120_000 }, async () => {
    const dir = await tempDir();
    const first = spawnZhima(['sandbox', '--port', '0', '--keys-dir', 'k'], { cwd: dir });
    await until(() => first.out().includes('Ctrl-C'), 'the first sandbox banner');
    const env = Object.fromEntries([...first.out().matchAll(/^export (ZHIMA_\w+)=(.*)$/gm)].map((match) => [match[1]!, match[2]!]));
    const keys = { private: await readFile(env.ZHIMA_PRIVATE_KEY_FILE!, 'utf8'), alipay: await readFile(env.ZHIMA_ALIPAY_PUBLIC_KEY_FILE!, 'utf8') };

    const second = await runZhima(['sandbox', '--port', '0', '--keys-dir', 'k'], { cwd: dir });
    expect(second.code).toBe(75);
    expect(second.stderr).toContain(`error SANDBOX_KEYS_LOCKED: Another zhima sandbox is using the keys folder ${join(dir, 'k')} (pid ${first.child.pid}`);
    expect(second.stderr).not.toMatch(/\n\s+at /);
    expect(await readFile(env.ZHIMA_PRIVATE_KEY_FILE!, 'utf8')).toBe(keys.private);
    expect(await readFile(env.ZHIMA_ALIPAY_PUBLIC_KEY_FILE!, 'utf8')).toBe(keys.alipay);

    const file = await writeRecords(join(dir, 'day.json'), records(0, 5));
    const send = await runZhima(['send', file, '--columns', COLUMNS, '--primary-key', PRIMARY_KEY], { cwd: dir, env });
    expect(send.code, send.stderr).toBe(0);
    first.child.kill('SIGINT');
    expect(await first.exit).toBe(0);
    // Released on exit: the folder can be used again.
    const third = spawnZhima(['sandbox', '--port', '0', '--keys-dir', 'k'], { cwd: dir });
    await until(() => third.out().includes('Ctrl-C'), 'the third sandbox banner');
    third.child.kill('SIGINT');
    expect(await third.exit).toBe(0);
  });

  it('a port in use is said plainly (no raw EADDRINUSE), exit 2, and the keys folder is not written', { timeout: 120_000 }, async () => {
    const dir = await tempDir();
    const first = spawnZhima(['sandbox', '--port', '0', '--keys-dir', 'a'], { cwd: dir });
    await until(() => first.out().includes('Ctrl-C'), 'the first sandbox banner');
    const port = new URL(/listening at (\S+)/.exec(first.out())![1]!).port;
    const second = await runZhima(['sandbox', '--port', port, '--keys-dir', 'b'], { cwd: dir });
    expect(second.code).toBe(2);
    expect(second.stderr).toContain(`Port ${port} on 127.0.0.1 is already in use`);
    expect(second.stderr).toContain('--port 0 picks a free one');
    expect(second.stderr).not.toMatch(/\n\s+at |listen EADDRINUSE/);
    expect(await readdir(join(dir, 'b'))).toEqual([]);
    first.child.kill('SIGINT');
    expect(await first.exit).toBe(0);
  });

  it('rejects shares outside 0..1 and unknown templates', async () => {
    const dir = await tempDir();
    await expect(startSandbox({ args: ['--port', '0', '--cut', '2'], io: quietIo(dir) })).rejects.toThrow(/--cut must be a share/);
    await expect(startSandbox({ args: ['--port', '0', '--template', 'car'], io: quietIo(dir) })).rejects.toThrow(/Unknown template/);
  });
});
