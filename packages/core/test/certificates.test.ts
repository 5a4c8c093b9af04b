import { createHash, X509Certificate } from 'node:crypto';
import { createRequire } from 'node:module';
import { beforeAll, describe, expect, it } from 'vitest';
import { ZhimaError } from '../src/index.js';
import { getCertificateSn, getRootCertificateSn } from '../src/internal.js';
import { makeCertificateFixture, type CertificateFixture } from './fixtures/certificates.js';
import { thrownBy } from './fixtures/caught.js';

// Expected SNs from node:crypto's X509Certificate (issuer lines reversed, hex serial to decimal) and md5.
function nodeSn(pem: string): string {
  const certificate = new X509Certificate(pem);
  const issuer = certificate.issuer.split('\n').reverse().join(',');
  return createHash('md5').update(issuer + BigInt(`0x${certificate.serialNumber}`).toString(10)).digest('hex');
}

// The official Node SDK's certificate utilities, as a second oracle for the plain case.
const officialCertUtil = createRequire(import.meta.url)('../node_modules/alipay-sdk/dist/commonjs/antcertutil.js') as {
  getSN(content: string, isRoot?: boolean): string;
};

let fixture: CertificateFixture;
beforeAll(() => {
  fixture = makeCertificateFixture();
});

describe('getCertificateSn', () => {
  it('matches md5(RFC 2253 issuer + decimal serial) computed with node:crypto', () => {
    expect(getCertificateSn({ certificate: fixture.appCertPem })).toBe(nodeSn(fixture.appCertPem));
    expect(getCertificateSn({ certificate: fixture.alipayCertPem })).toBe(nodeSn(fixture.alipayCertPem));
  });

  it('matches the official SDK', () => {
    expect(getCertificateSn({ certificate: fixture.appCertPem })).toBe(officialCertUtil.getSN(fixture.appCertPem));
  });

  it('handles a serial above 2^64 (decimal, no precision loss)', () => {
    const serial = BigInt(`0x${new X509Certificate(fixture.appCertPem).serialNumber}`);
    expect(serial).toBe(9223372036854775809123n);
    expect(getCertificateSn({ certificate: fixture.appCertPem })).toBe(nodeSn(fixture.appCertPem));
  });

  it('escapes RFC 2253 specials and prints emailAddress as OID=#hex, as Java does', () => {
    const email = 'ca@example.com';
    // Hand-written per RFC 2253 §2.3–2.4: IA5String DER (tag 16, length) in hex for a non-keyword attribute.
    const issuer = `CN=\\ #Odd CA,1.2.840.113549.1.9.1=#16${email.length.toString(16).padStart(2, '0')}${Buffer.from(email).toString('hex')},O=Ant\\, Financial\\+Co,C=CN`;
    const serial = BigInt(`0x${new X509Certificate(fixture.oddIssuerCertPem).serialNumber}`).toString(10);
    expect(getCertificateSn({ certificate: fixture.oddIssuerCertPem })).toBe(createHash('md5').update(issuer + serial).digest('hex'));
  });

  it('accepts DER bytes', () => {
    expect(getCertificateSn({ certificate: new Uint8Array(new X509Certificate(fixture.appCertPem).raw) })).toBe(nodeSn(fixture.appCertPem));
  });

  it('fails with CERTIFICATE_INVALID on text without a certificate', () => {
    expect(ZhimaError.isInstance(thrownBy(() => getCertificateSn({ certificate: 'not a certificate' })), 'CERTIFICATE_INVALID')).toBe(true);
  });
});

describe('getRootCertificateSn', () => {
  it('joins the SNs of RSA-signed roots with "_" and skips the EC root', () => {
    const bundle = [fixture.rootPem, fixture.ecRootPem, fixture.appCertPem].join('\n');
    expect(getRootCertificateSn({ certificates: bundle })).toBe(`${nodeSn(fixture.rootPem)}_${nodeSn(fixture.appCertPem)}`);
  });

  it('matches the official SDK on an Alipay-shaped bundle', () => {
    const bundle = [fixture.rootPem, fixture.ecRootPem].join('\n');
    expect(getRootCertificateSn({ certificates: bundle })).toBe(officialCertUtil.getSN(bundle, true));
  });
});
