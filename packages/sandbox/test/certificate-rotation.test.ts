// Certificate mode with the sandbox's own PKI (generateCertificates) and Alipay certificate rotation.
// Chains are checked with the openssl CLI and node:crypto's X509 parser, SNs with node's parser
// (helpers/certificates.ts), and the official alipay-sdk computes the request SNs on its own.
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AlipaySdk } from 'alipay-sdk';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ZhimaError } from '@zhima/core';
import { createSandbox, type Sandbox } from '../src/index.js';
import { certificateSn, makeCertificates } from './helpers/certificates.js';
import { makeKeyPair } from './helpers/client.js';
import { bizCall, type FamilyAnswer } from './helpers/family.js';

const APP_ID = '2021000000000001';
const DOWNLOAD = 'alipay.open.app.alipaycert.download';
const QUERY = 'zhima.data.feedbackurl.query';
const dir = mkdtempSync(join(tmpdir(), 'zhima-sandbox-rotation-'));
const zoneBefore = process.env.TZ;

afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  if (zoneBefore === undefined) delete process.env.TZ;
  else process.env.TZ = zoneBefore;
});

function opensslVerifies({ root, certificate }: { root: string; certificate: string }): boolean {
  const name = Math.random().toString(16).slice(2);
  writeFileSync(join(dir, `${name}-root.pem`), root);
  writeFileSync(join(dir, `${name}-leaf.pem`), certificate);
  try {
    execFileSync('openssl', ['verify', '-CAfile', join(dir, `${name}-root.pem`), join(dir, `${name}-leaf.pem`)], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

let sandbox: Sandbox;
let appPrivateKey: string;
let appCertificate: string;

beforeAll(async () => {
  sandbox = await createSandbox({ generateCertificates: true });
  appPrivateKey = sandbox.apps[0]!.privateKey!;
  appCertificate = sandbox.apps[0]!.appCertificate!;
});

// A certificate-mode call with SNs computed by node's parser, verifying the answer with `verifyWith`.
function certCall(target: Sandbox, { method = QUERY, bizContent = { merchant_id: '2088102000000001' } as Record<string, unknown>, verifyWith = target.alipayCertificate! } = {}): Promise<FamilyAnswer> {
  const app = target.apps[0]!;
  return bizCall({
    sandbox: target,
    appId: app.appId,
    privateKey: app.privateKey!,
    method,
    bizContent,
    alipayPublicKey: verifyWith,
    query: { app_cert_sn: certificateSn(app.appCertificate!), alipay_root_cert_sn: certificateSn(target.alipayRootCertificate!) },
  });
}

describe('generated certificate mode', () => {
  it('makes a root CA, an Alipay certificate and an app certificate that chain, as openssl and node:crypto read them', () => {
    const root = new X509Certificate(sandbox.alipayRootCertificate!);
    expect(root.ca).toBe(true);
    expect(root.verify(root.publicKey)).toBe(true);
    for (const certificate of [sandbox.alipayCertificate!, appCertificate]) {
      const leaf = new X509Certificate(certificate);
      expect(leaf.ca).toBe(false);
      expect(leaf.checkIssued(root)).toBe(true);
      expect(leaf.verify(root.publicKey)).toBe(true);
      expect(opensslVerifies({ root: sandbox.alipayRootCertificate!, certificate })).toBe(true);
    }
    expect(new X509Certificate(appCertificate).subject).toContain(`CN=${APP_ID}`);
    expect(sandbox.alipayPublicKey).toBe(sandbox.alipayCertificate);
    expect(sandbox.alipayCertSn).toBe(certificateSn(sandbox.alipayCertificate!));
  });

  it('answers certificate-mode calls signed, with alipay_cert_sn beside sign', async () => {
    const result = await certCall(sandbox);
    expect(result.answer.code).toBe('10000');
    expect(result.verified).toBe(true);
    expect(result.alipayCertSn).toBe(certificateSn(sandbox.alipayCertificate!));
  });

  it('is spoken by the official alipay-sdk in certificate mode (its own SN code) with verified answers', async () => {
    process.env.TZ = 'Asia/Shanghai';
    const server = await sandbox.listen();
    try {
      const sdk = new AlipaySdk({ appId: APP_ID, privateKey: appPrivateKey, keyType: 'PKCS8', appCertContent: appCertificate, alipayPublicCertContent: sandbox.alipayCertificate!, alipayRootCertContent: sandbox.alipayRootCertificate!, gateway: server.gatewayUrl });
      const result = await sdk.exec(QUERY, { bizContent: { merchantId: '2088102000000001' } }, { validateSign: true });
      expect(result).toMatchObject({ code: '10000' });
    } finally {
      await server.close();
    }
  });

  it('refuses generateCertificates together with given certificates', async () => {
    const keys = makeKeyPair();
    const given = makeCertificates({ appPrivateKey: keys.privateKey, alipayPrivateKey: keys.privateKey });
    await expect(createSandbox({ generateCertificates: true, alipayCertificate: given.alipayCertificate, alipayPrivateKey: keys.privateKey })).rejects.toSatisfy((error) => ZhimaError.isInstance(error, 'PARAM_INVALID'));
  });
});

describe('alipay.open.app.alipaycert.download', () => {
  it('serves the certificate of a known SN as base64 of its PEM, signed', async () => {
    const result = await certCall(sandbox, { method: DOWNLOAD, bizContent: { alipay_cert_sn: sandbox.alipayCertSn! } });
    expect(result.node).toBe('alipay_open_app_alipaycert_download_response');
    expect(result.answer.code).toBe('10000');
    expect(result.verified).toBe(true);
    expect(Buffer.from(result.answer.alipay_cert_content!, 'base64').toString('utf8')).toBe(sandbox.alipayCertificate);
  });

  it.each([
    ['an SN it never signed under', { alipay_cert_sn: '0'.repeat(32) }, 'CERT_NOT_EXIST'],
    ['no alipay_cert_sn', {}, 'INVALID_PARAMETER'],
  ])('answers a signed 40004 for %s', async (_label, bizContent, subCode) => {
    const result = await certCall(sandbox, { method: DOWNLOAD, bizContent });
    expect(result.answer).toMatchObject({ code: '40004', msg: 'Business Failed', sub_code: subCode });
    expect(result.verified).toBe(true);
  });

  it('knows no certificate in public-key mode', async () => {
    const keyMode = await createSandbox();
    const app = keyMode.apps[0]!;
    const result = await bizCall({ sandbox: keyMode, appId: app.appId, privateKey: app.privateKey!, method: DOWNLOAD, bizContent: { alipay_cert_sn: '1'.repeat(32) } });
    expect(result.answer).toMatchObject({ code: '40004', sub_code: 'CERT_NOT_EXIST' });
    expect(result.alipayCertSn).toBeUndefined();
  });
});

describe('rotateAlipayCertificate', () => {
  it('signs later answers with a new key under the new SN, a certificate of the same root that download serves', async () => {
    const target = await createSandbox({ generateCertificates: true });
    const before = { certificate: target.alipayCertificate!, sn: target.alipayCertSn! };
    expect((await certCall(target)).alipayCertSn).toBe(before.sn);

    const rotated = await target.rotateAlipayCertificate();
    expect(rotated.chained).toBe(true);
    expect(rotated.alipayCertSn).toBe(certificateSn(rotated.alipayCertificate));
    expect(rotated.alipayCertSn).not.toBe(before.sn);
    expect(target.alipayCertSn).toBe(rotated.alipayCertSn);
    expect(target.alipayPublicKey).toBe(before.certificate); // what clients were configured with stays
    expect(opensslVerifies({ root: target.alipayRootCertificate!, certificate: rotated.alipayCertificate })).toBe(true);
    const leaf = new X509Certificate(rotated.alipayCertificate);
    expect(leaf.verify(new X509Certificate(target.alipayRootCertificate!).publicKey)).toBe(true);
    expect(leaf.publicKey.export({ format: 'pem', type: 'spki' })).not.toBe(new X509Certificate(before.certificate).publicKey.export({ format: 'pem', type: 'spki' }));

    const after = await certCall(target, { verifyWith: rotated.alipayCertificate });
    expect(after.alipayCertSn).toBe(rotated.alipayCertSn);
    expect(after.verified).toBe(true);
    expect((await certCall(target, { verifyWith: before.certificate })).verified).toBe(false);

    const downloaded = await certCall(target, { method: DOWNLOAD, bizContent: { alipay_cert_sn: rotated.alipayCertSn }, verifyWith: rotated.alipayCertificate });
    expect(Buffer.from(downloaded.answer.alipay_cert_content!, 'base64').toString('utf8')).toBe(rotated.alipayCertificate);
    const old = await certCall(target, { method: DOWNLOAD, bizContent: { alipay_cert_sn: before.sn }, verifyWith: rotated.alipayCertificate });
    expect(Buffer.from(old.answer.alipay_cert_content!, 'base64').toString('utf8')).toBe(before.certificate);
  });

  it('with chained: false, issues from an impostor root of the same name: no chain to the configured root', async () => {
    const target = await createSandbox({ generateCertificates: true });
    const rogue = await target.rotateAlipayCertificate({ chained: false });
    expect(rogue.chained).toBe(false);
    const root = new X509Certificate(target.alipayRootCertificate!);
    const leaf = new X509Certificate(rogue.alipayCertificate);
    expect(leaf.issuer).toBe(root.subject);
    expect(leaf.verify(root.publicKey)).toBe(false);
    expect(opensslVerifies({ root: target.alipayRootCertificate!, certificate: rogue.alipayCertificate })).toBe(false);
    const answer = await certCall(target, { verifyWith: rogue.alipayCertificate });
    expect(answer).toMatchObject({ alipayCertSn: rogue.alipayCertSn, verified: true });
    const downloaded = await certCall(target, { method: DOWNLOAD, bizContent: { alipay_cert_sn: rogue.alipayCertSn }, verifyWith: rogue.alipayCertificate });
    expect(Buffer.from(downloaded.answer.alipay_cert_content!, 'base64').toString('utf8')).toBe(rogue.alipayCertificate);
  });

  it('can make a certificate outside its validity, for a client date check', async () => {
    const target = await createSandbox({ generateCertificates: true });
    const expired = await target.rotateAlipayCertificate({ notBefore: new Date('2020-01-01T00:00:00Z'), notAfter: new Date('2021-01-01T00:00:00Z') });
    const leaf = new X509Certificate(expired.alipayCertificate);
    expect(new Date(leaf.validTo).toISOString()).toBe('2021-01-01T00:00:00.000Z');
    expect(opensslVerifies({ root: target.alipayRootCertificate!, certificate: expired.alipayCertificate })).toBe(false);
  });

  it.each(['2049-12-31T23:59:59.000Z', '2050-01-01T00:00:00.000Z', '2099-06-30T12:00:00.000Z'])('writes a validity end of %s that node and openssl read back (UTCTime / GeneralizedTime)', async (iso) => {
    const target = await createSandbox({ generateCertificates: true });
    const rotated = await target.rotateAlipayCertificate({ notAfter: new Date(iso) });
    expect(new Date(new X509Certificate(rotated.alipayCertificate).validTo).toISOString()).toBe(iso);
    expect(opensslVerifies({ root: target.alipayRootCertificate!, certificate: rotated.alipayCertificate })).toBe(true);
  });

  it('rotates after a number of calls, also over the tooling API', async () => {
    const target = await createSandbox({ generateCertificates: true });
    const first = target.alipayCertSn;
    const response = await target.fetch(new Request('http://sandbox.test/__sandbox/alipay-certificate/rotate?after_calls=2', { method: 'POST' }));
    expect(response.status).toBe(200);
    const rotated = (await response.json()) as { alipay_cert_sn: string; alipay_cert: string; chained: boolean; after_calls: number };
    expect(rotated).toMatchObject({ alipay_cert_sn: certificateSn(rotated.alipay_cert), chained: true, after_calls: 2 });
    const sns = [];
    for (let i = 0; i < 4; i++) sns.push((await certCall(target, { verifyWith: i < 2 ? target.alipayPublicKey : rotated.alipay_cert })).alipayCertSn);
    expect(sns).toEqual([first, first, rotated.alipay_cert_sn, rotated.alipay_cert_sn]);
    const info = (await (await target.fetch(new Request('http://sandbox.test/__sandbox/info'))).json()) as Record<string, unknown>;
    expect(info).toMatchObject({ alipay_cert_sn: rotated.alipay_cert_sn, alipay_root_cert: target.alipayRootCertificate });
  });

  it('leaves public-key-mode apps of the same sandbox on the original key', async () => {
    const keyApp = makeKeyPair();
    const certApp = makeKeyPair();
    const openssl = makeCertificates({ appPrivateKey: certApp.privateKey, alipayPrivateKey: certApp.privateKey });
    const target = await createSandbox({ generateCertificates: true, apps: [{ appId: 'cert-app', appCertificate: openssl.appCertificate }, { appId: 'key-app', publicKey: keyApp.publicKey }] });
    await target.rotateAlipayCertificate();
    const keyAnswer = await bizCall({ sandbox: target, appId: 'key-app', privateKey: keyApp.privateKey, method: QUERY, bizContent: { merchant_id: '2088' }, alipayPublicKey: target.alipayPublicKey });
    expect(keyAnswer).toMatchObject({ verified: true, alipayCertSn: undefined });
    const certAnswer = await bizCall({
      sandbox: target, appId: 'cert-app', privateKey: certApp.privateKey, method: QUERY, bizContent: { merchant_id: '2088' }, alipayPublicKey: target.alipayCertificate!,
      query: { app_cert_sn: certificateSn(openssl.appCertificate), alipay_root_cert_sn: certificateSn(target.alipayRootCertificate!) },
    });
    expect(certAnswer).toMatchObject({ verified: true, alipayCertSn: target.alipayCertSn });
    expect(target.alipayCertSn).not.toBe(certificateSn(target.alipayPublicKey));
  });

  it('makes the official alipay-sdk configured with the old certificate fail to verify, and one with the new succeed', async () => {
    process.env.TZ = 'Asia/Shanghai';
    const target = await createSandbox({ generateCertificates: true });
    const app = target.apps[0]!;
    const server = await target.listen();
    const sdkWith = (alipayPublicCertContent: string) =>
      new AlipaySdk({ appId: APP_ID, privateKey: app.privateKey!, keyType: 'PKCS8', appCertContent: app.appCertificate!, alipayPublicCertContent, alipayRootCertContent: target.alipayRootCertificate!, gateway: server.gatewayUrl });
    try {
      const old = sdkWith(target.alipayCertificate!);
      const rotated = await target.rotateAlipayCertificate();
      await expect(old.exec(QUERY, { bizContent: { merchantId: '2088102000000001' } }, { validateSign: true })).rejects.toThrow(/验签失败/);
      const downloaded = await sdkWith(rotated.alipayCertificate).exec(DOWNLOAD, { bizContent: { alipayCertSn: rotated.alipayCertSn } }, { validateSign: true });
      expect(Buffer.from(String(downloaded.alipayCertContent), 'base64').toString('utf8')).toBe(rotated.alipayCertificate);
    } finally {
      await server.close();
    }
  });

  it('refuses to rotate without its own root, with what to do, in code and over HTTP', async () => {
    const keyMode = await createSandbox();
    const error = await keyMode.rotateAlipayCertificate().catch((caught: unknown) => caught);
    expect(ZhimaError.isInstance(error, 'PARAM_INVALID')).toBe(true);
    expect((error as ZhimaError).hint).toContain('generateCertificates');
    const response = await keyMode.fetch(new Request('http://sandbox.test/__sandbox/alipay-certificate/rotate', { method: 'POST' }));
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ hint: expect.stringContaining('generateCertificates') });
    await expect(sandbox.rotateAlipayCertificate({ afterCalls: -1 })).rejects.toSatisfy((caught) => ZhimaError.isInstance(caught, 'PARAM_INVALID'));
  });
});
