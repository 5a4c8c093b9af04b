// The failure policy, one row per kind of error a call can throw. The expected verdicts are written out
// by hand from the policy (what the gateway did with the data), not computed.
import { describe, expect, it } from 'vitest';
import { classifyFailure, GatewayError, TransportError, UnverifiedResponseError, ZhimaError, type FailureVerdict, type TransportErrorReason, type ZhimaErrorCode } from '../src/index.js';
import { feedback, fileText, useFakeGateways } from './fixtures/client-setup.js';
import { rejectionOf } from './fixtures/caught.js';

const method = 'zhima.data.batch.feedback';
const gateway = (code: string, sub_code?: string, sub_msg?: string) => new GatewayError({ answer: { code, msg: 'x', sub_code, sub_msg }, verified: true, method });
const transport = (reason: TransportErrorReason, status?: number) => new TransportError({ reason, status, message: 'x' });
const local = (code: ZhimaErrorCode) => new ZhimaError({ code, message: 'x' });
const verdict = (outcome: FailureVerdict['outcome'], scope: FailureVerdict['scope'], laterRunMaySucceed: boolean) => ({ outcome, scope, laterRunMaySucceed });

// One row per code at least: the `satisfies` makes a new code without a row a type error.
const everyCode = {
  GATEWAY_ERROR: [
    ['40004 INVALID_PARAMETER (this file’s data)', gateway('40004', 'INVALID_PARAMETER', 'user_credentials_no 格式错误'), verdict('refused', 'part', false)],
    ['40004 INVALID_PRIMARY_ARGUMENTS (duplicate keys)', gateway('40004', 'INVALID_PRIMARY_ARGUMENTS', '主键重复'), verdict('refused', 'part', false)],
    ['40004 JSON_PARSE_ERROR', gateway('40004', 'JSON_PARSE_ERROR'), verdict('refused', 'part', false)],
    ['40004 INVALID_DATA_ARGUMENTS', gateway('40004', 'INVALID_DATA_ARGUMENTS'), verdict('refused', 'part', false)],
    ['40004 READ_OPENAPIFILE_ERROR, retries spent', gateway('40004', 'READ_OPENAPIFILE_ERROR'), verdict('refused', 'run', true)],
    ['20000 isp.unknow-error, retries spent', gateway('20000', 'isp.unknow-error'), verdict('refused', 'run', true)],
    ['20000 aop.unknow-error, retries spent', gateway('20000', 'aop.unknow-error'), verdict('refused', 'run', true)],
    ['40002 isv.invalid-signature', gateway('40002', 'isv.invalid-signature'), verdict('refused', 'run', false)],
    ['40002 isv.invalid-app-id', gateway('40002', 'isv.invalid-app-id'), verdict('refused', 'run', false)],
    ['40002 isv.invalid-timestamp', gateway('40002', 'isv.invalid-timestamp'), verdict('refused', 'run', false)],
    ['40006 insufficient permission', gateway('40006', 'isv.insufficient-isv-permissions'), verdict('refused', 'run', false)],
    ['20001 auth token', gateway('20001', 'aop.invalid-auth-token'), verdict('refused', 'run', false)],
    ['40001 missing parameter', gateway('40001', 'isv.missing-method'), verdict('refused', 'run', false)],
  ],
  TRANSPORT_ERROR: [
    ...(['TIMEOUT', 'CONNECT', 'RESET', 'DNS', 'UNKNOWN'] as const).map((reason) => [reason, transport(reason), verdict('not-answered', 'run', true)] as const),
    ['the retry deadline', new TransportError({ reason: 'TIMEOUT', message: 'retry.deadlineMs', cause: transport('RESET') }), verdict('not-answered', 'run', true)],
    ['ABORTED by the caller', transport('ABORTED'), verdict('not-answered', 'run', true)],
    ['TLS', transport('TLS'), verdict('not-answered', 'run', false)],
    ['HTTP 502', transport('HTTP_STATUS', 502), verdict('not-answered', 'run', true)],
    ['HTTP 429', transport('HTTP_STATUS', 429), verdict('not-answered', 'run', true)],
    ['HTTP 404 (wrong gateway URL)', transport('HTTP_STATUS', 404), verdict('not-answered', 'run', false)],
  ],
  RESPONSE_UNVERIFIED: [
    ['signature failed', new UnverifiedResponseError({ method, status: 200, cause: local('SIGNATURE_INVALID') }), verdict('unverified', 'run', false)],
    ['unreadable answer', new UnverifiedResponseError({ method, status: 200, cause: local('RESPONSE_MALFORMED') }), verdict('unverified', 'run', false)],
  ],
  SIGNATURE_INVALID: [['bare (verifyResponse)', local('SIGNATURE_INVALID'), verdict('unverified', 'run', false)]],
  RESPONSE_MALFORMED: [['bare (a transport refusing an answer)', local('RESPONSE_MALFORMED'), verdict('unverified', 'run', false)]],
  PARAM_INVALID: [['records 0, columns…', local('PARAM_INVALID'), verdict('not-sent', 'part', false)]],
  KEY_INVALID: [['the app public key as alipayPublicKey', local('KEY_INVALID'), verdict('not-sent', 'run', false)]],
  CERTIFICATE_INVALID: [['an unreadable certificate', local('CERTIFICATE_INVALID'), verdict('not-sent', 'run', false)]],
  CHARSET_UNSUPPORTED: [['no GBK decoder', local('CHARSET_UNSUPPORTED'), verdict('not-sent', 'run', false)]],
  DEPENDENCY_MISSING: [['undici not installed', local('DEPENDENCY_MISSING'), verdict('not-sent', 'run', false)]],
} satisfies Record<ZhimaErrorCode, readonly (readonly [string, ZhimaError, Omit<FailureVerdict, 'code'>])[]>;

