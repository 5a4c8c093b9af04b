import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startSandbox } from '../src/commands/sandbox.js';
import { COLUMNS, PRIMARY_KEY, records, spawnZhima, tempDir, until, writeRecords, zhima } from './support.js';

const quietIo = (cwd: string) => ({ stdout: { write: () => {} }, stderr: { write: () => {} }, env: {}, cwd });

describe('zhima sandbox', () => {
  it('writes the app private key and Alipay public key files its env points at (private key file owner-only)', async () => {
    const dir = await tempDir();
    const started = await startSandbox({ args: ['--port', '0', '--keys-dir', 'k'], io: quietIo(dir) });
    onTestFinished(() => started.server.close());
    expect(started.env.ZHIMA_PRIVATE_KEY_FILE).toBe(join(dir, 'k', 'app_private_key.pem'));
    expect(await readFile(started.env.ZHIMA_PRIVATE_KEY_FILE!, 'utf8')).toContain('PRIVATE KEY');
    expect(await readFile(started.env.ZHIMA_ALIPAY_PUBLIC_KEY_FILE!, 'utf8')).toContain('PUBLIC KEY');
    expect((await stat(started.env.ZHIMA_PRIVATE_KEY_FILE!)).mode & 0o777).toBe(0o600);
  });

  it('`zhima sandbox --keys-dir` makes the private key file owner-only even when it existed with mode 644 (the built bin)', { timeout: 30_000 }, async () => {
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
    onTestFinished(() => started.server.close());
    const file = await writeRecords(join(dir, 'day.json'), records(0, 5));
    const result = await zhima(['send', file, '--columns', COLUMNS, '--primary-key', PRIMARY_KEY, '--attempts', '2'], { cwd: dir, env: started.env });
    expect(result.code).toBe(1);
    expect(result.stderr.match(/attempt \d failed/g)).toHaveLength(1);
    expect(result.stderr).toContain('sub_code isp.unknow-error');
    expect(started.records(started.env.ZHIMA_APP_ID!)).toHaveLength(0);
  });

  it('rejects shares outside 0..1 and unknown templates', async () => {
    const dir = await tempDir();
    await expect(startSandbox({ args: ['--port', '0', '--cut', '2'], io: quietIo(dir) })).rejects.toThrow(/--cut must be a share/);
    await expect(startSandbox({ args: ['--port', '0', '--template', 'car'], io: quietIo(dir) })).rejects.toThrow(/Unknown template/);
  });
});
