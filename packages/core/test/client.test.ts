import { mkdtempSync, openAsBlob, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate, createHash, createPrivateKey, createPublicKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createClient, GatewayError, TransportError, ZhimaError, batchFeedbackCall, type AttemptEvent, type Transport } from '../src/index.js';
import { makeCertificateFixture } from './fixtures/certificates.js';
import { startFakeGateway } from './fixtures/fake-gateway.js';
import { app, alipay, feedback, fileText, useFakeGateways } from './fixtures/client-setup.js';
import { rejectionOf, thrownBy } from './fixtures/caught.js';

const { setup, forget } = useFakeGateways();

describe('batchFeedback on the wire', () => {
  it.each([
    ['utf-8', 'RSA2'],
    ['gbk', 'RSA'],
  ] as const)('charset %s, %s: the server re-derives the sign content and verifies it', async (charset, signType) => {
    const { gateway, client } = await setup(undefined, { charset, signType, appAuthToken: '202401BBd0a6d5f7b1a44c4a8bb2d1e4' });
    const file = new TextEncoder().encode(fileText);
    const result = await client.batchFeedback({ ...feedback, file, fileName: '反馈.json' });
    expect(result).toMatchObject({ code: '10000', method: 'zhima.data.batch.feedback' });

    const [request] = gateway.received;
    expect(request!.signatureValid).toBe(true);
    expect(request!.query).toMatchObject({ app_id: '2021000000000001', method: 'zhima.data.batch.feedback', format: 'JSON', charset, sign_type: signType, version: '1.0', timestamp: '2024-01-02 11:04:00' });
    expect(request!.bodyParams).toEqual({
      file_charset: 'UTF-8',
      columns: 'user_name,order_no,pay_month',
      file_type: 'json_data',
      records: '1',
      biz_ext_params: '{"extparam1":"中文值"}',
      primary_key_columns: 'order_no,pay_month',
      file_description: '文件描述 & = 信息',
      app_auth_token: '202401BBd0a6d5f7b1a44c4a8bb2d1e4',
    });
    expect(request!.files.file!.bytes.toString('utf8')).toBe(fileText);
    expect(request!.files.file!.fileName).toBe('反馈.json');
    expect(request!.headers['content-type']).toMatch(new RegExp(`^multipart/form-data;boundary=.+;charset=${charset}$`));
    expect(Number(request!.headers['content-length'])).toBe(request!.bodyLength);
  });

  it('neither sends nor signs a whitespace-only parameter (the Java SDK drops it)', async () => {
    const { gateway, client } = await setup();
    await client.batchFeedback({ ...feedback, fileDescription: ' \u3000\t\n', bizExtParams: '  ', file: new TextEncoder().encode(fileText) });
    const [request] = gateway.received;
    expect(request!.bodyParams).not.toHaveProperty('file_description');
    expect(request!.bodyParams).not.toHaveProperty('biz_ext_params');
    expect(request!.signContent).not.toContain('file_description');
    expect(request!.signatureValid).toBe(true);
  });

  it('streams a file from disk (a Blob) with an exact Content-Length and no chunked encoding', async () => {
    const { gateway, client } = await setup();
    const dir = mkdtempSync(join(tmpdir(), 'zhima-client-'));
    const path = join(dir, 'records.json');
    const big = `{"records":[${Array.from({ length: 20_000 }, (_, i) => `{"user_name":"张三","order_no":"A${i}","pay_month":"2024-01"}`).join(',')}]}`;
    writeFileSync(path, big);
    await client.batchFeedback({ ...feedback, records: 20_000, file: await openAsBlob(path) });
    const [request] = gateway.received;
    expect(request!.headers['transfer-encoding']).toBeUndefined();
    expect(Number(request!.headers['content-length'])).toBe(request!.bodyLength);
    expect(createHash('sha256').update(request!.files.file!.bytes).digest('hex')).toBe(createHash('sha256').update(big).digest('hex'));
    expect(request!.signatureValid).toBe(true);
  });

  it('buildRequest returns the same plain request without sending', async () => {
    const { gateway, client } = await setup();
    const request = await client.buildRequest(batchFeedbackCall({ ...feedback, file: new TextEncoder().encode(fileText) }));
    expect(request.method).toBe('POST');
    expect(request.url.startsWith(`${gateway.url}?`)).toBe(true);
    expect(new URL(request.url).searchParams.get('sign')).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(request.body).toBeInstanceOf(Uint8Array);
    expect(gateway.received).toHaveLength(0);
  });
});

