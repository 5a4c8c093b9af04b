// One attempt of a call, from a signed request to a verified result: send it with its request id,
// read the trace id, verify the answer, and tell the hooks — every error it throws carries both ids.
import { GatewayError, type GatewayAnswer } from '../errors/gateway-error.js';
import { TransportError } from '../errors/transport-error.js';
import { UnverifiedResponseError } from '../errors/unverified-response-error.js';
import { ZhimaError } from '../errors/zhima-error.js';
import { responseTooLarge } from '../http/transfer/response-body.js';
import { declaredLength } from '../http/transfer/upload-body.js';
import type { HttpRequest, HttpResponse, Transport, TransportSendOptions } from '../http/types.js';
import type { Charset } from '../encoding/charset.js';
import type { SignType } from '../crypto/keys.js';
import type { BuiltGatewayRequest } from '../request/gateway-request.js';
import { SUCCESS_CODE, answerCode, verifyResponseWith, type ResponseKeyResolver, type VerifiedResponse } from '../response/verify-response.js';
import { REQUEST_ID_HEADER, TRACE_ID_HEADER, failureCodes, newRequestId, since, withTrace, type RequestEvent, type ResponseEvent } from './tracing.js';

/**
 * A successful, signature-verified gateway answer, with the ids to give Alipay support.
 *
 * @example
 * ```ts
 * const result = await client.send({ method: 'zhima.data.feedbackurl.query', params: { biz_content: '{"merchant_id":"2088102000000001"}' } });
 * console.log(result.response.feedback_url, result.traceId);
 * ```
 */
export interface GatewayResult<T extends Record<string, unknown> = Record<string, unknown>> {
  method: string;
  code: '10000';
  msg: string;
  /** The whole answer node. */
  response: GatewayAnswer & T;
  /** The gateway's `trace_id` answer header: what Alipay support asks for. `undefined` if the answer had none. */
  traceId: string | undefined;
  /** The `alipay-request-id` header sent with the attempt that succeeded. */
  requestId: string;
}

/** @internal What one attempt needs of the client. */
export interface AttemptContext {
  transport: Transport;
  maxResponseBytes: number;
  signType: SignType;
  charset: Charset;
  onRequest: ((event: RequestEvent) => void) | undefined;
  onResponse: ((event: ResponseEvent) => void) | undefined;
}

// Only SDK errors leave the client; a transport that refuses an answer it read (too large) still
// means the request reached the gateway.
async function transportSend({ transport, request, method, options }: { transport: Transport; request: HttpRequest; method: string; options: TransportSendOptions }): Promise<HttpResponse> {
  try {
    return await transport.send(request, options);
  } catch (cause) {
    if (ZhimaError.isInstance(cause, 'RESPONSE_MALFORMED')) throw new UnverifiedResponseError({ method, status: undefined, cause });
    if (ZhimaError.isInstance(cause)) throw cause;
    throw new TransportError({ reason: 'UNKNOWN', message: `${request.method} ${request.url.split('?')[0]} failed in the transport: ${(cause as Error)?.message ?? String(cause)}`, cause });
  }
}

// A proxy's or WAF's page says who answered: its start, redacted, is kept on the error. The excerpt's
// code is loaded only when such an answer comes.
async function statusError({ request, response, method, ids }: { request: HttpRequest; response: HttpResponse; method: string; ids: { requestId: string; traceId: string | undefined } }): Promise<TransportError> {
  const { answerExcerpt, excerptLine } = await import('../http/answer-excerpt.js');
  const answer = answerExcerpt({ request, response });
  const said = excerptLine({ excerpt: answer });
  return new TransportError({
    reason: 'HTTP_STATUS',
    answer,
    message: `${method}: the gateway URL answered HTTP ${response.status}${answer.headers['content-type'] ? ` (${answer.headers['content-type']}, ${answer.bodyBytes} bytes)` : ''}${said ? `: ${said}` : ''}`,
    hint: '网关不会以此状态应答：可能是代理、防火墙或错误的网关地址；详情见 error.answer / The gateway never answers with this status: a proxy, a firewall or a wrong gateway URL did; error.answer holds what it said.',
    // Nothing at that path: the URL is what to change.
    option: response.status === 404 ? 'gateway' : undefined,
    ...ids,
  });
}

