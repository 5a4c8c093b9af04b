// The feedback family, certificate rotation and tracing through @zhima/core's client against the
// sandbox as the gateway (127.0.0.1): each typed call round-trips (success, a documented failure), what
// lands in the sandbox's store is checked, the request and trace ids are compared with the sandbox's
// own call log, and a rotation mid-run is followed only to a certificate that chains to the root.
import { X509Certificate } from 'node:crypto';
import { createClient, GatewayError, UnverifiedResponseError, ZhimaError, type CertificateStore, type ZhimaClient } from '@zhima/core';
import { createSandbox, type Sandbox, type SandboxServer } from '@zhima/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const MERCHANT = '2088102000000001';
const REQUEST_ID = /^[0-9a-f]{32}$/;
const records = (keys: string[], name = '张三') => keys.map((order_no) => ({ user_name: name, order_no, pay_month: '2024-01' }));
const fileOf = (list: object[]) => new TextEncoder().encode(JSON.stringify({ records: list }));
const upload = { columns: 'user_name,order_no,pay_month', primaryKeyColumns: 'order_no,pay_month', fileCharset: 'UTF-8', sceneCode: '8' };

describe('the feedback family in public-key mode', () => {
  let sandbox: Sandbox;
  let server: SandboxServer;
  let client: ZhimaClient;
  let appId: string;
  beforeAll(async () => {
    sandbox = await createSandbox();
    server = await sandbox.listen({ host: '127.0.0.1' });
    const app = sandbox.apps[0]!;
    appId = app.appId;
    client = createClient({ appId, privateKey: app.privateKey!, alipayPublicKey: sandbox.alipayPublicKey, gateway: server.gatewayUrl, retry: false });
  });
  afterAll(async () => server?.close());

  it('closeloopDataUpload: the file lands in scene 8 and the answer task_id and biz_ext_params are typed; ids match the sandbox log', async () => {
    sandbox.clearCalls();
    const result = await client.closeloopDataUpload({ ...upload, file: fileOf(records(['CL1', 'CL2'])), records: 2, bizExtParams: { batch: 'night-1' } });
    const [call] = sandbox.calls();
    expect(result.taskId).toBe(call!.taskId);
    expect(result.taskId).toMatch(/\S/);
    expect(JSON.parse(result.bizExtParams!)).toEqual({ batch: 'night-1' });
    expect(result.requestId).toMatch(REQUEST_ID);
    expect({ requestId: result.requestId, traceId: result.traceId }).toEqual({ requestId: call!.requestId, traceId: call!.traceId });
    expect(call).toMatchObject({ method: 'zhima.merchant.closeloop.data.upload', code: '10000', signed: true });
    // The documented successor takes no file_type or file_description.
    expect(call!.paramNames).not.toContain('file_type');
    expect(call!.paramNames).not.toContain('file_description');
    const stored = sandbox.storedRecords({ appId, sceneCode: '8' }).filter((record) => String(record.order_no).startsWith('CL'));
    expect(stored.map((record) => record.order_no).sort()).toEqual(['CL1', 'CL2']);
  });

  it('singleDataUpload: one correction upserted by key; the task_id typed', async () => {
    sandbox.clearCalls();
    await client.closeloopDataUpload({ ...upload, file: fileOf(records(['SG1'])), records: 1 });
    const result = await client.singleDataUpload({ sceneCode: '8', data: { user_name: '李四', order_no: 'SG1', pay_month: '2024-01' }, primaryKeys: 'order_no,pay_month' });
    expect(result.taskId).toBe(sandbox.calls().at(-1)!.taskId);
    const stored = sandbox.storedRecords({ appId, sceneCode: '8' }).filter((record) => record.order_no === 'SG1');
    expect(stored).toEqual([expect.objectContaining({ user_name: '李四', pay_month: '2024-01' })]);
  });

  it('singleDataUpload refuses data over 4096 characters, and over 4096 bytes of the request charset, before sending', async () => {
    sandbox.clearCalls();
    // 4096 characters of which many are 3 bytes in UTF-8: under the character limit, over the byte limit.
    const wide = { user_name: '张'.repeat(1500), order_no: 'SG2', pay_month: '2024-01' };
    expect(JSON.stringify(wide).length).toBeLessThanOrEqual(4096);
    const bytes = await client.singleDataUpload({ sceneCode: '8', data: wide, primaryKeys: 'order_no,pay_month' }).catch((error: unknown) => error);
    expect(bytes).toMatchObject({ code: 'PARAM_INVALID', option: 'data' });
    expect((bytes as ZhimaError).message).not.toContain('张张');
    const long = { user_name: 'a'.repeat(4100), order_no: 'SG2', pay_month: '2024-01' };
    await expect(client.singleDataUpload({ sceneCode: '8', data: long, primaryKeys: 'order_no,pay_month' })).rejects.toMatchObject({ code: 'PARAM_INVALID', option: 'data' });
    // Just at the limit both ways: sent, and accepted.
    const exact = { user_name: '', order_no: 'SG3', pay_month: '2024-01' };
    exact.user_name = 'a'.repeat(4096 - JSON.stringify(exact).length);
    expect(JSON.stringify(exact).length).toBe(4096);
    await expect(client.singleDataUpload({ sceneCode: '8', data: exact, primaryKeys: 'order_no,pay_month' })).resolves.toMatchObject({ code: '10000' });
    expect(sandbox.calls().map((call) => call.method)).toEqual(['zhima.merchant.single.data.upload']);
  });

  it('singleDataUpload counts bytes in a GBK client charset: 2 per Chinese character', async () => {
    const app = sandbox.apps[0]!;
    const gbk = createClient({ appId, privateKey: app.privateKey!, alipayPublicKey: sandbox.alipayPublicKey, gateway: server.gatewayUrl, retry: false, charset: 'gbk' });
    const record = { user_name: '', order_no: 'GB1', pay_month: '2024-01' };
    const overhead = JSON.stringify(record).length;
    // UTF-8 would count 3 bytes each (over 4096); GBK counts 2 (at 4096): sent and accepted.
    record.user_name = '张'.repeat((4096 - overhead) / 2);
    expect(Buffer.byteLength(JSON.stringify(record), 'utf8')).toBeGreaterThan(4096);
    await expect(gbk.singleDataUpload({ sceneCode: '8', data: record, primaryKeys: 'order_no,pay_month' })).resolves.toMatchObject({ code: '10000' });
    expect(sandbox.storedRecords({ appId, sceneCode: '8' }).find((stored) => stored.order_no === 'GB1')?.user_name).toBe(record.user_name);
    record.user_name += '张';
    await expect(gbk.singleDataUpload({ sceneCode: '8', data: record, primaryKeys: 'order_no,pay_month' })).rejects.toMatchObject({ code: 'PARAM_INVALID', option: 'data' });
  });

  it('feedbackUrlQuery: the .xlsx template URL, served by the sandbox', async () => {
    const { feedbackUrl } = await client.feedbackUrlQuery({ merchantId: MERCHANT });
    expect(new URL(feedbackUrl).pathname).toMatch(/\.xlsx$/);
    const response = await fetch(feedbackUrl);
    expect(response.status).toBe(200);
    // An .xlsx is a zip: it starts with PK\x03\x04.
    expect([...new Uint8Array(await response.arrayBuffer()).subarray(0, 4)]).toEqual([0x50, 0x4b, 0x03, 0x04]);
  });

  it('dataUploadInitialize: the scene template URL; an unknown scene is a GatewayError with ids', async () => {
    const { templateUrl } = await client.dataUploadInitialize({ sceneCode: '8' });
    expect(new URL(templateUrl).pathname).toMatch(/8\.xlsx$/);
    const error = await client.dataUploadInitialize({ sceneCode: 'NO_SUCH_SCENE' }).catch((caught: unknown) => caught);
    expect(GatewayError.isInstance(error)).toBe(true);
    const last = sandbox.calls().at(-1)!;
    expect(error).toMatchObject({ gatewayCode: '40004', requestId: last.requestId, traceId: last.traceId });
  });

  it('send(): any call with files, with the same signing and verification (a batch feedback built by hand)', async () => {
    const result = await client.send({
      method: 'zhima.data.batch.feedback',
      params: { file_charset: 'UTF-8', columns: upload.columns, primary_key_columns: upload.primaryKeyColumns, records: '1', file_type: 'json_data' },
      files: [{ name: 'file', fileName: 'records.txt', content: fileOf(records(['SD1'])) }],
    });
    expect(result).toMatchObject({ code: '10000', requestId: sandbox.calls().at(-1)!.requestId });
    expect(sandbox.storedRecords({ appId }).some((record) => record.order_no === 'SD1')).toBe(true);
  });

  it('a file name the sandbox refuses (INVALID_FILE_TYPE) is refused by the client first, and the default name is accepted', async () => {
    await expect(client.batchFeedback({ ...upload, file: fileOf(records(['FN1'])), records: 1, fileName: 'records.csv' })).rejects.toMatchObject({ code: 'PARAM_INVALID', option: 'fileName' });
    sandbox.clearCalls();
    await expect(client.batchFeedback({ ...upload, file: fileOf(records(['FN1'])), records: 1 })).resolves.toMatchObject({ code: '10000' });
    expect(sandbox.calls()).toHaveLength(1);
  });
});