describe('execute', () => {
  it('sends biz_content methods as a signed urlencoded form and returns the template URL', async () => {
    const { gateway, client } = await setup(() => ({ node: { code: '10000', msg: 'Success', feedback_url: 'https://zmxy.example/template.xlsx' } }));
    const result = await client.execute<{ feedback_url: string }>('zhima.data.feedbackurl.query', { bizContent: { merchant_id: '2088000000000000' } });
    expect(result.response.feedback_url).toBe('https://zmxy.example/template.xlsx');
    const [request] = gateway.received;
    expect(request!.headers['content-type']).toBe('application/x-www-form-urlencoded;charset=utf-8');
    expect(request!.bodyParams).toEqual({ biz_content: '{"merchant_id":"2088000000000000"}' });
    expect(request!.signContent).toContain('biz_content={"merchant_id":"2088000000000000"}');
    expect(request!.signatureValid).toBe(true);
  });
});

describe('certificate mode', () => {
  it('sends app_cert_sn and alipay_root_cert_sn and verifies with the Alipay certificate', async () => {
    const certs = makeCertificateFixture();
    const nodeSn = (pem: string) => {
      const certificate = new X509Certificate(pem);
      return createHash('md5').update(certificate.issuer.split('\n').reverse().join(',') + BigInt(`0x${certificate.serialNumber}`).toString(10)).digest('hex');
    };
    const gateway = await startFakeGateway({ appPublicKey: createPublicKey(certs.appCertPem), alipayPrivateKey: createPrivateKey(certs.alipayKeyPem), answer: () => ({}) });
    const client = createClient({
      appId: '2021000000000001',
      privateKey: certs.appKeyPem,
      certificates: { appCertificate: certs.appCertPem, alipayRootCertificate: `${certs.rootPem}\n${certs.ecRootPem}`, alipayCertificate: certs.alipayCertPem },
      gateway: gateway.url,
    });
    await client.batchFeedback({ ...feedback, file: new TextEncoder().encode(fileText) }).finally(() => gateway.close());
    expect(gateway.received[0]!.query).toMatchObject({ app_cert_sn: nodeSn(certs.appCertPem), alipay_root_cert_sn: nodeSn(certs.rootPem) });
    expect(gateway.received[0]!.signatureValid).toBe(true);
  });
});

