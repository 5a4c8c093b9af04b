// @zhima/core's own client against the sandbox: the project's two halves must agree on the protocol.
import { createClient, GatewayError, type HttpRequest, type HttpResponse, type Transport } from '@zhima/core';
import { DATA_UPLOAD_INITIALIZE_METHOD, FEEDBACK_URL_QUERY_METHOD, SINGLE_DATA_UPLOAD_METHOD } from '@zhima/core/internal';
import { beforeAll, describe, expect, it } from 'vitest';
import { createSandbox, type Sandbox } from '../src/index.js';
import { makeCertificates } from './helpers/certificates.js';
import { encode, makeKeyPair, recordsFile, type KeyPair } from './helpers/client.js';

const APP_ID = '2021000000000001';
let app: KeyPair;
let sandbox: Sandbox;

// Hands each request to the sandbox's fetch handler in-process.
function inProcess(target: Sandbox): Transport {
  return {
    async send(request: HttpRequest): Promise<HttpResponse> {
      const response = await target.fetch(new Request(request.url, { method: request.method, headers: request.headers, body: request.body as BodyInit | undefined, duplex: 'half' } as RequestInit));
      const headers: Record<string, string> = {};
      response.headers.forEach((value, name) => (headers[name] = value));
      return { status: response.status, headers, body: new Uint8Array(await response.arrayBuffer()) };
    },
  };
}

beforeAll(async () => {
  app = makeKeyPair();
  sandbox = await createSandbox({ apps: [{ appId: APP_ID, publicKey: app.publicKey }] });
});

function rows(prefix: string, count: number, name = '张三'): Record<string, string>[] {
  return Array.from({ length: count }, (_, i) => ({ order_no: `${prefix}-${i}`, pay_month: '2024-01', user_name: name }));
}

describe('createClient from @zhima/core', () => {
  it.each(['utf-8', 'gbk'] as const)('uploads with charset %s and verifies the signed answer', async (charset) => {
    const client = createClient({ appId: APP_ID, privateKey: app.privateKey, alipayPublicKey: sandbox.alipayPublicKey, charset, transport: inProcess(sandbox), gateway: 'http://sandbox.test/gateway.do' });
    const records = rows(`CORE-${charset}`, 3, '欧阳娜娜');
    const fileCharset = charset === 'gbk' ? 'GBK' : 'UTF-8';
    const result = await client.batchFeedback({
      file: new Uint8Array(encode(JSON.stringify({ records }), charset)),
      columns: ['order_no', 'pay_month', 'user_name'],
      primaryKeyColumns: ['order_no', 'pay_month'],
      records: records.length,
      fileCharset,
      fileDescription: '中文描述',
      bizExtParams: { extparam1: '中文值' },
    });
    expect(result.code).toBe('10000');
    expect(sandbox.storedRecords({ appId: APP_ID })).toEqual(expect.arrayContaining(records));
  });

  it('surfaces a business failure as a verified GatewayError with the sub_code', async () => {
    const client = createClient({ appId: APP_ID, privateKey: app.privateKey, alipayPublicKey: sandbox.alipayPublicKey, transport: inProcess(sandbox), retry: false });
    const error = await client
      .batchFeedback({ file: new Uint8Array(recordsFile(rows('CORE-BAD', 2))), columns: 'order_no,pay_month,user_name', primaryKeyColumns: 'order_no,pay_month', records: 3 })
      .catch((caught: unknown) => caught);
    expect(GatewayError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ gatewayCode: '40004', subCode: 'INVALID_DATA_ARGUMENTS', verified: true });
  });

  it('queries feedback_url through execute', async () => {
    const client = createClient({ appId: APP_ID, privateKey: app.privateKey, alipayPublicKey: sandbox.alipayPublicKey, transport: inProcess(sandbox), gateway: 'http://sandbox.test/gateway.do' });
    const result = await client.execute<{ feedback_url: string }>('zhima.data.feedbackurl.query', { bizContent: { merchant_id: '2088102000000001' } });
    expect(result.response.feedback_url).toBe(`http://sandbox.test/__sandbox/templates/8.xlsx?app_id=${APP_ID}`);
  });

  it('sends a single record and asks for a template through execute, with the method names from core', async () => {
    const client = createClient({ appId: APP_ID, privateKey: app.privateKey, alipayPublicKey: sandbox.alipayPublicKey, transport: inProcess(sandbox), gateway: 'http://sandbox.test/gateway.do' });
    const record = { order_no: 'CORE-SINGLE-1', pay_month: '2024-03', user_name: '张三' };
    const single = await client.execute<{ task_id: string }>(SINGLE_DATA_UPLOAD_METHOD, { bizContent: { scene_code: '8', data: JSON.stringify(record), primary_keys: 'order_no,pay_month' } });
    expect(single.response.task_id).toMatch(/^[0-9a-f]{32}$/);
    expect(sandbox.storedRecords({ appId: APP_ID, sceneCode: '8' })).toContainEqual(record);
    const initialized = await client.execute<{ template_url: string }>(DATA_UPLOAD_INITIALIZE_METHOD, { bizContent: { scene_code: '8' } });
    expect(initialized.response.template_url).toBe(`http://sandbox.test/__sandbox/templates/8.xlsx?app_id=${APP_ID}`);
  });

  it('works in certificate mode with the certificates the sandbox generated', async () => {
    const generated = await createSandbox({ generateCertificates: true });
    const generatedApp = generated.apps[0]!;
    const client = createClient({
      appId: generatedApp.appId,
      privateKey: generatedApp.privateKey!,
      certificates: { appCertificate: generatedApp.appCertificate!, alipayCertificate: generated.alipayCertificate!, alipayRootCertificate: generated.alipayRootCertificate! },
      transport: inProcess(generated),
    });
    const result = await client.execute<{ feedback_url: string }>(FEEDBACK_URL_QUERY_METHOD, { bizContent: { merchant_id: '2088102000000001' } });
    expect(result.response.feedback_url).toContain('/__sandbox/templates/8.xlsx');
  });

  it('works in certificate mode', async () => {
    const alipay = makeKeyPair();
    const certificates = makeCertificates({ appPrivateKey: app.privateKey, alipayPrivateKey: alipay.privateKey });
    const certSandbox = await createSandbox({
      apps: [{ appId: APP_ID, appCertificate: certificates.appCertificate }],
      alipayPrivateKey: alipay.privateKey,
      alipayCertificate: certificates.alipayCertificate,
      alipayRootCertificate: certificates.rootBundle,
    });
    const client = createClient({
      appId: APP_ID,
      privateKey: app.privateKey,
      certificates: { appCertificate: certificates.appCertificate, alipayCertificate: certificates.alipayCertificate, alipayRootCertificate: certificates.rootBundle },
      transport: inProcess(certSandbox),
    });
    const records = rows('CORE-CERT', 2);
    await client.batchFeedback({ file: new Uint8Array(recordsFile(records)), columns: 'order_no,pay_month,user_name', primaryKeyColumns: 'order_no,pay_month', records: 2 });
    expect(certSandbox.storedRecords({ appId: APP_ID })).toEqual(records);
  });
});
