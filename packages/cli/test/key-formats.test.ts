import { createPrivateKey, createPublicKey } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COLUMNS, PRIMARY_KEY, records, runZhima, startGateway, tempDir, writeRecords } from './support.js';

const FLAGS = ['--columns', COLUMNS, '--primary-key', PRIMARY_KEY];

describe('every key source takes every documented key format (the built bin)', () => {
  it('DER and bare base64 key files work in send as in keys inspect (forms written by node:crypto)', { timeout: 90_000 }, async () => {
    const dir = await tempDir();
    const gateway = await startGateway({ dir });
    const privateKey = createPrivateKey(gateway.privateKeyPem);
    const alipayPublicKey = createPublicKey(gateway.sandbox.alipayPublicKey);
    const forms = {
      'app_pkcs8.der': privateKey.export({ type: 'pkcs8', format: 'der' }),
      'app_pkcs1.der': privateKey.export({ type: 'pkcs1', format: 'der' }),
      'app_pkcs8.txt': privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64'),
      'alipay_spki.der': alipayPublicKey.export({ type: 'spki', format: 'der' }),
      'alipay_pkcs1.der': alipayPublicKey.export({ type: 'pkcs1', format: 'der' }),
    };
    for (const [name, bytes] of Object.entries(forms)) await writeFile(join(dir, name), bytes);

    const pairs = [
      ['app_pkcs8.der', 'alipay_spki.der'],
      ['app_pkcs1.der', 'alipay_pkcs1.der'],
      ['app_pkcs8.txt', 'alipay_spki.der'],
    ] as const;
    for (const [k, [privateFile, publicFile]] of pairs.entries()) {
      await writeRecords(join(dir, `day-${k}.json`), records(k * 10, 10));
      const result = await runZhima(['send', `day-${k}.json`, ...FLAGS, '--private-key-file', privateFile, '--alipay-public-key-file', publicFile, '--journal', `journal-${k}`], { cwd: dir, env: gateway.env });
      expect(result.code, `${privateFile} + ${publicFile}: ${result.stderr}`).toBe(0);
      expect(result.stderr).not.toContain('not a file path');
    }
    expect(gateway.sandbox.storedRecords({ appId: gateway.appId })).toHaveLength(30);

    for (const name of Object.keys(forms)) {
      const inspected = await runZhima(['keys', 'inspect', name], { cwd: dir });
      expect(inspected.code, inspected.stderr).toBe(0);
      expect(inspected.stdout).toMatch(/2048-bit modulus/);
    }
    const pair = await runZhima(['keys', 'inspect', 'app_pkcs1.der', '--public', 'alipay_spki.der'], { cwd: dir });
    expect(pair.stdout).toContain('match: NO');
  });
});
