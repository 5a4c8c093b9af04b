// An answer that arrives (HTTP 2xx) but cannot be trusted is RESPONSE_UNVERIFIED: the gateway may have
// accepted the data. Answers not valid in the request charset, and answers too large, end up here or
// as the gateway's own error, never as a local PARAM_INVALID.
import { createPrivateKey, createPublicKey } from 'node:crypto';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { isRetryable } from '../src/client/retry.js';
import { createClient, createFetchTransport, GatewayError, UnverifiedResponseError, ZhimaError, type Transport, type TransportSendOptions } from '../src/index.js';
import { makeCertificateFixture } from './fixtures/certificates.js';
import { startFakeGateway } from './fixtures/fake-gateway.js';
import { makeKeyFixture } from './fixtures/keys.js';
import { oracleSign } from './fixtures/oracle.js';
import { alipay, feedback, fileText, useFakeGateways } from './fixtures/client-setup.js';
import { rejectionOf } from './fixtures/caught.js';

const { setup } = useFakeGateways();
const file = () => new TextEncoder().encode(fileText);
const NODE = 'zhima_data_batch_feedback_response';

async function unverified(promise: Promise<unknown>): Promise<UnverifiedResponseError> {
  const error = await rejectionOf(promise);
  expect(UnverifiedResponseError.isInstance(error)).toBe(true);
  expect(error).toMatchObject({ code: 'RESPONSE_UNVERIFIED', name: 'UnverifiedResponseError' });
  const { message, hint } = error as UnverifiedResponseError;
  expect(message).toMatch(/may have accepted the data/);
  expect(hint).toMatch(/支付宝公钥.*not your app public key.*certificate mode.*charset and signType/s);
  expect(isRetryable(error)).toBe(false);
  return error as UnverifiedResponseError;
}

describe('an answer that fails verification', () => {
  it('signed by another key (alipayPublicKey is neither Alipay’s nor the app’s): the upload happened, the answer is unverified', async () => {
    const stranger = makeKeyFixture();
    const { gateway, client } = await setup(undefined, { alipayPublicKey: stranger.publicKeys['spki-pem'] });
    const error = await unverified(client.batchFeedback({ ...feedback, file: file() }));
    expect(error.status).toBe(200);
    expect(error.message).toMatch(/HTTP 200/);
    expect(error.cause).toMatchObject({ code: 'SIGNATURE_INVALID' });
    expect(gateway.received).toHaveLength(1);
    expect(gateway.received[0]!.signatureValid).toBe(true);
  });

  it('an unsigned success with a NUMERIC code 10000 is unverified, never "failed: 10000 Success"', async () => {
    const { gateway, client } = await setup(() => ({ raw: `{"${NODE}":{"code":10000,"msg":"Success"}}` }));
    const error = await unverified(client.batchFeedback({ ...feedback, file: file() }));
    expect(GatewayError.isInstance(error)).toBe(false);
    expect(error.message).not.toMatch(/failed.*Success/);
    expect(error.cause).toMatchObject({ code: 'SIGNATURE_INVALID', message: expect.stringMatching(/claims success/) });
    expect(gateway.received).toHaveLength(1);
  });

  it.each([
    ['code " 10000"', { code: ' 10000', msg: 'ok' }],
    ['msg "Success" with another code', { code: '40004', msg: 'Success' }],
  ])('any other unsigned success claim (%s) is unverified', async (_name, node) => {
    const { client } = await setup(() => ({ node, unsigned: true }));
    const error = await unverified(client.batchFeedback({ ...feedback, file: file() }));
    expect(error.message).not.toMatch(/failed.*Success/);
  });

  it('a SIGNED numeric 10000 is a verified success', async () => {
    const nodeText = '{"code":10000,"msg":"Success"}';
    const { client } = await setup(() => ({ raw: `{"${NODE}":${nodeText},"sign":"${oracleSign(nodeText, alipay.privateKeyObject, 'RSA2')}"}` }));
    await expect(client.batchFeedback({ ...feedback, file: file() })).resolves.toMatchObject({ code: '10000', response: { code: '10000' } });
  });

  it('an answer that is not JSON (a proxy page with 200) is unverified, cause RESPONSE_MALFORMED', async () => {
    const { gateway, client } = await setup(() => ({ raw: '<html>ok</html>' }));
    const error = await unverified(client.batchFeedback({ ...feedback, file: file() }));
    expect(error.cause).toMatchObject({ code: 'RESPONSE_MALFORMED' });
    expect(gateway.received).toHaveLength(1);
  });

  it('an unknown alipay_cert_sn whose certificate cannot be downloaded is unverified (Alipay rotated its certificate; the file may be stored)', async () => {
    const certs = makeCertificateFixture();
    const nodeText = '{"code":"10000","msg":"Success"}';
    const alipayKey = createPrivateKey(certs.alipayKeyPem);
    const gateway = await startFakeGateway({
      appPublicKey: createPublicKey(certs.appCertPem),
      alipayPrivateKey: alipayKey,
      answer: () => ({ raw: `{"${NODE}":${nodeText},"alipay_cert_sn":"0123456789abcdef0123456789abcdef","sign":"${oracleSign(nodeText, alipayKey, 'RSA2')}"}` }),
    });
    try {
      const client = createClient({
        appId: '2021000000000001',
        privateKey: certs.appKeyPem,
        certificates: { appCertificate: certs.appCertPem, alipayRootCertificate: certs.rootPem, alipayCertificate: certs.alipayCertPem },
        gateway: gateway.url,
      });
      const error = await unverified(client.batchFeedback({ ...feedback, file: file() }));
      // The client asked for the certificate under that SN; this gateway cannot serve it.
      expect(error.cause).toMatchObject({ code: 'RESPONSE_UNVERIFIED', method: 'alipay.open.app.alipaycert.download' });
      expect(gateway.received.map((request) => request.query.method)).toEqual(['zhima.data.batch.feedback', 'alipay.open.app.alipaycert.download']);
      expect(JSON.parse(gateway.received[1]!.bodyParams.biz_content!)).toEqual({ alipay_cert_sn: '0123456789abcdef0123456789abcdef' });
    } finally {
      await gateway.close();
    }
  });
});