describe('retries', () => {
  it('502 then 200: retried, each attempt freshly signed with a new timestamp', async () => {
    const events: AttemptEvent[] = [];
    const { gateway, client } = await setup((_request, index) => (index === 0 ? { status: 502, raw: 'Bad Gateway' } : {}), { retry: { baseDelayMs: 1, onAttempt: (event) => events.push(event) } });
    await client.batchFeedback({ ...feedback, file: new TextEncoder().encode(fileText) });
    expect(gateway.received).toHaveLength(2);
    expect(gateway.received.every((request) => request.signatureValid)).toBe(true);
    expect(gateway.received[0]!.query.timestamp).not.toBe(gateway.received[1]!.query.timestamp);
    expect(events.map((event) => event.outcome)).toEqual(['retry', 'success']);
    expect(events[0]!.error).toMatchObject({ code: 'TRANSPORT_ERROR', reason: 'HTTP_STATUS' });
    // Hooks never see secrets.
    const logged = JSON.stringify(events);
    expect(logged).not.toContain(app.privateKeys['pkcs1-base64'].slice(50, 90));
    expect(logged).not.toContain(gateway.received[0]!.query.sign!);
  });

  it('gateway 20000 isp.unknow-error then 10000: retried', async () => {
    const { gateway, client } = await setup((_request, index) => (index === 0 ? { node: { code: '20000', msg: 'Service Currently Unavailable', sub_code: 'isp.unknow-error', sub_msg: '系统繁忙' } } : {}));
    await expect(client.batchFeedback({ ...feedback, file: new TextEncoder().encode(fileText) })).resolves.toMatchObject({ code: '10000' });
    expect(gateway.received).toHaveLength(2);
  });

  it('READ_OPENAPIFILE_ERROR is retried', async () => {
    const { gateway, client } = await setup((_request, index) => (index === 0 ? { node: { code: '40004', msg: 'Business Failed', sub_code: 'READ_OPENAPIFILE_ERROR' } } : {}));
    await client.batchFeedback({ ...feedback, file: new TextEncoder().encode(fileText) });
    expect(gateway.received).toHaveLength(2);
  });

  it('never retries a signature error, and explains it', async () => {
    const { gateway, client } = await setup(() => ({ nodeName: 'error_response', node: { code: '40002', msg: 'Invalid Arguments', sub_code: 'isv.invalid-signature', sub_msg: '验签出错' } }));
    const error = await rejectionOf(client.batchFeedback({ ...feedback, file: new TextEncoder().encode(fileText) }));
    expect(GatewayError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'GATEWAY_ERROR', gatewayCode: '40002', subCode: 'isv.invalid-signature', retryable: false, verified: true });
    expect((error as GatewayError).hint).toMatch(/zhima sign/);
    expect(gateway.received).toHaveLength(1);
  });

  it('never retries data errors', async () => {
    const { gateway, client } = await setup(() => ({ node: { code: '40004', msg: 'Business Failed', sub_code: 'INVALID_PARAMETER', sub_msg: 'user_credentials_no 格式错误' } }));
    await expect(client.batchFeedback({ ...feedback, file: new TextEncoder().encode(fileText) })).rejects.toMatchObject({ subCode: 'INVALID_PARAMETER' });
    expect(gateway.received).toHaveLength(1);
  });

  it('gives up after the configured attempts with the last error', async () => {
    const { gateway, client } = await setup(() => ({ status: 503, raw: 'busy' }));
    const error = await rejectionOf(client.batchFeedback({ ...feedback, file: new TextEncoder().encode(fileText) }));
    expect(TransportError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ reason: 'HTTP_STATUS', status: 503 });
    expect(gateway.received).toHaveLength(3);
  });

  it("keeps the start of a proxy's error page on the HTTP-status error (it was lost before), with who answered", async () => {
    const page = `<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx/1.25.3</center>${'<!-- padding -->'.repeat(300)}</body></html>`;
    const { client } = await setup(() => ({ status: 502, raw: page, contentType: 'text/html; charset=utf-8' }), { retry: false });
    const error = await rejectionOf(client.batchFeedback({ ...feedback, file: new TextEncoder().encode(fileText) }));
    if (!ZhimaError.isInstance(error, 'TRANSPORT_ERROR')) throw error;
    expect(error.answer).toEqual({ status: 502, headers: expect.objectContaining({ 'content-type': 'text/html; charset=utf-8' }), body: page.slice(0, 2048), bodyBytes: page.length });
    expect(error.message).toMatch(/answered HTTP 502 \(text\/html; charset=utf-8, \d+ bytes\): <html><head><title>502 Bad Gateway<\/title>/);
    expect(error.hint).toMatch(/proxy/);
  });

  it('never keeps the request query (the signature) or a cookie in that excerpt, even when the page echoes the URL', async () => {
    let sentUrl = '';
    const echoingProxy: Transport = {
      async send(request) {
        sentUrl = request.url;
        const body = `<h1>403 Forbidden</h1><p>Blocked: POST ${request.url}</p><p>sign=${new URL(request.url).searchParams.get('sign')}</p>`;
        return {
          status: 403,
          headers: { 'content-type': 'text/html', server: 'waf/2.0', 'set-cookie': 'session=s3cr3t', location: `https://login.example/?back=${encodeURIComponent(request.url)}`, 'x-internal-token': 'tok' },
          body: new TextEncoder().encode(body),
        };
      },
    };
    const client = createClient({ appId: '2021000000000001', privateKey: app.privateKeys['pkcs8-pem'], alipayPublicKey: alipay.publicKeys['spki-pem'], transport: echoingProxy, retry: false });
    const error = await rejectionOf(client.batchFeedback({ ...feedback, file: new TextEncoder().encode(fileText) }));
    if (!TransportError.isInstance(error)) throw error;
    const sign = new URL(sentUrl).searchParams.get('sign')!;
    const everything = JSON.stringify({ answer: error.answer, message: error.message });
    for (const secret of [sign, encodeURIComponent(sign), sentUrl.split('?')[1]!, 's3cr3t', 'tok']) expect(everything).not.toContain(secret);
    expect(error.answer).toMatchObject({ status: 403, headers: { server: 'waf/2.0', location: 'https://login.example/' } });
    expect(error.answer!.body).toMatch(/^<h1>403 Forbidden<\/h1><p>Blocked: POST https:\/\/openapi\.alipay\.com\/gateway\.do\?\[redacted\]<\/p><p>sign=\[redacted\]<\/p>$/);
  });

  it('a one-shot stream body is sent once, never replayed', async () => {
    const { gateway, client } = await setup(() => ({ status: 502, raw: '' }));
    const bytes = new TextEncoder().encode(fileText);
    const stream = new Blob([bytes]).stream();
    await expect(client.batchFeedback({ ...feedback, file: { stream, size: bytes.length } })).rejects.toMatchObject({ reason: 'HTTP_STATUS' });
    expect(gateway.received).toHaveLength(1);
    expect(gateway.received[0]!.files.file!.bytes.toString()).toBe(fileText);
  });

  it('an { open, size } body is opened afresh for every attempt, each sending the whole file', async () => {
    const { gateway, client } = await setup(() => ({ status: 502, raw: '' }));
    const bytes = new TextEncoder().encode(fileText);
    let opened = 0;
    // Three small chunks per opening, so an attempt that reused a drained stream would send less.
    const open = () => {
      opened++;
      let at = 0;
      return new ReadableStream<Uint8Array>({
        pull(controller) {
          if (at >= bytes.length) return controller.close();
          controller.enqueue(bytes.slice(at, (at += Math.ceil(bytes.length / 3))));
        },
      });
    };
    await expect(client.batchFeedback({ ...feedback, file: { open, size: bytes.length } })).rejects.toMatchObject({ reason: 'HTTP_STATUS' });
    expect(opened).toBe(3);
    expect(gateway.received).toHaveLength(3);
    for (const received of gateway.received) expect(received.files.file!.bytes.toString()).toBe(fileText);
  });

  it('rejects a success answer that is not signed, without retrying: the answer is unverified', async () => {
    const { gateway, client } = await setup(() => ({ unsigned: true }));
    const error = await rejectionOf(client.batchFeedback({ ...feedback, file: new TextEncoder().encode(fileText) }));
    expect(error).toMatchObject({ code: 'RESPONSE_UNVERIFIED', status: 200, cause: { code: 'SIGNATURE_INVALID' } });
    expect(gateway.received).toHaveLength(1);
  });

  it('a refused connection is a retryable TransportError', async () => {
    const { gateway } = await setup();
    await gateway.close();
    forget();
    const events: AttemptEvent[] = [];
    const client = createClient({ appId: '1', privateKey: app.privateKeys['pkcs8-pem'], alipayPublicKey: alipay.publicKeys['spki-pem'], gateway: gateway.url, retry: { baseDelayMs: 1, onAttempt: (event) => events.push(event) } });
    await expect(client.batchFeedback({ ...feedback, file: new TextEncoder().encode(fileText) })).rejects.toMatchObject({ code: 'TRANSPORT_ERROR' });
    expect(events.map((event) => event.outcome)).toEqual(['retry', 'retry', 'fail']);
  });

  it('an abort by the caller stops at once', async () => {
    const { client } = await setup();
    const controller = new AbortController();
    controller.abort();
    const error = await rejectionOf(client.batchFeedback({ ...feedback, file: new TextEncoder().encode(fileText) }, { signal: controller.signal }));
    expect(error).toMatchObject({ code: 'TRANSPORT_ERROR', reason: 'ABORTED' });
  });
});

