import { beforeAll, describe, expect, it } from 'vitest';
import { createSandbox, type Sandbox } from '../src/index.js';
import { chinaTimestamp, gatewayCall, makeKeyPair, percentEncode, publicParams, readAnswer, rsaSign, signContentOf, type KeyPair, type TestCharset } from './helpers/client.js';

const APP_ID = '2021000000000001';
const METHOD = 'zhima.data.feedbackurl.query';
const NOW = new Date('2026-03-04T05:06:07Z');
const BIZ = '{"merchant_id":"2088102000000001"}';

let app: KeyPair;
let stranger: KeyPair;
let sandbox: Sandbox;

beforeAll(async () => {
  app = makeKeyPair();
  stranger = makeKeyPair();
  sandbox = await createSandbox({ apps: [{ appId: APP_ID, publicKey: app.publicKey }, { appId: 'token-app', publicKey: app.publicKey, appAuthTokens: ['good-token'] }], now: () => NOW });
});

function query(overrides: Record<string, string | undefined> = {}, charset: TestCharset = 'utf-8'): Record<string, string> {
  const params: Record<string, string | undefined> = { ...publicParams({ appId: APP_ID, method: METHOD, timestamp: chinaTimestamp(NOW), charset }), ...overrides };
  return Object.fromEntries(Object.entries(params).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

async function call(spec: Partial<Parameters<typeof gatewayCall>[0]> & { query?: Record<string, string> }, signType: 'RSA2' | 'RSA' = 'RSA2') {
  const request = gatewayCall({ query: query(), body: { biz_content: BIZ }, privateKey: app.privateKey, signType, ...spec });
  return readAnswer(await sandbox.fetch(request), { alipayPublicKey: sandbox.alipayPublicKey, signType, charset: spec.charset ?? 'utf-8' });
}

describe('zhima.data.feedbackurl.query', () => {
  it('answers a signed feedback_url for biz_content in a urlencoded body', async () => {
    const result = await call({});
    expect(result.node).toBe('zhima_data_feedbackurl_query_response');
    expect(result.answer).toMatchObject({ code: '10000', msg: 'Success' });
    expect(result.answer.feedback_url).toBe('http://sandbox.test/__sandbox/templates/8.xlsx?app_id=2021000000000001');
    expect(result.verified).toBe(true);
    // Written as the gateway writes URLs; the signature covers the escaped text.
    expect(result.text).toContain('http:\\/\\/sandbox.test');
  });

  it('reads biz_content from the query of a GET', async () => {
    const request = gatewayCall({ query: query({ biz_content: BIZ }), privateKey: app.privateKey });
    const get = new Request(request.url, { method: 'GET' });
    const result = await readAnswer(await sandbox.fetch(get), { alipayPublicKey: sandbox.alipayPublicKey });
    expect(result.answer.code).toBe('10000');
    expect(result.verified).toBe(true);
  });

  it('verifies and signs with SHA1withRSA when sign_type is RSA', async () => {
    const result = await call({ query: query({ sign_type: 'RSA' }) }, 'RSA');
    expect(result.answer.code).toBe('10000');
    expect(result.verified).toBe(true);
  });

  it('decodes GBK percent-bytes and signs the answer over GBK bytes', async () => {
    const biz = '{"merchant_id":"2088102000000001","memo":"中文备注"}';
    const result = await call({ charset: 'gbk', query: query({}, 'gbk'), body: { biz_content: biz, app_auth_token: '授权' } });
    expect(result.answer.code).toBe('10000');
    expect(result.verified).toBe(true);
  });

  it('answers business failures for a bad biz_content in the method node', async () => {
    const notJson = await call({ body: { biz_content: 'merchant_id=1' } });
    expect(notJson.node).toBe('zhima_data_feedbackurl_query_response');
    expect(notJson.answer).toMatchObject({ code: '40004', msg: 'Business Failed', sub_code: 'INVALID_PARAMETER' });
    expect(notJson.verified).toBe(true);
    const noMerchant = await call({ body: { biz_content: '{}' } });
    expect(noMerchant.answer.sub_code).toBe('INVALID_PARAMETER');
    expect(noMerchant.answer.sub_msg).toContain('merchant_id');
  });
});

describe('gateway-level failures', () => {
  it.each([
    ['app_id', 'isv.missing-app-id'],
    ['sign_type', 'isv.missing-signature-type'],
  ])('answers an unsigned 40001 without %s', async (param, subCode) => {
    const result = await call({ query: query({ [param]: undefined }) });
    expect(result.node).toBe('error_response');
    expect(result.answer).toMatchObject({ code: '40001', msg: 'Missing Required Arguments', sub_code: subCode });
    expect(result.sign).toBeUndefined();
  });

  it.each([
    ['method', 'isv.missing-method'],
    ['timestamp', 'isv.missing-timestamp'],
    ['version', 'isv.missing-version'],
  ])('answers a signed 40001 without %s once the app is known', async (param, subCode) => {
    const result = await call({ query: query({ [param]: undefined }) });
    expect(result.node).toBe('error_response');
    expect(result.answer).toMatchObject({ code: '40001', sub_code: subCode });
    expect(result.verified).toBe(true);
  });

  it('answers isv.missing-signature without sign', async () => {
    const result = await call({ sign: '' });
    expect(result.answer).toMatchObject({ code: '40001', sub_code: 'isv.missing-signature' });
    expect(result.verified).toBe(true);
  });

  it('answers an unsigned isv.invalid-app-id for an unknown app', async () => {
    const result = await call({ query: query({ app_id: '2021999999999999' }) });
    expect(result.answer).toMatchObject({ code: '40002', msg: 'Invalid Arguments', sub_code: 'isv.invalid-app-id' });
    expect(result.sign).toBeUndefined();
  });

  it('answers an unsigned isv.invalid-signature-type for an unknown sign_type', async () => {
    const result = await call({ query: query({ sign_type: 'MD5' }) });
    expect(result.answer).toMatchObject({ code: '40002', sub_code: 'isv.invalid-signature-type' });
    expect(result.sign).toBeUndefined();
  });

  it('answers a signed isv.invalid-method for a method it does not serve', async () => {
    const result = await call({ query: query({ method: 'alipay.trade.pay' }) });
    expect(result.node).toBe('error_response');
    expect(result.answer).toMatchObject({ code: '40002', sub_code: 'isv.invalid-method' });
    expect(result.verified).toBe(true);
  });

  it.each([
    ['version', '2.0', 'isv.invalid-version'],
    ['format', 'XML', 'isv.invalid-format'],
  ])('rejects %s=%s', async (param, value, subCode) => {
    const result = await call({ query: query({ [param]: value }) });
    expect(result.answer).toMatchObject({ code: '40002', sub_code: subCode });
  });

  it('answers isv.invalid-signature with the gateway sign content when a param changed after signing', async () => {
    const result = await call({ tamper: { biz_content: '{"merchant_id":"2088102000000002"}' } });
    expect(result.node).toBe('error_response');
    expect(result.answer).toMatchObject({ code: '40002', msg: 'Invalid Arguments', sub_code: 'isv.invalid-signature' });
    expect(result.verified).toBe(true);
    const expected = signContentOf({ ...query(), biz_content: '{"merchant_id":"2088102000000002"}' });
    expect(result.answer.sub_msg).toContain(expected);
  });

  it('answers isv.invalid-signature for a signature by another key', async () => {
    const result = await call({ privateKey: stranger.privateKey });
    expect(result.answer.sub_code).toBe('isv.invalid-signature');
  });

  it('answers isv.invalid-signature when the client signed an empty param as "k=" (the gateway drops empties)', async () => {
    const params = { ...query(), biz_content: BIZ, app_auth_token: '' };
    const nodeSdkContent = Object.keys(params).sort().map((key) => `${key}=${params[key as keyof typeof params]}`).join('&');
    expect(nodeSdkContent).toContain('app_auth_token=&');
    const result = await call({ body: { biz_content: BIZ, app_auth_token: '' }, sign: rsaSign(nodeSdkContent, { privateKey: app.privateKey }) });
    expect(result.answer.sub_code).toBe('isv.invalid-signature');
    const dropped = await call({ body: { biz_content: BIZ, app_auth_token: '' } });
    expect(dropped.answer.code).toBe('10000');
  });

  it('answers isv.invalid-signature when GBK params were signed as UTF-8 bytes', async () => {
    const biz = '{"merchant_id":"2088102000000001","memo":"中文"}';
    const params = { ...query({}, 'gbk'), biz_content: biz };
    const utf8Signed = rsaSign(signContentOf(params), { privateKey: app.privateKey, charset: 'utf-8' });
    const result = await call({ charset: 'gbk', query: query({}, 'gbk'), body: { biz_content: biz }, sign: utf8Signed });
    expect(result.answer.sub_code).toBe('isv.invalid-signature');
  });

  it.each([
    ['16 minutes ahead', chinaTimestamp(new Date(NOW.getTime() + 16 * 60_000)), false],
    ['16 minutes behind', chinaTimestamp(new Date(NOW.getTime() - 16 * 60_000)), false],
    ['14 minutes behind', chinaTimestamp(new Date(NOW.getTime() - 14 * 60_000)), true],
    ['UTC wall time (the Node SDK on a UTC server)', new Date(NOW.getTime()).toISOString().slice(0, 19).replace('T', ' '), false],
    ['ISO format', NOW.toISOString(), false],
    ['an impossible date', '2026-02-30 13:06:07', false],
  ])('checks a timestamp %s', async (_label, timestamp, accepted) => {
    const result = await call({ query: query({ timestamp }) });
    if (accepted) {
      expect(result.answer.code).toBe('10000');
    } else {
      expect(result.answer).toMatchObject({ code: '40002', sub_code: 'isv.invalid-timestamp' });
      expect(result.verified).toBe(true);
    }
  });

  it('answers 20001 for an app_auth_token the app does not hold', async () => {
    const bad = await call({ query: query({ app_id: 'token-app' }), body: { biz_content: BIZ, app_auth_token: 'stolen' } });
    expect(bad.answer).toMatchObject({ code: '20001', sub_code: 'aop.invalid-app-auth-token' });
    const good = await call({ query: query({ app_id: 'token-app', app_auth_token: 'good-token' }) });
    expect(good.answer.code).toBe('10000');
  });
});

describe('charsets and encodings', () => {
  it('answers an unsigned isv.invalid-charset for a charset the gateway does not speak', async () => {
    const result = await call({ query: query({ charset: 'latin1' }) });
    expect(result.answer).toMatchObject({ code: '40002', sub_code: 'isv.invalid-charset' });
    expect(result.sign).toBeUndefined();
  });

  it.each([
    ['utf-8', '%C3%28'],
    ['gbk', '%81%20'],
  ])('answers isv.invalid-charset for bytes that are not %s', async (charset, bytes) => {
    const good = gatewayCall({ query: query({}, charset as TestCharset), charset: charset as TestCharset, body: { biz_content: BIZ }, privateKey: app.privateKey });
    const request = new Request(`${good.url}&memo=${bytes}`, { method: 'POST', headers: good.headers, body: await good.text() });
    const result = await readAnswer(await sandbox.fetch(request), { alipayPublicKey: sandbox.alipayPublicKey });
    expect(result.answer).toMatchObject({ code: '40002', sub_code: 'isv.invalid-charset' });
  });

  it('takes the charset from the multipart Content-Type when the query has none', async () => {
    const biz = '{"merchant_id":"2088102000000001","memo":"中文"}';
    const result = await call({ charset: 'gbk', javaStyle: true, bodyKind: 'multipart', query: query({ charset: undefined }, 'gbk'), body: { biz_content: biz } });
    expect(result.answer.code).toBe('10000');
    expect(result.verified).toBe(true);
  });

  it('treats gb2312 as GBK bytes and answers in GBK', async () => {
    const biz = '{"merchant_id":"2088102000000001","memo":"中文"}';
    const request = gatewayCall({ charset: 'gbk', query: query({ charset: 'gb2312' }, 'gbk'), body: { biz_content: biz }, privateKey: app.privateKey });
    const response = await sandbox.fetch(request);
    expect(response.headers.get('content-type')).toBe('application/json;charset=GBK');
    const result = await readAnswer(response, { alipayPublicKey: sandbox.alipayPublicKey, charset: 'gbk' });
    expect(result.answer.code).toBe('10000');
    expect(result.verified).toBe(true);
  });

  it('answers isv.invalid-parameter for a malformed percent escape', async () => {
    const good = gatewayCall({ query: query(), body: { biz_content: BIZ }, privateKey: app.privateKey });
    const request = new Request(`${good.url}&memo=%ZZ`, { method: 'POST', headers: good.headers, body: await good.text() });
    const result = await readAnswer(await sandbox.fetch(request), { alipayPublicKey: sandbox.alipayPublicKey });
    expect(result.answer).toMatchObject({ code: '40002', sub_code: 'isv.invalid-parameter' });
  });

  it('accepts "+" for spaces in the query, as Java URLEncoder writes them', async () => {
    const params = query();
    const sign = rsaSign(signContentOf({ ...params, biz_content: BIZ }), { privateKey: app.privateKey });
    const search = Object.entries({ ...params, sign })
      .map(([key, value]) => `${key}=${percentEncode(value, 'utf-8').replaceAll('%20', '+')}`)
      .join('&');
    expect(search).toContain('+');
    const request = new Request(`http://sandbox.test/gateway.do?${search}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `biz_content=${encodeURIComponent(BIZ)}`,
    });
    const result = await readAnswer(await sandbox.fetch(request), { alipayPublicKey: sandbox.alipayPublicKey });
    expect(result.answer.code).toBe('10000');
  });

  it('refuses the same param in query and body with different values', async () => {
    const result = await call({ query: query({ biz_content: '{"merchant_id":"1"}' }) });
    expect(result.answer).toMatchObject({ code: '40002', sub_code: 'isv.invalid-parameter' });
  });
});

describe('HTTP surface', () => {
  it('answers 404 off the gateway path and 405 for other verbs', async () => {
    expect((await sandbox.fetch(new Request('http://sandbox.test/elsewhere'))).status).toBe(404);
    const put = await sandbox.fetch(new Request('http://sandbox.test/gateway.do', { method: 'PUT', body: 'x' }));
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('POST, GET');
  });

  it('serves its info and the template behind feedback_url', async () => {
    const info = (await (await sandbox.fetch(new Request('http://sandbox.test/__sandbox/info'))).json()) as Record<string, unknown>;
    expect(info).toMatchObject({ gateway_path: '/gateway.do', alipay_public_key: sandbox.alipayPublicKey, app_ids: [APP_ID, 'token-app'] });
    const template = await sandbox.fetch(new Request(`http://sandbox.test/__sandbox/templates/8.xlsx?app_id=${APP_ID}`));
    expect(template.status).toBe(200);
    expect(template.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect((await sandbox.fetch(new Request('http://sandbox.test/__sandbox/templates/8.xlsx?app_id=2021999999999999'))).status).toBe(404);
    expect((await sandbox.fetch(new Request(`http://sandbox.test/__sandbox/templates/99.xlsx?app_id=${APP_ID}`))).status).toBe(404);
  });
});

describe('odd input never breaks an answer', () => {
  it('rejects bytes that are not GBK even where ICU would decode them (FF FF)', async () => {
    // Node's GBK decoder turns FF FF into a private-use code point; core's decodeText refuses it.
    const good = gatewayCall({ query: query({}, 'gbk'), charset: 'gbk', body: { biz_content: BIZ }, privateKey: app.privateKey });
    const request = new Request(`${good.url}&memo=%FF%FF`, { method: 'POST', headers: good.headers, body: await good.text() });
    const response = await sandbox.fetch(request);
    expect(response.status).toBe(200);
    const result = await readAnswer(response, { alipayPublicKey: sandbox.alipayPublicKey, charset: 'gbk' });
    expect(result.answer.code).toBe('40002');
    expect(result.answer.sub_code).toBe('isv.invalid-charset');
  });
});
