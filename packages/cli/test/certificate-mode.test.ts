import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSandbox } from '@zhima/sandbox';
import { describe, expect, it, onTestFinished } from 'vitest';
import { COLUMNS, PRIMARY_KEY, records, tempDir, writeRecords, zhima } from './support.js';

/** A root CA issuing an app and an Alipay certificate, made by the openssl CLI (not by our code). */
function issueCertificates(dir: string): { app: string; alipay: string; root: string; appKey: string; alipayKey: string } {
  const keyPem = () => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const appKey = keyPem();
  const alipayKey = keyPem();
  writeFileSync(join(dir, 'app.key'), appKey);
  writeFileSync(join(dir, 'alipay.key'), alipayKey);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'root.key', '-out', 'root.crt', '-days', '30', '-subj', '/C=CN/O=CLI Test Root/CN=CLI Root CA');
  for (const [name, serial] of [['app', '4242'], ['alipay', '0x7f01']] as const) {
    openssl('req', '-new', '-key', `${name}.key`, '-out', `${name}.csr`, '-subj', `/C=CN/O=CLI Test/CN=${name}`);
    openssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'root.crt', '-CAkey', 'root.key', '-set_serial', serial, '-days', '30', '-sha256', '-out', `${name}.crt`);
  }
  const read = (file: string) => readFileSync(join(dir, file), 'utf8');
  return { app: read('app.crt'), alipay: read('alipay.crt'), root: read('root.crt'), appKey, alipayKey };
}

describe('certificate mode (公钥证书模式)', () => {
  it('sends with ZHIMA_*_CERT_FILE settings; the sandbox checks the SNs and signs with alipay_cert_sn', async () => {
    const dir = await tempDir();
    const certificates = issueCertificates(dir);
    const sandbox = await createSandbox({
      apps: [{ appId: '2021000000000009', appCertificate: certificates.app }],
      alipayPrivateKey: certificates.alipayKey,
      alipayCertificate: certificates.alipay,
      alipayRootCertificate: certificates.root,
    });
    const server = await sandbox.listen({ host: '127.0.0.1', port: 0 });
    onTestFinished(() => server.close());
    const env = {
      ZHIMA_APP_ID: '2021000000000009',
      ZHIMA_GATEWAY: server.gatewayUrl,
      ZHIMA_PRIVATE_KEY_FILE: join(dir, 'app.key'),
      ZHIMA_APP_CERT_FILE: join(dir, 'app.crt'),
      ZHIMA_ALIPAY_ROOT_CERT_FILE: join(dir, 'root.crt'),
      ZHIMA_ALIPAY_CERT_FILE: join(dir, 'alipay.crt'),
    };
    const file = await writeRecords(join(dir, 'day.json'), records(0, 40));
    const result = await zhima(['send', file, '--columns', COLUMNS, '--primary-key', PRIMARY_KEY], { cwd: dir, env });
    expect(result.code, result.stderr).toBe(0);
    expect(sandbox.storedRecords({ appId: '2021000000000009' })).toHaveLength(40);

    const dryRun = await zhima(['send', file, '--columns', COLUMNS, '--primary-key', PRIMARY_KEY, '--dry-run'], { cwd: dir, env });
    expect(dryRun.stdout).toMatch(/app_cert_sn=[0-9a-f]{32}/);
    expect(dryRun.stdout).toMatch(/alipay_root_cert_sn=[0-9a-f]{32}/);

    // A signed gateway-level refusal, saved and checked with the Alipay certificate (its SN must match alipay_cert_sn).
    const answer = await fetch(`${server.gatewayUrl}?app_id=2021000000000009&method=zhima.data.batch.feedback&charset=utf-8&sign_type=RSA2&sign=AAAA`, { method: 'POST' });
    writeFileSync(join(dir, 'answer.json'), Buffer.from(await answer.arrayBuffer()));
    const verified = await zhima(['verify-response', 'answer.json', '--alipay-cert-file', 'alipay.crt'], { cwd: dir });
    expect(verified.code, verified.stderr).toBe(0);
    expect(verified.stdout).toContain('verified: the signature is valid');
    expect(verified.stdout).toContain('node: error_response');
    const wrongCertificate = await zhima(['verify-response', 'answer.json', '--alipay-cert-file', 'app.crt'], { cwd: dir });
    expect(wrongCertificate.code).toBe(1);
    expect(wrongCertificate.stderr).toContain('CERTIFICATE_INVALID');

    const { ZHIMA_ALIPAY_CERT_FILE: _missing, ...incomplete } = env;
    const refused = await zhima(['send', file, '--columns', COLUMNS, '--primary-key', PRIMARY_KEY], { cwd: dir, env: incomplete });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('ZHIMA_ALIPAY_CERT_FILE');
  });
});
