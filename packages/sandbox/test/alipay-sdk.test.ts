// Cross-implementation: the official Node SDK (alipay-sdk 4.14.0) as the client, over a real socket.
// What it takes to make it work against a gateway is part of what this file documents:
// - it formats `timestamp` in the process's local time, so the process must run in China time
//   (TZ=Asia/Shanghai); on a UTC machine the gateway (and the sandbox) answer isv.invalid-timestamp;
// - it signs empty strings as `k=` where the gateway drops them, so leave empty fields out;
// - `keyType: 'PKCS8'` must match the private key's format;
// - its response check (`validateSign: true`) reads the raw text, so the sandbox's signature passes.
import { AlipayFormData, AlipaySdk } from 'alipay-sdk';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox, type Sandbox, type SandboxServer } from '../src/index.js';
import { makeKeyPair, recordsFile, type KeyPair } from './helpers/client.js';

const APP_ID = '2021000000000001';
const zoneBefore = process.env.TZ;
let app: KeyPair;
let sandbox: Sandbox;
let server: SandboxServer;

beforeAll(async () => {
  app = makeKeyPair();
  sandbox = await createSandbox({ apps: [{ appId: APP_ID, publicKey: app.publicKey }] });
  server = await sandbox.listen();
});

afterAll(async () => {
  await server?.close();
});

afterEach(() => {
  if (zoneBefore === undefined) delete process.env.TZ;
  else process.env.TZ = zoneBefore;
});

function officialClient(): AlipaySdk {
  return new AlipaySdk({ appId: APP_ID, privateKey: app.privateKey, keyType: 'PKCS8', alipayPublicKey: sandbox.alipayPublicKey, gateway: server.gatewayUrl, signType: 'RSA2', timeout: 20_000 });
}

function feedbackForm(records: Record<string, string>[]): AlipayFormData {
  const form = new AlipayFormData();
  form.addField('columns', 'order_no,pay_month,user_name');
  form.addField('primary_key_columns', 'order_no,pay_month');
  form.addField('records', String(records.length));
  form.addField('file_type', 'json_data');
  form.addField('file_charset', 'UTF-8');
  form.addField('file_description', '文件描述信息');
  form.addFile('file', 'records.json', recordsFile(records));
  return form;
}

const RECORDS = [
  { order_no: 'SDK-1', pay_month: '2024-01', user_name: '张三' },
  { order_no: 'SDK-2', pay_month: '2024-01', user_name: '李四' },
];