// What the gateway was seen sending: unsigned errors in GBK bytes to a UTF-8 request.
const gbkBusy = iconv.encode('{"error_response":{"code":"20000","msg":"Service Currently Unavailable","sub_code":"aop.unknow-error","sub_msg":"系统繁忙"}}', 'gbk');
const gbkBadAppId = iconv.encode('{"error_response":{"code":"40002","msg":"Invalid Arguments","sub_code":"isv.invalid-app-id","sub_msg":"无效的AppID参数"}}', 'gbk');

describe('answers not valid in the request charset', () => {
  it('a GBK 20000 (Content-Type says GBK) stays the retryable gateway error, and the retry succeeds', async () => {
    const { gateway, client } = await setup((_request, index) => (index === 0 ? { raw: gbkBusy, contentType: 'text/html;charset=GBK' } : {}));
    await expect(client.batchFeedback({ ...feedback, file: file() })).resolves.toMatchObject({ code: '10000' });
    expect(gateway.received).toHaveLength(2);
  });

  it('a GBK 20000 with no charset in Content-Type is read as GBK: GatewayError with the gateway code, retryable', async () => {
    const { client } = await setup(() => ({ raw: gbkBusy, contentType: 'application/json' }), { retry: false });
    const error = await rejectionOf(client.batchFeedback({ ...feedback, file: file() }));
    expect(GatewayError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ gatewayCode: '20000', subCode: 'aop.unknow-error', subMsg: '系统繁忙', retryable: true, verified: false });
  });

  it('a GBK isv.invalid-app-id (Content-Type claims UTF-8) is the gateway error with its hint, not retried', async () => {
    const { gateway, client } = await setup(() => ({ raw: gbkBadAppId, contentType: 'text/html;charset=utf-8' }));
    const error = await rejectionOf(client.batchFeedback({ ...feedback, file: file() }));
    expect(error).toMatchObject({ code: 'GATEWAY_ERROR', gatewayCode: '40002', subCode: 'isv.invalid-app-id', subMsg: '无效的AppID参数', retryable: false });
    expect((error as GatewayError).hint).toMatch(/appId/);
    expect(gateway.received).toHaveLength(1);
  });

  it('bytes no charset decodes are RESPONSE_MALFORMED (inside RESPONSE_UNVERIFIED), never PARAM_INVALID', async () => {
    const garbage = Uint8Array.of(...new TextEncoder().encode('{"error_response":{"code":"20000","msg":"'), 0xff, 0xfe, 0x80, 0xff, ...new TextEncoder().encode('"}}'));
    const { client } = await setup(() => ({ raw: garbage }));
    const error = await unverified(client.batchFeedback({ ...feedback, file: file() }));
    expect(error.cause).toMatchObject({ code: 'RESPONSE_MALFORMED', message: expect.stringMatching(/not valid text in utf-8, gbk/) });
  });

  it('a SIGNED answer in the wrong charset is not trusted: the signed bytes are unknown', async () => {
    const nodeText = '{"code":"40004","msg":"Business Failed","sub_code":"INVALID_PARAMETER","sub_msg":"证件号错误"}';
    const body = iconv.encode(`{"${NODE}":${nodeText},"sign":"${oracleSign(nodeText, alipay.privateKeyObject, 'RSA2', 'utf-8')}"}`, 'gbk');
    const { client } = await setup(() => ({ raw: body, contentType: 'text/html;charset=GBK' }));
    const error = await unverified(client.batchFeedback({ ...feedback, file: file() }));
    expect(error.cause).toMatchObject({ code: 'RESPONSE_MALFORMED', message: expect.stringMatching(/signed.*not valid utf-8/) });
  });
});