describe('batchFeedbackCall rejects what the gateway would', () => {
  const file = new Uint8Array();
  it.each([
    ['a primary key outside the columns', { columns: 'a,b', primaryKeyColumns: 'c', records: 1 }, /not among the columns/],
    ['a negative record count', { columns: 'a', primaryKeyColumns: 'a', records: -1 }, /positive integer/],
    ['a fractional record count', { columns: 'a', primaryKeyColumns: 'a', records: 1.5 }, /positive integer/],
    ['blank columns', { columns: 'a,,b', primaryKeyColumns: 'a', records: 1 }, /^columns item 2 is blank \(a stray comma\?\)\.$/],
    ['a column name with a space inside', { columns: 'a,order no', primaryKeyColumns: 'a', records: 1 }, /^columns item 2, "order no", holds whitespace/],
    ['a column given twice', { columns: 'a,b,a', primaryKeyColumns: 'a', records: 1 }, /^columns names a twice\.$/],
    ['a file charset the gateway does not take', { columns: 'a', primaryKeyColumns: 'a', records: 1, fileCharset: 'GB2312' }, /^fileCharset must be UTF-8 or GBK, got "GB2312"\.$/],
    ['zero records: an empty file is not an upload', { columns: 'a', primaryKeyColumns: 'a', records: 0 }, /nothing to send/],
  ])('%s', (_name, input, message) => {
    const caught = thrownBy(() => batchFeedbackCall({ file, ...input }));
    expect(ZhimaError.isInstance(caught, 'PARAM_INVALID')).toBe(true);
    expect((caught as Error).message).toMatch(message);
  });

  it('trims each column name and reads every spelling of the two file charsets', () => {
    const { params } = batchFeedbackCall({ file, columns: ' order_no , pay_month\n', primaryKeyColumns: ['order_no '], records: 1, fileCharset: ' utf8' });
    expect(params).toMatchObject({ columns: 'order_no,pay_month', primary_key_columns: 'order_no', file_charset: 'UTF-8' });
    expect(batchFeedbackCall({ file, columns: 'a', primaryKeyColumns: 'a', records: 1, fileCharset: 'gbk' }).params).toMatchObject({ file_charset: 'GBK' });
  });
});

describe('a 0-record file is not an upload', () => {
  it('is refused before anything reaches the gateway', async () => {
    const { gateway, client } = await setup();
    const error = await rejectionOf(client.batchFeedback({ ...feedback, records: 0, file: new TextEncoder().encode('{"records":[]}') }));
    expect(error).toMatchObject({ code: 'PARAM_INVALID', message: expect.stringMatching(/nothing to send/) });
    expect((error as ZhimaError).hint).toMatch(/[\u4e00-\u9fa5].* \/ [A-Z]/);
    expect(gateway.received).toHaveLength(0);
  });
});
