import { AlipayFormData, AlipaySdk } from 'alipay-sdk';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ZhimaError } from '@zhima/core';
import { createSandbox, type Sandbox } from '../src/index.js';
import { certificateSn, makeCertificates, type CertificateSet } from './helpers/certificates.js';
import { chinaTimestamp, gatewayCall, makeKeyPair, publicParams, readAnswer, recordsFile, type KeyPair } from './helpers/client.js';

const APP_ID = '2021000000000001';
const zoneBefore = process.env.TZ;
let app: KeyPair;
let alipay: KeyPair;
let certificates: CertificateSet;
let sandbox: Sandbox;

beforeAll(async () => {
  app = makeKeyPair();
  alipay = makeKeyPair();
  certificates = makeCertificates({ appPrivateKey: app.privateKey, alipayPrivateKey: alipay.privateKey });
  sandbox = await createSandbox({
    apps: [{ appId: APP_ID, appCertificate: certificates.appCertificate }],
    alipayPrivateKey: alipay.privateKey,
    alipayCertificate: certificates.alipayCertificate,
    alipayRootCertificate: certificates.rootBundle,
  });
});

afterEach(() => {
  if (zoneBefore === undefined) delete process.env.TZ;
  else process.env.TZ = zoneBefore;
});

function certQuery(overrides: Record<string, string | undefined> = {}): Record<string, string> {
  const params: Record<string, string | undefined> = {
    ...publicParams({ appId: APP_ID, method: 'zhima.data.feedbackurl.query', timestamp: chinaTimestamp(new Date()) }),
    app_cert_sn: certificateSn(certificates.appCertificate),
    // The EC root in the bundle is skipped: only RSA-signed roots make up the SN.
    alipay_root_cert_sn: certificateSn(certificates.rsaRoot),
    ...overrides,
  };
  return Object.fromEntries(Object.entries(params).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

async function call(query: Record<string, string>) {
  const request = gatewayCall({ query, body: { biz_content: '{"merchant_id":"2088102000000001"}' }, privateKey: app.privateKey });
  return readAnswer(await sandbox.fetch(request), { alipayPublicKey: certificates.alipayCertificate });
}

describe('certificate mode', () => {
  it('accepts a call carrying the right SNs and answers with alipay_cert_sn beside sign', async () => {
    const result = await call(certQuery());
    expect(result.answer.code).toBe('10000');
    expect(result.alipayCertSn).toBe(certificateSn(certificates.alipayCertificate));
    expect(result.verified).toBe(true);
    expect(result.text).toMatch(/"sign":"[^"]+","alipay_cert_sn":"[0-9a-f]{32}"}$/);
    expect(sandbox.alipayPublicKey).toBe(certificates.alipayCertificate);
  });

  it.each([
    ['app_cert_sn', undefined, '40001', 'isv.missing-app-cert-sn'],
    ['app_cert_sn', '0'.repeat(32), '40002', 'isv.app-cert-sn-mismatch'],
    ['alipay_root_cert_sn', undefined, '40001', 'isv.missing-alipay-root-cert-sn'],
    ['alipay_root_cert_sn', '0'.repeat(32), '40002', 'isv.alipay-root-cert-sn-mismatch'],
  ])('answers a signed error when %s is %s', async (param, value, code, subCode) => {
    const result = await call(certQuery({ [param]: value }));
    expect(result.answer).toMatchObject({ code, sub_code: subCode });
    expect(result.verified).toBe(true);
    expect(result.alipayCertSn).toBe(certificateSn(certificates.alipayCertificate));
  });

  it('accepts an upload from the official SDK in certificate mode, which verifies the answer', async () => {
    process.env.TZ = 'Asia/Shanghai';
    const server = await sandbox.listen();
    try {
      const client = new AlipaySdk({
        appId: APP_ID,
        privateKey: app.privateKey,
        keyType: 'PKCS8',
        appCertContent: certificates.appCertificate,
        alipayPublicCertContent: certificates.alipayCertificate,
        alipayRootCertContent: certificates.rootBundle,
        gateway: server.gatewayUrl,
      });
      const form = new AlipayFormData();
      form.addField('columns', 'order_no,pay_month');
      form.addField('primary_key_columns', 'order_no,pay_month');
      form.addField('records', '1');
      form.addField('file_type', 'json_data');
      form.addField('file_charset', 'UTF-8');
      form.addFile('file', 'records.json', recordsFile([{ order_no: 'CERT-1', pay_month: '2024-02' }]));
      const result = await client.exec('zhima.data.batch.feedback', {}, { formData: form, validateSign: true });
      expect(result).toMatchObject({ code: '10000' });
      expect(sandbox.storedRecords({ appId: APP_ID })).toContainEqual({ order_no: 'CERT-1', pay_month: '2024-02' });
    } finally {
      await server.close();
    }
  });

  it('refuses a certificate-mode app without the Alipay certificate and root bundle', async () => {
    await expect(createSandbox({ apps: [{ appId: APP_ID, appCertificate: certificates.appCertificate }] })).rejects.toSatisfy((error) => ZhimaError.isInstance(error, 'PARAM_INVALID'));
    await expect(createSandbox({ alipayCertificate: certificates.alipayCertificate })).rejects.toSatisfy((error) => ZhimaError.isInstance(error, 'PARAM_INVALID'));
  });
});
