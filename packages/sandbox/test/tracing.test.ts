// trace_id on every answer, alipay-request-id read from every call, and the call log — which must
// never hold a parameter value, a record, a key or a signature.
import { beforeAll, describe, expect, it } from 'vitest';
import { createSandbox, type Sandbox, type SandboxCall } from '../src/index.js';
import { chinaTimestamp, gatewayCall, makeKeyPair, publicParams, recordsFile, type KeyPair } from './helpers/client.js';
import { bizCall, uploadCall } from './helpers/family.js';

const APP_ID = '2021000000000001';

let app: KeyPair;
let sandbox: Sandbox;

beforeAll(async () => {
  app = makeKeyPair();
  sandbox = await createSandbox({ apps: [{ appId: APP_ID, publicKey: app.publicKey }], maxBodyBytes: 64 * 1024 });
});

describe('trace ids and request ids', () => {
  it('sends a fresh trace_id on every answer and logs it with the request id of the call', async () => {
    const target = await createSandbox({ apps: [{ appId: APP_ID, publicKey: app.publicKey }] });
    const answers = [];
    for (let i = 0; i < 20; i++) {
      answers.push(await bizCall({ sandbox: target, appId: APP_ID, privateKey: app.privateKey, method: 'zhima.data.feedbackurl.query', bizContent: { merchant_id: '2088' }, headers: { 'alipay-request-id': `req-${i}` } }));
    }
    const traceIds = answers.map((answer) => answer.traceId);
    for (const traceId of traceIds) expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(new Set(traceIds).size).toBe(20);
    const calls = target.calls();
    expect(calls.map((call) => call.traceId)).toEqual(traceIds);
    expect(calls.map((call) => call.requestId)).toEqual(answers.map((_, i) => `req-${i}`));
    expect(calls.map((call) => call.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it('sends trace_id on unsigned gateway failures, oversized bodies and unreadable requests too, and logs them', async () => {
    const target = await createSandbox({ apps: [{ appId: APP_ID, publicKey: app.publicKey }], maxBodyBytes: 1024 });
    const unknownApp = await target.fetch(new Request('http://sandbox.test/gateway.do?app_id=2021999&sign_type=RSA2', { method: 'POST' }));
    const tooLarge = await target.fetch(new Request('http://sandbox.test/gateway.do', { method: 'POST', body: 'x'.repeat(2048) }));
    const malformed = await target.fetch(new Request('http://sandbox.test/gateway.do?a=%ZZ', { method: 'POST' }));
    for (const response of [unknownApp, tooLarge, malformed]) expect(response.headers.get('trace_id')).toMatch(/^[0-9a-f]{32}$/);
    expect(tooLarge.status).toBe(413);
    const calls = target.calls();
    expect(calls.map((call) => [call.code, call.subCode, call.signed, call.status])).toEqual([
      ['40002', 'isv.invalid-app-id', false, 200],
      ['40002', 'isv.request-body-too-large', false, 413],
      ['40002', 'isv.invalid-parameter', false, 200],
    ]);
    // The app id was readable (and is logged), the method was not sent; the broken query could not be read at all.
    expect(calls[0]).toMatchObject({ appId: '2021999', method: undefined, requestId: undefined, paramNames: ['app_id', 'sign_type'] });
    expect(calls[2]).toMatchObject({ appId: undefined, method: undefined, paramNames: [], fileParamNames: [] });
    expect(calls.map((call) => call.traceId)).toEqual([unknownApp, tooLarge, malformed].map((response) => response.headers.get('trace_id')));
  });

  it('logs method, app, outcome, task id and sizes of each call, and serves the log over HTTP', async () => {
    const target = await createSandbox({ apps: [{ appId: APP_ID, publicKey: app.publicKey }] });
    const file = recordsFile([{ order_no: 'T-1', pay_month: '2024-01', user_name: '张三' }]);
    const upload = await uploadCall({
      sandbox: target, appId: APP_ID, privateKey: app.privateKey, method: 'zhima.merchant.closeloop.data.upload', headers: { 'alipay-request-id': 'upload-1' },
      fields: { scene_code: '8', columns: 'order_no,pay_month,user_name', primary_key_columns: 'order_no,pay_month', records: '1', file_charset: 'UTF-8' },
      files: [{ name: 'file', filename: 'day.txt', content: file }],
    });
    const refused = await bizCall({ sandbox: target, appId: APP_ID, privateKey: app.privateKey, method: 'zhima.merchant.single.data.upload', bizContent: { scene_code: '99' } });
    const [first, second] = target.calls() as [SandboxCall, SandboxCall];
    expect(first).toMatchObject({
      method: 'zhima.merchant.closeloop.data.upload', appId: APP_ID, requestId: 'upload-1', traceId: upload.traceId, status: 200, code: '10000', subCode: undefined,
      signed: true, alipayCertSn: undefined, taskId: upload.answer.task_id, fileParamNames: ['file'], fault: 'normal',
    });
    expect(first.paramNames).toEqual(['app_id', 'charset', 'columns', 'file_charset', 'format', 'method', 'primary_key_columns', 'records', 'scene_code', 'sign', 'sign_type', 'timestamp', 'version']);
    expect(first.requestBytes).toBeGreaterThan(file.length);
    expect(first.responseBytes).toBe(Buffer.byteLength(upload.text));
    expect(second).toMatchObject({ method: 'zhima.merchant.single.data.upload', code: '40004', subCode: 'INVALID_PARAMETER', taskId: undefined, traceId: refused.traceId });

    const listed = (await (await target.fetch(new Request('http://sandbox.test/__sandbox/calls'))).json()) as { count: number; calls: SandboxCall[] };
    expect(listed.count).toBe(2);
    expect(listed.calls.map((call) => call.traceId)).toEqual([upload.traceId, refused.traceId]);
    expect((await target.fetch(new Request('http://sandbox.test/__sandbox/calls', { method: 'DELETE' }))).status).toBe(200);
    expect(target.calls()).toEqual([]);
    target.clearCalls();
    expect(target.calls()).toEqual([]);
  });

  it('logs the fault a call drew', async () => {
    const target = await createSandbox({ apps: [{ appId: APP_ID, publicKey: app.publicKey }], faults: { seed: 3, unavailable: 1 } });
    const answer = await bizCall({ sandbox: target, appId: APP_ID, privateKey: app.privateKey, method: 'zhima.data.feedbackurl.query', bizContent: { merchant_id: '2088' } });
    expect(answer.answer.code).toBe('20000');
    expect(target.calls()[0]).toMatchObject({ fault: 'unavailable', code: '20000', subCode: 'isp.unknow-error', signed: true });
  });
});

describe('call log privacy', () => {
  it('holds no parameter value, record value, key or signature', async () => {
    const secrets = {
      name: '欧阳隐私名',
      id: '11010519491231002X',
      memo: 'memo-secret-7f3a',
      ext: 'ext-secret-91bc',
      merchant: '2088999988887777',
    };
    const records = [{ order_no: 'PRIV-ORDER-1', pay_month: '2024-01', user_name: secrets.name, memo: secrets.memo }];
    const columns = 'order_no,pay_month,user_name,memo';
    const upload = await uploadCall({
      sandbox, appId: APP_ID, privateKey: app.privateKey, method: 'zhima.merchant.closeloop.data.upload',
      fields: { scene_code: '8', columns, primary_key_columns: 'order_no,pay_month', records: '1', file_charset: 'UTF-8', biz_ext_params: JSON.stringify({ note: secrets.ext }) },
      files: [{ name: 'file', filename: 'day.txt', content: recordsFile(records) }],
    });
    expect(upload.answer.code).toBe('10000');
    const single = await bizCall({
      sandbox, appId: APP_ID, privateKey: app.privateKey, method: 'zhima.merchant.single.data.upload',
      bizContent: { scene_code: '8', data: JSON.stringify({ order_no: 'PRIV-ORDER-2', user_credentials_no: secrets.id, user_name: secrets.name }), primary_keys: 'order_no' },
    });
    expect(single.answer.code).toBe('10000');
    const query = await bizCall({ sandbox, appId: APP_ID, privateKey: app.privateKey, method: 'zhima.data.feedbackurl.query', bizContent: { merchant_id: secrets.merchant } });
    // A refusal whose answer echoes the sign content (isv.invalid-signature) must not leak into the log either.
    const tampered = gatewayCall({
      query: publicParams({ appId: APP_ID, method: 'zhima.data.feedbackurl.query', timestamp: chinaTimestamp(new Date()) }),
      body: { biz_content: JSON.stringify({ merchant_id: secrets.merchant }) }, privateKey: app.privateKey, tamper: { biz_content: JSON.stringify({ merchant_id: `${secrets.merchant}0` }) },
    });
    const signedQuery = new URL(tampered.url).searchParams.get('sign')!;
    await sandbox.fetch(tampered);

    const log = JSON.stringify(sandbox.calls());
    const keyBody = (pem: string) => pem.split('\n').filter((line) => line && !line.startsWith('-----'));
    const forbidden = [
      ...Object.values(secrets), 'PRIV-ORDER-1', 'PRIV-ORDER-2', signedQuery, upload.sign!, single.sign!, query.sign!,
      ...keyBody(app.privateKey), ...keyBody(app.publicKey), ...keyBody(sandbox.alipayPrivateKey!), ...keyBody(sandbox.alipayPublicKey),
      columns, '2024-01', 'UTF-8',
    ];
    for (const value of forbidden) expect(log).not.toContain(value);
    // What it does hold: names, not values.
    expect(log).toContain('biz_ext_params');
    expect(log).toContain('biz_content');
  });
});