/**
 * @internal Sends one signed request as attempt `attempt` of `method` and resolves its verified
 * success; throws `GatewayError`, `UnverifiedResponseError` or `TransportError`, each with the
 * attempt's `requestId` and the answer's `traceId`. `onRequest` fires before the send, `onResponse`
 * after it, whatever happened.
 */
export async function sendAttempt<T extends Record<string, unknown>>({
  built,
  buildMs,
  method,
  attempt,
  records,
  resolveKey,
  options,
  context,
}: {
  built: BuiltGatewayRequest;
  buildMs: number;
  method: string;
  attempt: number;
  records: number | undefined;
  resolveKey: ResponseKeyResolver;
  options: Omit<TransportSendOptions, 'maxResponseBytes'>;
  context: AttemptContext;
}): Promise<GatewayResult<T>> {
  const requestId = newRequestId();
  const request: HttpRequest = { ...built.request, headers: { ...built.request.headers, [REQUEST_ID_HEADER]: requestId } };
  const requestBytes = declaredLength(request);
  context.onRequest?.({ method, attempt, requestId, requestBytes, records, buildMs });
  let response: HttpResponse | undefined;
  let traceId: string | undefined;
  let verified: VerifiedResponse | undefined;
  let sendMs = 0;
  let verifyMs = 0;
  const report = (error?: unknown) => {
    const answer = verified?.response;
    const failure = error === undefined ? undefined : failureCodes(error);
    context.onResponse?.({
      method,
      attempt,
      requestId,
      traceId,
      status: response?.status,
      code: answer && answerCode(answer),
      subCode: typeof answer?.sub_code === 'string' ? answer.sub_code : undefined,
      verified: verified?.verified,
      errorCode: failure?.errorCode,
      reason: failure?.reason,
      requestBytes,
      responseBytes: response?.body.length,
      records,
      durations: { buildMs, sendMs, verifyMs },
    });
  };
  try {
    const sendStarted = performance.now();
    try {
      response = await transportSend({ transport: context.transport, request, method, options: { ...options, maxResponseBytes: context.maxResponseBytes } });
    } finally {
      sendMs = since(sendStarted);
    }
    traceId = response.headers[TRACE_ID_HEADER];
    const ids = { requestId, traceId };
    if (response.status < 200 || response.status >= 300) throw await statusError({ request, response, method, ids });
    // From here the request reached the gateway: an answer we cannot trust may hide an accepted upload.
    const verifyStarted = performance.now();
    try {
      if (response.body.length > context.maxResponseBytes) throw responseTooLarge({ request, status: response.status, limit: context.maxResponseBytes });
      verified = await verifyResponseWith({ body: response.body, method, signType: context.signType, charset: context.charset, contentType: response.headers['content-type'] }, resolveKey);
    } catch (cause) {
      throw new UnverifiedResponseError({ method, status: response.status, cause, ...ids });
    } finally {
      verifyMs = since(verifyStarted);
    }
    const answer = verified.response;
    const code = answerCode(answer)!;
    if (code !== SUCCESS_CODE) throw new GatewayError({ answer: { ...answer, code, msg: String(answer.msg ?? '') } as GatewayAnswer, verified: verified.verified, method, ...ids });
    const result: GatewayResult<T> = { method, code: SUCCESS_CODE, msg: String(answer.msg), response: { ...answer, code: SUCCESS_CODE } as GatewayAnswer & T, traceId, requestId };
    report();
    return result;
  } catch (error) {
    withTrace(error, { requestId, traceId });
    report(error);
    throw error;
  }
}
