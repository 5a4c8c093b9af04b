// What createClient refuses at once, and the structured fields a front end maps to its own flags:
// `error.option` (the setting at fault, as the library spells it) and `TransportError.limit`.
import { describe, expect, it } from 'vitest';
import { createClient, createFetchTransport, TransportError, ZhimaError, type ClientConfig } from '../src/index.js';
import { alipay, app, feedback, useFakeGateways } from './fixtures/client-setup.js';
import { rejectionOf, thrownBy } from './fixtures/caught.js';

const { setup } = useFakeGateways();
const file = () => new TextEncoder().encode('{"records":[{"user_name":"a","order_no":"A1","pay_month":"2024-01"}]}');
const base = { appId: '2021000000000001', privateKey: app.privateKeys['pkcs8-pem'], alipayPublicKey: alipay.publicKeys['spki-pem'] };

describe('createClient checks the gateway URL (the CLI says the same)', () => {
  it.each([
    ['https://openapi.alipay.com/gateway.do ', 'starts or ends with whitespace.'],
    [' https://openapi.alipay.com/gateway.do', 'starts or ends with whitespace.'],
    ['openapi.alipay.com/gateway.do', 'has no scheme.'],
    ['ftp://openapi.alipay.com/gateway.do', 'has the scheme ftp:, and the gateway speaks https.'],
    ['https://openapi.alipay.com/gateway.do?charset=utf-8', 'has a query or fragment; the request params are added to it.'],
    ['https://openapi.alipay.com/gateway.do#x', 'has a query or fragment; the request params are added to it.'],
    ['https://openapi.alipay.com', "has the path /, and the gateway's path is /gateway.do."],
    ['https://openapi.alipay.com/gateway', "has the path /gateway, and the gateway's path is /gateway.do."],
    ['https://', 'is not a valid URL.'],
  ])('%j: PARAM_INVALID, option gateway, "%s"', (gateway, problem) => {
    const error = thrownBy(() => createClient({ ...base, gateway }));
    expect(error).toMatchObject({ code: 'PARAM_INVALID', option: 'gateway', message: `The gateway URL ${JSON.stringify(gateway)} ${problem}` });
    expect((error as ZhimaError).hint).toContain('https://openapi.alipay.com/gateway.do');
  });

  it.each(['https://openapi.alipay.com/gateway.do', 'https://openapi-sandbox.dl.alipaydev.com/gateway.do', 'http://127.0.0.1:8787/gateway.do', 'http://127.0.0.1:8787/prefix/gateway.do'])('accepts %s', (gateway) => {
    expect(() => createClient({ ...base, gateway })).not.toThrow();
  });
});

describe('error.option names the setting at fault', () => {
  it.each<[string, Partial<ClientConfig>, string]>([
    ['appId', { appId: '' }, 'appId'],
    ['charset', { charset: 'latin1' }, 'charset'],
    ['signType', { signType: 'SM2' as 'RSA2' }, 'signType'],
    ['maxResponseBytes', { maxResponseBytes: 0 }, 'maxResponseBytes'],
    ['retry.deadlineMs', { retry: { deadlineMs: -1 } }, 'retry.deadlineMs'],
    ['hooks.onRequest', { hooks: { onRequest: 'log' as unknown as () => void } }, 'hooks.onRequest'],
    ['certificateStore without certificates', { certificateStore: { get: () => undefined, set: () => {} } }, 'certificateStore'],
  ])('%s', (_name, config, option) => {
    expect(thrownBy(() => createClient({ ...base, ...config } as ClientConfig))).toMatchObject({ code: 'PARAM_INVALID', option });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['columns', { columns: '' }, 'columns'],
    ['primaryKeyColumns outside the columns', { primaryKeyColumns: 'id_card' }, 'primaryKeyColumns'],
    ['records', { records: 1.5 }, 'records'],
    ['fileCharset', { fileCharset: 'latin1' }, 'fileCharset'],
    ['fileName', { fileName: 'records.csv' }, 'fileName'],
  ])('batchFeedback %s', async (_name, input, option) => {
    const { gateway, client } = await setup();
    expect(await rejectionOf(client.batchFeedback({ ...feedback, file: file(), ...input } as never))).toMatchObject({ code: 'PARAM_INVALID', option });
    expect(gateway.received).toHaveLength(0);
  });

  it('a key in the wrong slot names the slot; the gateway 20001 names appAuthToken', async () => {
    const { gateway, client } = await setup(() => ({ node: { code: '20001', msg: 'Insufficient Token Permissions', sub_code: 'aop.invalid-app-auth-token' } }), { alipayPublicKey: app.publicKeys['spki-pem'] });
    expect(await rejectionOf(client.batchFeedback({ ...feedback, file: file() }))).toMatchObject({ code: 'KEY_INVALID', option: 'alipayPublicKey' });
    expect(gateway.received).toHaveLength(0);
    const second = await setup(() => ({ node: { code: '20001', msg: 'Insufficient Token Permissions', sub_code: 'aop.invalid-app-auth-token' } }), { appAuthToken: 'expired' });
    expect(await rejectionOf(second.client.batchFeedback({ ...feedback, file: file() }))).toMatchObject({ code: 'GATEWAY_ERROR', option: 'appAuthToken' });
  });
});

describe('the upload file name', () => {
  it('defaults to records.txt (the gateway: 目前只支持txt文件) and keeps a given .txt or .json name', async () => {
    const { gateway, client } = await setup();
    await client.batchFeedback({ ...feedback, file: file() });
    await client.batchFeedback({ ...feedback, file: file(), fileName: '2024-01-02.json' });
    await client.batchFeedback({ ...feedback, file: file(), fileName: '反馈数据.TXT' });
    expect(gateway.received.map((request) => request.files.file!.fileName)).toEqual(['records.txt', '2024-01-02.json', '反馈数据.TXT']);
    expect(gateway.received.every((request) => request.signatureValid)).toBe(true);
  });
});

describe('TransportError.limit', () => {
  it('an answer that does not come within headersTimeoutMs: TIMEOUT, limit { option: headersTimeoutMs, ms }, option headersTimeoutMs', async () => {
    const { client } = await setup(() => ({ delayMs: 1500 }), { retry: false, transport: createFetchTransport({ timeoutMs: 300, headersTimeoutMs: 300 }) });
    const error = await rejectionOf(client.batchFeedback({ ...feedback, file: file() }));
    expect(TransportError.isInstance(error)).toBe(true);
    const { reason, limit, option } = error as TransportError;
    expect({ reason, option }).toMatchObject({ reason: 'TIMEOUT', option: limit?.option });
    expect(['headersTimeoutMs', 'timeoutMs']).toContain(limit?.option);
    expect(limit?.ms).toBe(300);
  });

  it('retries stopped by retry.deadlineMs: TIMEOUT, limit { option: retry.deadlineMs, ms }', async () => {
    const { gateway, client } = await setup(() => ({ node: { code: '20000', msg: 'Service Currently Unavailable', sub_code: 'isp.unknow-error' } }), { retry: { attempts: 5, baseDelayMs: 400, maxDelayMs: 400, deadlineMs: 1 } });
    const error = await rejectionOf(client.batchFeedback({ ...feedback, file: file() }));
    expect(error).toMatchObject({ code: 'TRANSPORT_ERROR', reason: 'TIMEOUT', limit: { option: 'retry.deadlineMs', ms: 1 }, option: 'retry.deadlineMs' });
    expect((error as TransportError).requestId).toBe(gateway.received[0]!.headers['alipay-request-id']);
  });
});