describe('certificate rotation', () => {
  let sandbox: Sandbox;
  let server: SandboxServer;
  beforeAll(async () => {
    sandbox = await createSandbox({ generateCertificates: true });
    server = await sandbox.listen({ host: '127.0.0.1' });
  });
  afterAll(async () => server?.close());

  const certClient = (store?: CertificateStore) => {
    const app = sandbox.apps[0]!;
    return createClient({
      appId: app.appId,
      privateKey: app.privateKey!,
      certificates: { appCertificate: app.appCertificate!, alipayRootCertificate: sandbox.alipayRootCertificate!, alipayCertificate: sandbox.alipayCertificate! },
      gateway: server.gatewayUrl,
      retry: false,
      ...(store ? { certificateStore: store } : {}),
    });
  };
  const memoryStore = () => {
    const saved = new Map<string, string>();
    return { saved, store: { get: (sn: string) => saved.get(sn), set: (sn: string, pem: string) => void saved.set(sn, pem) } satisfies CertificateStore };
  };

  it('Alipay rotates mid-run: the job downloads the new certificate once (concurrent calls share it), checks it and completes', async () => {
    const { saved, store } = memoryStore();
    const client = certClient(store);
    await client.feedbackUrlQuery({ merchantId: MERCHANT });
    const rotated = await sandbox.rotateAlipayCertificate();
    expect(rotated.chained).toBe(true);
    sandbox.clearCalls();
    const results = await Promise.all([1, 2, 3].map((n) => client.closeloopDataUpload({ ...upload, file: fileOf(records([`RT${n}`])), records: 1 })));
    expect(results.every((result) => result.code === '10000')).toBe(true);
    const downloads = sandbox.calls().filter((call) => call.method === 'alipay.open.app.alipaycert.download');
    expect(downloads).toHaveLength(1);
    expect(sandbox.calls().filter((call) => call.method === 'zhima.merchant.closeloop.data.upload').every((call) => call.alipayCertSn === rotated.alipayCertSn)).toBe(true);
    // What was stored is the certificate node:crypto reads as issued by the root.
    const pem = saved.get(rotated.alipayCertSn)!;
    expect(new X509Certificate(pem).verify(new X509Certificate(sandbox.alipayRootCertificate!).publicKey)).toBe(true);
    // A second process with the store: no download.
    sandbox.clearCalls();
    await certClient(store).feedbackUrlQuery({ merchantId: MERCHANT });
    expect(sandbox.calls().map((call) => call.method)).toEqual(['zhima.data.feedbackurl.query']);
  });

  it('a certificate that does not chain to the root is never trusted: the answer is unverified, nothing stored', async () => {
    const { saved, store } = memoryStore();
    const client = certClient(store);
    const impostor = await sandbox.rotateAlipayCertificate({ chained: false });
    expect(impostor.chained).toBe(false);
    const error = await client.closeloopDataUpload({ ...upload, file: fileOf(records(['IM1'])), records: 1 }).catch((caught: unknown) => caught);
    expect(UnverifiedResponseError.isInstance(error)).toBe(true);
    // The rotation's check is the cause, somewhere down the chain of causes.
    const causes: unknown[] = [];
    for (let cause = (error as Error).cause; cause !== undefined; cause = (cause as Error).cause) causes.push(cause);
    expect(causes.some((cause) => ZhimaError.isInstance(cause, 'CERTIFICATE_INVALID') && /does not chain/.test(cause.message))).toBe(true);
    expect(saved.size).toBe(0);
  });

  it('an expired rotated certificate is refused by its dates', async () => {
    const client = certClient();
    await sandbox.rotateAlipayCertificate({ notBefore: new Date('2020-01-01T00:00:00Z'), notAfter: new Date('2021-01-01T00:00:00Z') });
    const error = await client.feedbackUrlQuery({ merchantId: MERCHANT }).catch((caught: unknown) => caught);
    expect(UnverifiedResponseError.isInstance(error)).toBe(true);
    expect(JSON.stringify(error, Object.getOwnPropertyNames(error)) + String((error as Error).message)).toMatch(/expired/);
  });
});
