// Test certificates made by the openssl CLI, and their gateway SNs computed with node:crypto's X509
// parser: independent of @zhima/core's DER reader.
import { execFileSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface CertificateSet {
  rootBundle: string;
  rsaRoot: string;
  appCertificate: string;
  alipayCertificate: string;
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
}

/**
 * A root CA, an app certificate over `appPrivateKey` and an Alipay certificate over `alipayPrivateKey`,
 * both issued by the root; the bundle also holds an EC root, which the gateway's root SN skips.
 */
export function makeCertificates({ appPrivateKey, alipayPrivateKey }: { appPrivateKey: string; alipayPrivateKey: string }): CertificateSet {
  const dir = mkdtempSync(join(tmpdir(), 'zhima-sandbox-certs-'));
  try {
    writeFileSync(join(dir, 'app.key'), appPrivateKey);
    writeFileSync(join(dir, 'alipay.key'), alipayPrivateKey);
    openssl(dir, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'root.key', '-out', 'root.crt', '-days', '3650', '-subj', '/C=CN/O=Sandbox Test Root/OU=Certification Authority/CN=Sandbox Root CA', '-set_serial', '4097']);
    openssl(dir, ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'ec.key', '-out', 'ec.crt', '-days', '3650', '-subj', '/C=CN/O=Sandbox Test Root/CN=Sandbox EC Root']);
    for (const [name, subject, serial] of [
      ['app', '/C=CN/O=Merchant Co/OU=Alipay/CN=2021000000000001', '0x1d2f3a4b5c6d7e8f'],
      ['alipay', '/C=CN/O=Ant Financial/OU=Alipay/CN=Alipay Public Key Sandbox', '987654321'],
    ] as const) {
      openssl(dir, ['req', '-new', '-key', `${name}.key`, '-out', `${name}.csr`, '-subj', subject]);
      openssl(dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', 'root.crt', '-CAkey', 'root.key', '-set_serial', serial, '-days', '365', '-sha256', '-out', `${name}.crt`]);
    }
    const read = (file: string) => readFileSync(join(dir, file), 'utf8');
    return { rootBundle: read('root.crt') + read('ec.crt'), rsaRoot: read('root.crt'), appCertificate: read('app.crt'), alipayCertificate: read('alipay.crt') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** md5(issuer DN in RFC 2253 order + serial in decimal), from node's X509 parser. */
export function certificateSn(pem: string): string {
  const certificate = new X509Certificate(pem);
  const issuer = certificate.issuer.split('\n').reverse().join(',');
  return createHash('md5').update(issuer + BigInt(`0x${certificate.serialNumber}`).toString(10)).digest('hex');
}
