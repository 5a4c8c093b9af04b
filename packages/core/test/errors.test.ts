import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, expectTypeOf, it, vi } from 'vitest';
import { isRetryable } from '../src/client/retry.js';
import { describeGatewayAnswer } from '../src/errors/gateway-error.js';
import { buildMultipartBody } from '../src/http/multipart.js';
import { GatewayError, TransportError, UnverifiedResponseError, ZhimaError, type ZhimaErrorCode } from '../src/index.js';
import { md5Hex } from '../src/crypto/md5.js';
import { thrownBy } from './fixtures/caught.js';

describe('the error tree', () => {
  it('isInstance recognises errors from a second copy of the package, where instanceof fails', async () => {
    vi.resetModules();
    // @ts-expect-error -- the query string makes vite load a second, separate instance of the module.
    const copy = (await import('../src/errors/index.js?second-copy')) as typeof import('../src/errors/index.js');
    const foreign = new copy.GatewayError({ answer: { code: '20000', msg: 'busy', sub_code: 'isp.unknow-error' }, verified: true, method: 'm' });
    expect(foreign instanceof ZhimaError).toBe(false);
    expect(ZhimaError.isInstance(foreign)).toBe(true);
    expect(GatewayError.isInstance(foreign)).toBe(true);
    expect(TransportError.isInstance(foreign)).toBe(false);
    expect(isRetryable(foreign)).toBe(true);
    const unverified = new copy.UnverifiedResponseError({ method: 'm', status: 200, cause: new copy.ZhimaError({ code: 'SIGNATURE_INVALID', message: 'x' }) });
    expect(UnverifiedResponseError.isInstance(unverified)).toBe(true);
    expect(GatewayError.isInstance(unverified)).toBe(false);
  });

  it('RESPONSE_UNVERIFIED says the data may have been accepted, with the status and the cause', () => {
    const cause = new ZhimaError({ code: 'SIGNATURE_INVALID', message: 'The signature of zhima_data_batch_feedback_response does not match.' });
    const error = new UnverifiedResponseError({ method: 'zhima.data.batch.feedback', status: 200, cause });
    expect(error).toMatchObject({ code: 'RESPONSE_UNVERIFIED', name: 'UnverifiedResponseError', status: 200, method: 'zhima.data.batch.feedback', cause });
    expect(error.message).toMatch(/^zhima\.data\.batch\.feedback: the gateway answered HTTP 200, but the answer cannot be trusted \(SIGNATURE_INVALID: .*\)\. The gateway may have accepted the data/);
    expect(error.hint).toMatch(/[\u4e00-\u9fa5].* \/ [A-Z]/);
    expect(isRetryable(error)).toBe(false);
  });

  it('keeps the cause and a stable code', () => {
    const cause = new Error('socket hang up');
    const error = new TransportError({ reason: 'RESET', message: 'reset', cause });
    expect(error.cause).toBe(cause);
    expect(error).toMatchObject({ code: 'TRANSPORT_ERROR', reason: 'RESET', retryable: true, name: 'TransportError' });
  });

  it.each([
    [{ reason: 'HTTP_STATUS', status: 502 }, true],
    [{ reason: 'HTTP_STATUS', status: 429 }, true],
    [{ reason: 'HTTP_STATUS', status: 404 }, false],
    [{ reason: 'ABORTED' }, false],
    [{ reason: 'TLS' }, false],
    [{ reason: 'TIMEOUT' }, true],
  ] as const)('transport retryability %o → %s', (fields, retryable) => {
    expect(new TransportError({ ...fields, message: 'x' }).retryable).toBe(retryable);
  });

  it.each([
    ['20000', 'isp.unknow-error', true],
    ['40004', 'READ_OPENAPIFILE_ERROR', true],
    ['40004', 'INVALID_PARAMETER', false],
    ['40002', 'isv.invalid-signature', false],
    ['40002', 'isv.invalid-timestamp', false],
  ])('gateway %s %s retryable=%s, with a bilingual hint', (code, subCode, retryable) => {
    const described = describeGatewayAnswer({ code, sub_code: subCode });
    expect(described.retryable).toBe(retryable);
    expect(described.hint).toMatch(/[\u4e00-\u9fa5].* \/ [A-Z]/);
  });

  it.each([
    ['文件中存在重复的主键：order_no=A1,pay_month=2024-01', /重复的主键值.*@zhima\/validator/],
    ['primary key is duplicated', /duplicate primary key values/],
    ['主键数据不唯一', /重复的主键值/],
    ['主键字段pay_month不在columns中', /^主键列必须都在 columns 中/],
    ['primary key column not in columns', /^主键列必须都在 columns 中/],
  ])('INVALID_PRIMARY_ARGUMENTS with sub_msg %j gets the hint that fits', (subMsg, hint) => {
    const described = describeGatewayAnswer({ code: '40004', sub_code: 'INVALID_PRIMARY_ARGUMENTS', sub_msg: subMsg });
    expect(described.hint).toMatch(hint);
    expect(described.hint).toMatch(/[\u4e00-\u9fa5].* \/ [A-Z]/);
    expect(described.retryable).toBe(false);
  });

  it('a duplicate-key INVALID_PRIMARY_ARGUMENTS hint does not talk about columns', () => {
    const { hint } = describeGatewayAnswer({ code: '40004', sub_code: 'INVALID_PRIMARY_ARGUMENTS', sub_msg: '主键重复' });
    expect(hint).not.toMatch(/columns/);
  });

  it('an INVALID_PRIMARY_ARGUMENTS sub_msg of unknown wording gets a hint covering both causes', () => {
    const { hint } = describeGatewayAnswer({ code: '40004', sub_code: 'INVALID_PRIMARY_ARGUMENTS', sub_msg: '主键参数错误' });
    expect(hint).toMatch(/columns.*不得重复|columns.*unique/s);
  });

  it('isInstance with a code narrows to the subclass of that code, with its fields', () => {
    const errors: unknown[] = [
      new GatewayError({ answer: { code: '40004', msg: 'Business Failed', sub_code: 'INVALID_PARAMETER' }, verified: true, method: 'm' }),
      new TransportError({ reason: 'HTTP_STATUS', status: 502, message: 'x' }),
      new UnverifiedResponseError({ method: 'm', status: 200, cause: new ZhimaError({ code: 'SIGNATURE_INVALID', message: 'x' }) }),
      new ZhimaError({ code: 'KEY_INVALID', message: 'x' }),
    ];
    const seen: string[] = [];
    for (const error of errors) {
      if (ZhimaError.isInstance(error, 'GATEWAY_ERROR')) {
        expectTypeOf(error).toEqualTypeOf<GatewayError>();
        seen.push(`gateway ${error.subCode}`);
      } else if (ZhimaError.isInstance(error, 'TRANSPORT_ERROR')) {
        expectTypeOf(error).toEqualTypeOf<TransportError>();
        seen.push(`transport ${error.reason} ${error.status} ${error.retryable}`);
      } else if (ZhimaError.isInstance(error, 'RESPONSE_UNVERIFIED')) {
        expectTypeOf(error).toEqualTypeOf<UnverifiedResponseError>();
        seen.push(`unverified ${error.status}`);
      } else if (ZhimaError.isInstance(error, 'KEY_INVALID')) {
        expectTypeOf(error).toEqualTypeOf<ZhimaError<'KEY_INVALID'>>();
        seen.push(`plain ${error.code}`);
      }
    }
    expect(seen).toEqual(['gateway INVALID_PARAMETER', 'transport HTTP_STATUS 502 true', 'unverified 200', 'plain KEY_INVALID']);
  });

  it('isInstance without a code narrows to a union discriminated by code', () => {
    const error: unknown = new TransportError({ reason: 'TIMEOUT', message: 'x' });
    if (!ZhimaError.isInstance(error)) throw new Error('not recognised');
    // Narrowing by `code` reaches the subclass fields without a cast.
    const detail = error.code === 'TRANSPORT_ERROR' ? error.reason : error.code === 'GATEWAY_ERROR' ? error.gatewayCode : error.code;
    expect(detail).toBe('TIMEOUT');
    expectTypeOf(error.code).toEqualTypeOf<ZhimaErrorCode>();
  });

  it.each(['GATEWAY_ERROR', 'TRANSPORT_ERROR', 'RESPONSE_UNVERIFIED'] as const)('a base ZhimaError cannot masquerade as the %s subclass: the type and the constructor refuse it', (code) => {
    // @ts-expect-error -- the subclass codes are not accepted by the base constructor's type.
    const build = () => new ZhimaError({ code, message: 'x' });
    const refused = thrownBy(build);
    expect(ZhimaError.isInstance(refused, 'PARAM_INVALID')).toBe(true);
    expect((refused as Error).message).toMatch(new RegExp(`code: '${code}'.*belongs to \\w+Error`));
  });

  it('a look-alike with the base brand and a subclass code is not that subclass (every subclass has a brand of its own)', () => {
    const forged = Object.defineProperty({ code: 'TRANSPORT_ERROR', reason: 'RESET', retryable: true }, Symbol.for('@zhima/core/ZhimaError'), { value: true });
    expect(ZhimaError.isInstance(forged)).toBe(false);
    expect(TransportError.isInstance(forged)).toBe(false);
    expect(isRetryable(forged)).toBe(false);
  });

  it('every error carries a hint: its own, or its code\'s', () => {
    const codes: ZhimaErrorCode[] = ['KEY_INVALID', 'CERTIFICATE_INVALID', 'SIGNATURE_INVALID', 'RESPONSE_MALFORMED', 'PARAM_INVALID', 'CHARSET_UNSUPPORTED', 'DEPENDENCY_MISSING'];
    for (const code of codes) expect(new ZhimaError({ code, message: 'x' }).hint).toMatch(/[\u4e00-\u9fa5].* \/ [A-Z]/);
    expect(new ZhimaError({ code: 'PARAM_INVALID', message: 'x', hint: 'mine' }).hint).toBe('mine');
    expect(new GatewayError({ answer: { code: '99999', msg: 'new' }, verified: true, method: 'm' }).hint).toMatch(/sub_code/);
    expect(new TransportError({ reason: 'UNKNOWN', message: 'x' }).hint).toMatch(/network/);
  });

  it('gateway errors carry code, msg, sub_code and sub_msg', () => {
    const error = new GatewayError({ answer: { code: '40004', msg: 'Business Failed', sub_code: 'JSON_PARSE_ERROR', sub_msg: 'json解析异常' }, verified: false, method: 'zhima.data.batch.feedback' });
    expect(error).toMatchObject({ gatewayCode: '40004', msg: 'Business Failed', subCode: 'JSON_PARSE_ERROR', subMsg: 'json解析异常', verified: false });
    expect(error.message).toBe('zhima.data.batch.feedback failed: 40004 Business Failed (JSON_PARSE_ERROR json解析异常)');
  });
});