describe('the official alipay-sdk against the sandbox', () => {
  it('uploads a records file with exec + AlipayFormData, is accepted, and verifies the signed answer', async () => {
    process.env.TZ = 'Asia/Shanghai';
    const result = await officialClient().exec('zhima.data.batch.feedback', {}, { formData: feedbackForm(RECORDS), validateSign: true });
    expect(result).toMatchObject({ code: '10000', msg: 'Success' });
    expect(sandbox.storedRecords({ appId: APP_ID })).toEqual(expect.arrayContaining(RECORDS));
  });

  it('re-sending the same file upserts: each primary key is held once', async () => {
    process.env.TZ = 'Asia/Shanghai';
    const client = officialClient();
    await client.exec('zhima.data.batch.feedback', {}, { formData: feedbackForm(RECORDS), validateSign: true });
    const changed = [{ ...RECORDS[0]!, user_name: '王五' }];
    await client.exec('zhima.data.batch.feedback', {}, { formData: feedbackForm(changed), validateSign: true });
    const held = sandbox.storedRecords({ appId: APP_ID }).filter((record) => String(record.order_no).startsWith('SDK-'));
    expect(held).toHaveLength(2);
    expect(held.find((record) => record.order_no === 'SDK-1')?.user_name).toBe('王五');
  });

  it('queries feedback_url with exec + bizContent and verifies the answer, escaped slashes and all', async () => {
    process.env.TZ = 'Asia/Shanghai';
    const result = await officialClient().exec('zhima.data.feedbackurl.query', { bizContent: { merchantId: '2088102000000001' } }, { validateSign: true });
    expect(result).toMatchObject({ code: '10000', feedbackUrl: `${server.url}/__sandbox/templates/8.xlsx?app_id=${APP_ID}` });
  });

  it('uploads with zhima.merchant.closeloop.data.upload (exec + AlipayFormData), verifies the answer and reads task_id', async () => {
    process.env.TZ = 'Asia/Shanghai';
    const records = [{ order_no: 'SDK-CL-1', pay_month: '2024-02', user_name: '张三' }];
    const form = new AlipayFormData();
    form.addField('scene_code', '8');
    form.addField('columns', 'order_no,pay_month,user_name');
    form.addField('primary_key_columns', 'order_no,pay_month');
    form.addField('records', '1');
    form.addField('file_charset', 'UTF-8');
    form.addField('biz_ext_params', '{"run":"nightly"}');
    form.addFile('file', 'records.txt', recordsFile(records));
    const result = await officialClient().exec('zhima.merchant.closeloop.data.upload', {}, { formData: form, validateSign: true });
    expect(result).toMatchObject({ code: '10000', bizExtParams: '{"run":"nightly"}', taskId: expect.stringMatching(/^[0-9a-f]{32}$/) });
    expect(sandbox.storedRecords({ appId: APP_ID, sceneCode: '8' })).toEqual(expect.arrayContaining(records));
    expect(sandbox.uploads({ appId: APP_ID }).at(-1)).toMatchObject({ method: 'zhima.merchant.closeloop.data.upload', sceneCode: '8', taskId: result.taskId });
  });

  it('sends one record with zhima.merchant.single.data.upload (exec + bizContent) and reads task_id', async () => {
    process.env.TZ = 'Asia/Shanghai';
    const record = { order_no: 'SDK-SG-1', pay_month: '2024-02', user_name: '李四' };
    const result = await officialClient().exec('zhima.merchant.single.data.upload', { bizContent: { sceneCode: '8', data: JSON.stringify(record), primaryKeys: 'order_no,pay_month' } }, { validateSign: true });
    expect(result).toMatchObject({ code: '10000', taskId: expect.stringMatching(/^[0-9a-f]{32}$/) });
    expect(sandbox.storedRecords({ appId: APP_ID, sceneCode: '8' })).toContainEqual(record);
  });

  it('asks zhima.merchant.data.upload.initialize for template_url and downloads the .xlsx', async () => {
    process.env.TZ = 'Asia/Shanghai';
    const result = await officialClient().exec('zhima.merchant.data.upload.initialize', { bizContent: { sceneCode: '8' } }, { validateSign: true });
    expect(result).toMatchObject({ code: '10000', templateUrl: `${server.url}/__sandbox/templates/8.xlsx?app_id=${APP_ID}` });
    const template = await fetch(String(result.templateUrl));
    expect(template.status).toBe(200);
    // A zip archive: PK\x03\x04.
    expect([...new Uint8Array(await template.arrayBuffer()).subarray(0, 4)]).toEqual([0x50, 0x4b, 0x03, 0x04]);
  });

  it('gets a signed business failure it can verify for a bad single record', async () => {
    process.env.TZ = 'Asia/Shanghai';
    const result = await officialClient().exec('zhima.merchant.single.data.upload', { bizContent: { sceneCode: '8', data: '{not json', primaryKeys: 'order_no' } }, { validateSign: true });
    expect(result).toMatchObject({ code: '40004', subCode: 'JSON_PARSE_ERROR' });
  });

  it('sees the trace_id header as result.traceId, and its alipay-request-id lands in the call log beside it', async () => {
    process.env.TZ = 'Asia/Shanghai';
    const result = await officialClient().exec('zhima.data.feedbackurl.query', { bizContent: { merchantId: '2088102000000001' } }, { validateSign: true, traceId: 'sdk-request-42' });
    expect(result.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(sandbox.calls().at(-1)).toMatchObject({ method: 'zhima.data.feedbackurl.query', requestId: 'sdk-request-42', traceId: result.traceId, code: '10000' });
  });

  it('is refused with isv.invalid-timestamp when its process runs in UTC', async () => {
    process.env.TZ = 'UTC';
    const result = await officialClient().exec('zhima.data.feedbackurl.query', { bizContent: { merchantId: '2088102000000001' } });
    expect(result).toMatchObject({ code: '40002', subCode: 'isv.invalid-timestamp' });
  });

  it('rejects a sandbox answer signed by another key', async () => {
    process.env.TZ = 'Asia/Shanghai';
    const impostor = new AlipaySdk({ appId: APP_ID, privateKey: app.privateKey, keyType: 'PKCS8', alipayPublicKey: makeKeyPair().publicKey, gateway: server.gatewayUrl });
    await expect(impostor.exec('zhima.data.feedbackurl.query', { bizContent: { merchantId: '2088102000000001' } }, { validateSign: true })).rejects.toThrow(/验签失败/);
  });
});