describe('answer size', () => {
  // Records the options it gets and ignores the cap, so the client's own re-check is what is tested.
  const recording = (seen: TransportSendOptions[]): Transport => ({
    send: (request, options) => {
      seen.push(options ?? {});
      return createFetchTransport({ maxResponseBytes: Number.POSITIVE_INFINITY }).send(request, { ...options, maxResponseBytes: undefined });
    },
  });

  it('passes maxResponseBytes (default 1 MiB) to the transport', async () => {
    const seen: TransportSendOptions[] = [];
    const { client } = await setup(undefined, { transport: recording(seen) });
    await client.batchFeedback({ ...feedback, file: file() });
    expect(seen[0]!.maxResponseBytes).toBe(1024 * 1024);
  });

  it('re-checks what a transport returns: a signed answer over the limit is RESPONSE_MALFORMED "too large", inside RESPONSE_UNVERIFIED', async () => {
    const seen: TransportSendOptions[] = [];
    const nodeText = JSON.stringify({ code: '10000', msg: 'Success', memo: 'x'.repeat(5_000) });
    const { client } = await setup(() => ({ raw: `{"${NODE}":${nodeText},"sign":"${oracleSign(nodeText, alipay.privateKeyObject, 'RSA2')}"}` }), { transport: recording(seen), maxResponseBytes: 4_096 });
    const error = await unverified(client.batchFeedback({ ...feedback, file: file() }));
    expect(seen[0]!.maxResponseBytes).toBe(4_096);
    expect(error.cause).toMatchObject({ code: 'RESPONSE_MALFORMED', message: expect.stringMatching(/answer over 4096 bytes/) });
  });

  it('a transport that refuses a too-large answer itself: unverified, status unknown', async () => {
    const refusing: Transport = {
      send: async () => {
        throw new ZhimaError({ code: 'RESPONSE_MALFORMED', message: 'The answer is too large: more than 1048576 bytes.' });
      },
    };
    const { client } = await setup(undefined, { transport: refusing });
    const error = await unverified(client.batchFeedback({ ...feedback, file: file() }));
    expect(error.status).toBeUndefined();
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses maxResponseBytes %s', async (maxResponseBytes) => {
    await expect(setup(undefined, { maxResponseBytes })).rejects.toMatchObject({ code: 'PARAM_INVALID', message: expect.stringMatching(/maxResponseBytes/) });
  });
});

describe('nothing but SDK errors leaves a call', () => {
  it('a custom transport that throws a plain Error becomes a TransportError with the cause', async () => {
    const cause = new TypeError('boom');
    const { client } = await setup(undefined, { transport: { send: async () => Promise.reject(cause) }, retry: false });
    await expect(client.batchFeedback({ ...feedback, file: file() })).rejects.toMatchObject({ code: 'TRANSPORT_ERROR', reason: 'UNKNOWN', cause });
  });
});