describe('md5Hex (certificate SNs) agrees with node:crypto', () => {
  it.each([0, 1, 55, 56, 63, 64, 65, 1000])('for %i random bytes', (length) => {
    const bytes = randomBytes(length);
    expect(md5Hex({ bytes })).toBe(createHash('md5').update(bytes).digest('hex'));
  });
});

describe('multipart streams', () => {
  it('fail loudly when a file delivers fewer bytes than its declared size', async () => {
    const { body } = buildMultipartBody({ parts: [{ name: 'file', fileName: 'a', content: { stream: new Blob(['abc']).stream(), size: 10 } }], charset: 'utf-8' });
    await expect(new Response(body as BodyInit).arrayBuffer()).rejects.toThrow(/delivered 3 bytes/);
  });

  it("fail with PARAM_INVALID, not the caller's error, when an { open, size } file cannot be opened", async () => {
    const throwing = buildMultipartBody({ parts: [{ name: 'file', fileName: 'a', content: { open: () => { throw new Error('disk gone'); }, size: 3 } }], charset: 'utf-8' });
    await expect(new Response(throwing.body as BodyInit).arrayBuffer()).rejects.toMatchObject({ code: 'PARAM_INVALID', message: expect.stringMatching(/open\(\) must return a ReadableStream/), cause: { message: 'disk gone' } });
    const notStream = buildMultipartBody({ parts: [{ name: 'file', fileName: 'a', content: { open: () => 'abc' as unknown as ReadableStream<Uint8Array>, size: 3 } }], charset: 'utf-8' });
    await expect(new Response(notStream.body as BodyInit).arrayBuffer()).rejects.toMatchObject({ code: 'PARAM_INVALID', message: expect.stringMatching(/must return a ReadableStream/) });
  });

  it('declare a Content-Length equal to the bytes they produce', async () => {
    const parts = [{ name: 'columns', value: '用户,order_no' }, { name: 'file', fileName: '文件.json', content: new Blob(['{"records":[]}']) }];
    const { body, contentLength } = buildMultipartBody({ parts, charset: 'gbk' });
    expect((await new Response(body as BodyInit).arrayBuffer()).byteLength).toBe(contentLength);
  });
});
