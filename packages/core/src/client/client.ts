import { GatewayError, type GatewayAnswer } from '../errors/gateway-error.js';
import { TransportError } from '../errors/transport-error.js';
import { UnverifiedResponseError } from '../errors/unverified-response-error.js';
import { ZhimaError } from '../errors/zhima-error.js';
import { argumentError, requireObject, requireText } from '../errors/argument-checks.js';
import { answerExcerpt, excerptLine } from '../http/answer-excerpt.js';
import { responseTooLarge } from '../http/transfer/response-body.js';
import type { HttpRequest, HttpResponse, TransportSendOptions } from '../http/types.js';
import { jsonParam } from '../params/param-value.js';
import { formatTimestamp } from '../params/timestamp.js';
import { buildGatewayRequest, type BuiltGatewayRequest, type GatewayCall } from '../request/gateway-request.js';
import { SUCCESS_CODE, answerCode, verifyResponseWith, type ResponseKeyResolver } from '../response/verify-response.js';
import { batchFeedbackCall, type BatchFeedbackInput } from './batch-feedback.js';
import { resolveClientConfig, type ClientConfig } from './config.js';
import { runWithRetries } from './retry.js';

/**
 * Per-call options. `signal` is the hard bound of a call: it aborts the attempt in flight and any
 * backoff wait (`retry.deadlineMs` only stops new attempts).
 *
 * @example
 * ```ts
 * await client.batchFeedback(input, { signal: AbortSignal.timeout(30 * 60_000), onUploadProgress: console.log });
 * ```
 */
export type CallOptions = Omit<TransportSendOptions, 'maxResponseBytes'>;

/**
 * A successful, signature-verified gateway answer.
 *
 * @example
 * ```ts
 * const { response } = await client.execute<{ feedback_url: string }>('zhima.data.feedbackurl.query', { bizContent: { merchant_id } });
 * console.log(response.feedback_url);
 * ```
 */
export interface GatewayResult<T extends Record<string, unknown> = Record<string, unknown>> {
  method: string;
  code: '10000';
  msg: string;
  /** The whole answer node. */
  response: GatewayAnswer & T;
}

/**
 * Parameters of {@link ZhimaClient.execute}: `bizContent` for `biz_content` methods, and any other
 * business text parameters.
 *
 * @example
 * ```ts
 * const params: ExecuteParams = { bizContent: { merchant_id: '2088000000000000' } };
 * ```
 */
export interface ExecuteParams {
  bizContent?: Record<string, unknown> | string;
  params?: Record<string, string | number | undefined | null>;
}

/**
 * The gateway client. Build with {@link createClient}.
 *
 * @example
 * ```ts
 * const client = createClient({ appId, privateKey, alipayPublicKey });
 * await client.batchFeedback({ file, columns, primaryKeyColumns, records });
 * ```
 */
export interface ZhimaClient {
  /**
   * Uploads a records file to `zhima.data.batch.feedback`; resolves on a verified `10000`. Throws
   * `GatewayError` (the gateway said no), `UnverifiedResponseError` (an answer came but cannot be
   * trusted: the data may have been accepted), `TransportError` (no usable answer), or `ZhimaError`
   * (`PARAM_INVALID`, `KEY_INVALID`, …: refused before sending). `classifyFailure` says what each
   * means for the data and the job.
   */
  batchFeedback(input: BatchFeedbackInput, options?: CallOptions): Promise<GatewayResult>;
  /** Calls any gateway method; `biz_content` methods go as a urlencoded form. */
  execute<T extends Record<string, unknown> = Record<string, unknown>>(method: string, params?: ExecuteParams, options?: CallOptions): Promise<GatewayResult<T>>;
  /** The signed request for a call, without sending it. */
  buildRequest(call: GatewayCall): Promise<HttpRequest>;
  /** Like `buildRequest`, plus the sign content and whether the body can be replayed. */
  buildSignedRequest(call: GatewayCall): Promise<BuiltGatewayRequest>;
}

function checkCallOptions(options: CallOptions): void {
  requireObject(options, 'the call options');
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) throw argumentError({ name: 'signal', expected: 'an AbortSignal', value: options.signal });
  if (options.onUploadProgress !== undefined && typeof options.onUploadProgress !== 'function') throw argumentError({ name: 'onUploadProgress', expected: 'a function', value: options.onUploadProgress });
}

/**
 * Creates a client for the Alipay gateway. Keys are parsed once, on the first call, and checked before
 * the first request leaves; every attempt is signed afresh with a China-time timestamp; answers are
 * verified before they are returned, and a 2xx answer that cannot be trusted is
 * `UnverifiedResponseError` (the data may have been accepted). Hand any error to `classifyFailure`.
 *
 * @example
 * ```ts
 * import { createClient } from '@zhima/core';
 *
 * const client = createClient({
 *   appId: '2021000000000001',
 *   privateKey: process.env.ZHIMA_PRIVATE_KEY!,
 *   alipayPublicKey: process.env.ZHIMA_ALIPAY_PUBLIC_KEY!,
 * });
 * try {
 *   await client.batchFeedback({
 *     file: new TextEncoder().encode('{"records":[{"order_no":"A1","pay_month":"2024-01"}]}'),
 *     columns: 'order_no,pay_month',
 *     primaryKeyColumns: 'order_no,pay_month',
 *     records: 1,
 *   });
 * } catch (error) {
 *   const { outcome, scope } = classifyFailure({ error }); // e.g. 'unverified', 'run'
 * }
 * ```
 */