const rows = Object.entries(everyCode).flatMap(([code, cases]) => cases.map(([name, error, expected]) => [`${code}: ${name}`, code, error, expected] as const));

describe('classifyFailure', () => {
  it.each(rows)('%s', (_name, code, error, expected) => {
    expect(classifyFailure({ error })).toEqual({ ...expected, code });
  });

  it('an error from outside the SDK: no usable answer, stop, look', () => {
    expect(classifyFailure({ error: new TypeError('x') })).toEqual({ outcome: 'not-answered', scope: 'run', laterRunMaySucceed: false, code: 'UNKNOWN' });
    expect(classifyFailure({ error: 'a string' })).toMatchObject({ code: 'UNKNOWN' });
  });

  it('recognises errors from another copy of the package', async () => {
    // @ts-expect-error -- the query string makes vite load a second, separate instance of the module.
    const copy = (await import('../src/errors/index.js?classify-copy')) as typeof import('../src/errors/index.js');
    const foreign = new copy.GatewayError({ answer: { code: '40004', msg: 'Business Failed', sub_code: 'INVALID_PARAMETER' }, verified: true, method });
    expect(classifyFailure({ error: foreign })).toMatchObject({ outcome: 'refused', scope: 'part' });
  });

  it('a look-alike that borrows a subclass code without its brand is not an SDK error, so it is judged cautiously', () => {
    // The base constructor refuses subclass codes (see errors.test.ts); a forged object gets only the base brand.
    const forged = Object.defineProperty(Object.assign(new Error('x'), { code: 'GATEWAY_ERROR', gatewayCode: '40004', retryable: false }), Symbol.for('@zhima/core/ZhimaError'), { value: true });
    expect(classifyFailure({ error: forged })).toEqual({ outcome: 'not-answered', scope: 'run', laterRunMaySucceed: false, code: 'UNKNOWN' });
  });
});

describe('classifyFailure on what a real call throws', () => {
  const { setup } = useFakeGateways();
  const file = () => new TextEncoder().encode(fileText);

  it.each([
    ['a data refusal', { node: { code: '40004', msg: 'Business Failed', sub_code: 'INVALID_PARAMETER', sub_msg: 'x' } }, {}, verdict('refused', 'part', false)],
    ['a busy gateway, retries spent', { node: { code: '20000', msg: 'Service Currently Unavailable', sub_code: 'isp.unknow-error' } }, {}, verdict('refused', 'run', true)],
    ['a 200 whose success is unsigned', { unsigned: true }, {}, verdict('unverified', 'run', false)],
    ['a 502 from a proxy', { status: 502, raw: 'Bad Gateway' }, {}, verdict('not-answered', 'run', true)],
    ['records 0', {}, { records: 0 }, verdict('not-sent', 'part', false)],
  ] as const)('%s', async (_name, answer, input, expected) => {
    const { client } = await setup(() => answer);
    const error = await rejectionOf(client.batchFeedback({ ...feedback, ...input, file: file() }));
    expect(classifyFailure({ error })).toMatchObject(expected);
  });
});
