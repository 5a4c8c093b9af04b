import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runZhima, tempDir, zhima } from './support.js';

describe('zhima keys', () => {
  it('generate writes every form of one key pair; node:crypto reads them all', async () => {
    const dir = await tempDir();
    const result = await zhima(['keys', 'generate', '--out', 'keys'], { cwd: dir });
    expect(result.code).toBe(0);
    const read = (name: string) => readFile(join(dir, 'keys', name), 'utf8');
    const pkcs8Pem = await read('app_private_key_pkcs8.pem');
    const pkcs1Pem = await read('app_private_key_pkcs1.pem');
    expect(pkcs8Pem).toContain('BEGIN PRIVATE KEY');
    expect(pkcs1Pem).toContain('BEGIN RSA PRIVATE KEY');
    const keys = [
      createPrivateKey(pkcs8Pem),
      createPrivateKey(pkcs1Pem),
      createPrivateKey({ key: Buffer.from((await read('app_private_key_pkcs8.txt')).trim(), 'base64'), format: 'der', type: 'pkcs8' }),
      createPrivateKey({ key: Buffer.from((await read('app_private_key_pkcs1.txt')).trim(), 'base64'), format: 'der', type: 'pkcs1' }),
    ];
    const publicPem = await read('app_public_key.pem');
    const publicKey = createPublicKey(publicPem);
    expect(publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    for (const key of keys) {
      expect(createPublicKey(key).export({ type: 'spki', format: 'pem' })).toBe(publicPem);
      expect(verify('RSA-SHA256', Buffer.from('probe'), publicKey, sign('RSA-SHA256', Buffer.from('probe'), key))).toBe(true);
    }
    const publicBase64 = (await read('app_public_key.txt')).trim();
    expect(createPublicKey({ key: Buffer.from(publicBase64, 'base64'), format: 'der', type: 'spki' }).export({ type: 'spki', format: 'pem' })).toBe(publicPem);
    // Only the public key is printed; private key files are owner-only.
    expect(result.stdout).toContain(publicBase64);
    expect(result.stdout).not.toContain(pkcs8Pem.split('\n')[1]);
    expect((await stat(join(dir, 'keys', 'app_private_key_pkcs8.pem'))).mode & 0o777).toBe(0o600);
    // It never overwrites keys silently.
    const again = await zhima(['keys', 'generate', '--out', 'keys'], { cwd: dir });
    expect(again.code).toBe(2);
    expect(await read('app_private_key_pkcs8.pem')).toBe(pkcs8Pem);
  });

  it('generate --force makes the private key files owner-only even when they existed with mode 644 (the built bin)', { timeout: 90_000 }, async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'keys'));
    const names = ['app_private_key_pkcs8.pem', 'app_private_key_pkcs1.pem', 'app_private_key_pkcs8.txt', 'app_private_key_pkcs1.txt', 'app_public_key.pem', 'app_public_key.txt'];
    for (const name of names) {
      await writeFile(join(dir, 'keys', name), 'old key\n');
      await chmod(join(dir, 'keys', name), 0o644);
    }
    const result = await runZhima(['keys', 'generate', '--out', 'keys', '--force'], { cwd: dir });
    expect(result.code, result.stderr).toBe(0);
    for (const name of names) {
      const path = join(dir, 'keys', name);
      expect(await readFile(path, 'utf8'), name).not.toBe('old key\n');
      expect((await stat(path)).mode & 0o777, name).toBe(name.startsWith('app_private') ? 0o600 : 0o644);
    }
  });

  it('inspect names each format and checks whether a private and a public key match', async () => {
    const dir = await tempDir();
    await zhima(['keys', 'generate', '--out', 'a'], { cwd: dir });
    await zhima(['keys', 'generate', '--out', 'b'], { cwd: dir });
    const expectations: [string, string][] = [
      ['a/app_private_key_pkcs8.pem', 'private key, format pkcs8-pem, 2048-bit'],
      ['a/app_private_key_pkcs1.pem', 'private key, format pkcs1-pem, 2048-bit'],
      ['a/app_private_key_pkcs8.txt', 'private key, format pkcs8-base64'],
      ['a/app_private_key_pkcs1.txt', 'private key, format pkcs1-base64'],
      ['a/app_public_key.pem', 'public key, format spki-pem'],
      ['a/app_public_key.txt', 'public key, format spki-base64'],
    ];
    for (const [file, text] of expectations) {
      const result = await zhima(['keys', 'inspect', file], { cwd: dir });
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(text);
    }
    const der = createPrivateKey(await readFile(join(dir, 'a/app_private_key_pkcs1.pem'), 'utf8')).export({ type: 'pkcs1', format: 'der' });
    await writeFile(join(dir, 'key.der'), der);
    expect((await zhima(['keys', 'inspect', 'key.der'], { cwd: dir })).stdout).toContain('format pkcs1-der');

    const match = await zhima(['keys', 'inspect', 'a/app_private_key_pkcs1.txt', '--public', 'a/app_public_key.txt'], { cwd: dir });
    expect(match.code).toBe(0);
    expect(match.stdout).toContain('match: yes');
    const mismatch = await zhima(['keys', 'inspect', 'a/app_private_key_pkcs8.pem', '--public', 'b/app_public_key.pem'], { cwd: dir });
    expect(mismatch.code).toBe(1);
    expect(mismatch.stdout).toContain('match: NO');

    await writeFile(join(dir, 'junk.pem'), 'hello');
    const junk = await zhima(['keys', 'inspect', 'junk.pem'], { cwd: dir });
    expect(junk.code).toBe(1);
    expect(junk.stderr).toMatch(/^error (KEY_INVALID|PARAM_INVALID): /);
  });
});