export function createClient(config: ClientConfig): ZhimaClient {
  const { context, keys, transport, retry, maxResponseBytes, now } = resolveClientConfig(config);
  const { signType, charset } = context;

  const buildSignedRequest = async (call: GatewayCall): Promise<BuiltGatewayRequest> =>
    buildGatewayRequest({
      call,
      context: { ...context, privateKey: await keys.privateKey(), timestamp: formatTimestamp({ date: now() }) },
    });

  async function sendOnce<T extends Record<string, unknown>>(built: BuiltGatewayRequest, method: string, resolveKey: ResponseKeyResolver, options: CallOptions): Promise<GatewayResult<T>> {
    const response = await send(built.request, method, { ...options, maxResponseBytes });
    if (response.status < 200 || response.status >= 300) {
      // A proxy's or WAF's page says who answered: keep its start, redacted, on the error.
      const answer = answerExcerpt({ request: built.request, response });
      const said = excerptLine({ excerpt: answer });
      throw new TransportError({
        reason: 'HTTP_STATUS',
        answer,
        message: `${method}: the gateway URL answered HTTP ${response.status}${answer.headers['content-type'] ? ` (${answer.headers['content-type']}, ${answer.bodyBytes} bytes)` : ''}${said ? `: ${said}` : ''}`,
        hint: '网关不会以此状态应答：可能是代理、防火墙或错误的网关地址；详情见 error.answer / The gateway never answers with this status: a proxy, a firewall or a wrong gateway URL did; error.answer holds what it said.',
      });
    }
    // From here the request reached the gateway: an answer we cannot trust may hide an accepted upload.
    let verified: Awaited<ReturnType<typeof verifyResponseWith>>;
    try {
      if (response.body.length > maxResponseBytes) throw responseTooLarge({ request: built.request, status: response.status, limit: maxResponseBytes });
      verified = await verifyResponseWith({ body: response.body, method, signType, charset, contentType: response.headers['content-type'], resolveKey });
    } catch (cause) {
      throw new UnverifiedResponseError({ method, status: response.status, cause });
    }
    const answer = verified.response;
    const code = answerCode(answer)!;
    if (code !== SUCCESS_CODE) throw new GatewayError({ answer: { ...answer, code, msg: String(answer.msg ?? '') } as GatewayAnswer, verified: verified.verified, method });
    return { method, code: SUCCESS_CODE, msg: String(answer.msg), response: { ...answer, code: SUCCESS_CODE } as GatewayAnswer & T };
  }

  // Only SDK errors leave the client; a transport that refuses an answer it read (too large) still
  // means the request reached the gateway.
  async function send(request: HttpRequest, method: string, options: TransportSendOptions): Promise<HttpResponse> {
    try {
      return await transport.send(request, options);
    } catch (cause) {
      if (ZhimaError.isInstance(cause, 'RESPONSE_MALFORMED')) throw new UnverifiedResponseError({ method, status: undefined, cause });
      if (ZhimaError.isInstance(cause)) throw cause;
      throw new TransportError({ reason: 'UNKNOWN', message: `${request.method} ${request.url.split('?')[0]} failed in the transport: ${(cause as Error)?.message ?? String(cause)}`, cause });
    }
  }

  async function call<T extends Record<string, unknown>>(gatewayCall: GatewayCall, options: CallOptions = {}): Promise<GatewayResult<T>> {
    checkCallOptions(options);
    // Keys are parsed and cross-checked before the first byte is sent.
    const resolveKey = await keys.checkedResponseKeys();
    // The first build tells whether the body can be replayed; later attempts rebuild with a new timestamp.
    let built: BuiltGatewayRequest | undefined = await buildSignedRequest(gatewayCall);
    return runWithRetries({
      method: gatewayCall.method,
      options: retry,
      replayable: built.replayable,
      signal: options.signal,
      attempt: async () => {
        const current = built ?? (await buildSignedRequest(gatewayCall));
        built = undefined;
        return sendOnce<T>(current, gatewayCall.method, resolveKey, options);
      },
    });
  }

  // async: a refusal of the input is a rejected promise, never a synchronous throw.
  return {
    batchFeedback: async (input, options) => call(batchFeedbackCall(input), options),
    execute: async (method, executeParams = {}, options) => {
      const { bizContent, params } = requireObject(executeParams, "execute's params");
      return call({ method: requireText(method, 'method'), params: { ...params, biz_content: jsonParam({ value: bizContent, name: 'bizContent' }) } }, options);
    },
    buildRequest: async (gatewayCall) => (await buildSignedRequest(gatewayCall)).request,
    buildSignedRequest,
  };
}
