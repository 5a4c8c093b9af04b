import { requireObject, requireText } from '../errors/argument-checks.js';
import { argumentError } from '../errors/argument-checks.js';
import { UnverifiedResponseError } from '../errors/unverified-response-error.js';
import { ZhimaError } from '../errors/zhima-error.js';
import type { HttpRequest, TransportSendOptions } from '../http/types.js';
import { jsonParam } from '../params/param-value.js';
import { formatTimestamp } from '../params/timestamp.js';
import { buildGatewayRequest, type BuiltGatewayRequest, type GatewayCall } from '../request/gateway-request.js';
import type { ResponseKeyResolver } from '../response/verify-response.js';
import type { RsaKey } from '../crypto/keys.js';
import { batchFeedbackCall, type BatchFeedbackInput } from './batch-feedback.js';
import type { CloseloopDataUploadInput } from './closeloop-data-upload.js';
import { resolveClientConfig, type ClientConfig } from './config.js';
import { SINGLE_DATA_UPLOAD_METHOD } from './methods.js';
import { runWithRetries } from './retry.js';
import { sendAttempt, type GatewayResult } from './send-attempt.js';
import type { SingleDataUploadInput } from './single-data-upload.js';
import { guarded, since, type ResponseEvent } from './tracing.js';

export type { GatewayResult } from './send-attempt.js';

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
 * The gateway client. Build with {@link createClient}. Every call resolves a {@link GatewayResult}
 * (verified `10000`, with `traceId` and `requestId`) or throws `GatewayError` (the gateway said no),
 * `UnverifiedResponseError` (an answer came but cannot be trusted: the data may have been accepted),
 * `TransportError` (no usable answer) or `ZhimaError` (`PARAM_INVALID`, `KEY_INVALID`, …: refused before
 * sending); `classifyFailure` says what each means for the data and the job.
 *
 * @example
 * ```ts
 * const client = createClient({ appId, privateKey, alipayPublicKey });
 * await client.batchFeedback({ file, columns, primaryKeyColumns, records });
 * ```
 */
export interface ZhimaClient {
  /** Uploads a records file to `zhima.data.batch.feedback` (批量数据反馈); resolves on a verified `10000`. */
  batchFeedback(input: BatchFeedbackInput, options?: CallOptions): Promise<GatewayResult>;
  /**
   * Uploads a records file to `zhima.merchant.closeloop.data.upload` (批量数据传入, the successor of batch
   * feedback) for one scene; resolves the `taskId` the gateway made for it and the `bizExtParams` it echoed.
   */
  closeloopDataUpload(input: CloseloopDataUploadInput, options?: CallOptions): Promise<GatewayResult<{ task_id: string; biz_ext_params?: string }> & { taskId: string; bizExtParams: string | undefined }>;
  /**
   * Sends one record to `zhima.merchant.single.data.upload` (单条数据传入), for a correction between two
   * nightly files; `data` over 4096 characters or bytes of the client's charset is refused before sending.
   */
  singleDataUpload(input: Omit<SingleDataUploadInput, 'charset'>, options?: CallOptions): Promise<GatewayResult<{ task_id: string }> & { taskId: string }>;
  /** Asks `zhima.data.feedbackurl.query` for the app's feedback template (an `.xlsx` URL). */
  feedbackUrlQuery(input: { merchantId: string }, options?: CallOptions): Promise<GatewayResult<{ feedback_url: string }> & { feedbackUrl: string }>;
  /**
   * Asks `zhima.merchant.data.upload.initialize` (数据传入初始化) for a scene's data template URL.
   * **Possibly retired**: dropped from one official SDK in 2025.
   */
  dataUploadInitialize(input: { sceneCode: string; linkedMerchantId?: string }, options?: CallOptions): Promise<GatewayResult<{ template_url: string }> & { templateUrl: string }>;
  /**
   * Sends any gateway call — text params and files (multipart), or text params alone (a form) — with the
   * same retries, fresh signatures, verification and tracing as the typed methods. The call is built
   * again for every attempt; one with a one-shot stream file is attempted once.
   */
  send<T extends Record<string, unknown> = Record<string, unknown>>(call: GatewayCall, options?: CallOptions): Promise<GatewayResult<T>>;
  /** Calls a `biz_content` method (sent as a urlencoded form): `send` with `bizContent` serialised. */
  execute<T extends Record<string, unknown> = Record<string, unknown>>(method: string, params?: ExecuteParams, options?: CallOptions): Promise<GatewayResult<T>>;
  /** The signed request for a call, without sending it (no `alipay-request-id`: each attempt adds its own). */
  buildRequest(call: GatewayCall): Promise<HttpRequest>;
  /** Like `buildRequest`, plus the sign content and whether the body can be replayed. */
  buildSignedRequest(call: GatewayCall): Promise<BuiltGatewayRequest>;
}

function checkCallOptions(options: CallOptions): void {
  requireObject(options, 'the call options');
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) throw argumentError({ name: 'signal', expected: 'an AbortSignal', value: options.signal });
  if (options.onUploadProgress !== undefined && typeof options.onUploadProgress !== 'function') throw argumentError({ name: 'onUploadProgress', expected: 'a function', value: options.onUploadProgress });
}

// The records a call uploads, for events: its `records` param, or the one record of a single upload.
function recordsOf(call: GatewayCall): number | undefined {
  if (call.method === SINGLE_DATA_UPLOAD_METHOD) return 1;
  const records = Number(call.params?.records);
  return Number.isSafeInteger(records) && records > 0 ? records : undefined;
}

// A verified success without the field the method promises: the call may have been accepted, so the
// result is unverified rather than a plain failure.
function requireAnswerField(result: GatewayResult, field: string): string {
  const value = result.response[field];
  if (typeof value === 'string' && value !== '') return value;
  throw new UnverifiedResponseError({
    method: result.method,
    status: 200,
    requestId: result.requestId,
    traceId: result.traceId,
    cause: new ZhimaError({ code: 'RESPONSE_MALFORMED', message: `The ${result.method} answer is 10000 but has no ${field}.` }),
  });
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
  const { context, keys, transport, retry, maxResponseBytes, now, hooks, log, rotation } = resolveClientConfig(config, {
    onUnknownCertificate: (sn) => rotatedKey(sn),
  });
  const { signType, charset } = context;
  const attemptContext = {
    transport,
    maxResponseBytes,
    signType,
    charset,
    onRequest: guarded(hooks.onRequest, 'onRequest', log),
    onResponse: guarded(hooks.onResponse, 'onResponse', log),
  };
  const onAttempt = guarded(retry === false ? undefined : retry.onAttempt, 'retry.onAttempt', log);

  const buildSignedRequest = async (call: GatewayCall): Promise<BuiltGatewayRequest> =>
    buildGatewayRequest({
      call,
      context: { ...context, privateKey: await keys.privateKey(), certificateSns: await keys.certificateSns(), timestamp: formatTimestamp({ date: now() }) },
    });

  async function call<T extends Record<string, unknown>>(gatewayCall: GatewayCall, options: CallOptions = {}, verifyWith?: ResponseKeyResolver): Promise<GatewayResult<T>> {
    checkCallOptions(options);
    // Keys are parsed and cross-checked before the first byte is sent.
    const resolveKey = verifyWith ?? (await keys.checkedResponseKeys());
    const { method } = gatewayCall;
    const records = recordsOf(gatewayCall);
    const started = performance.now();
    const timedBuild = async () => {
      const buildStarted = performance.now();
      const built = await buildSignedRequest(gatewayCall);
      return { built, buildMs: since(buildStarted) };
    };
    // The first build tells whether the body can be replayed; later attempts rebuild with a new timestamp.
    let first: Awaited<ReturnType<typeof timedBuild>> | undefined = await timedBuild();
    let last: ResponseEvent | undefined;
    const onResponse = (event: ResponseEvent) => {
      last = event;
      attemptContext.onResponse?.(event);
    };
    const logCall = async (error?: unknown) => {
      if (log === undefined) return;
      const elapsedMs = since(started);
      log((await import('./call-log-line.js')).callLogLine({ method, attempts: last?.attempt ?? 0, elapsedMs, last, error }));
    };
    try {
      const result = await runWithRetries({
        method,
        options: retry,
        replayable: first.built.replayable,
        signal: options.signal,
        onAttempt,
        attempt: async (attempt) => {
          const { built, buildMs } = first ?? (await timedBuild());
          first = undefined;
          return sendAttempt<T>({ built, buildMs, method, attempt, records, resolveKey, options, context: { ...attemptContext, onResponse } });
        },
      });
      await logCall();
      return result;
    } catch (error) {
      await logCall(error);
      throw error;
    }
  }

  // Certificate rotation, loaded on the first answer under an unknown alipay_cert_sn: one download per
  // SN, shared by every call that meets it.
  let rotator: Promise<(sn: string) => Promise<RsaKey<'public'>>> | undefined;
  async function rotatedKey(sn: string): Promise<RsaKey<'public'>> {
    rotator ??= import('../certificates/rotation.js').then(({ createCertificateRotation }) =>
      createCertificateRotation({
        roots: rotation!.alipayRootCertificate,
        store: rotation!.store,
        now,
        ownSpki: async () => (await keys.privateKey()).spki,
        configuredKeys: () => keys.checkedResponseKeys(),
        call: (downloadCall, verifyWith) => call(downloadCall, {}, verifyWith),
      }),
    );
    return (await rotator)(sn);
  }

  // The family's builders are loaded on their first call.
  const family = () => import('./family-calls.js');

  // async: a refusal of the input is a rejected promise, never a synchronous throw.
  return {
    batchFeedback: async (input, options) => call(batchFeedbackCall(input), options),
    closeloopDataUpload: async (input, options) => {
      const result = await call<{ task_id: string; biz_ext_params?: string }>((await family()).closeloopDataUploadCall(input), options);
      const bizExtParams = result.response.biz_ext_params;
      return { ...result, taskId: requireAnswerField(result, 'task_id'), bizExtParams: typeof bizExtParams === 'string' ? bizExtParams : undefined };
    },
    singleDataUpload: async (input, options) => {
      const result = await call<{ task_id: string }>((await family()).singleDataUploadCall({ ...requireObject(input, 'singleDataUpload'), charset }), options);
      return { ...result, taskId: requireAnswerField(result, 'task_id') };
    },
    feedbackUrlQuery: async (input, options) => {
      const result = await call<{ feedback_url: string }>((await family()).feedbackUrlQueryCall(input), options);
      return { ...result, feedbackUrl: requireAnswerField(result, 'feedback_url') };
    },
    dataUploadInitialize: async (input, options) => {
      const result = await call<{ template_url: string }>((await family()).dataUploadInitializeCall(input), options);
      return { ...result, templateUrl: requireAnswerField(result, 'template_url') };
    },
    send: async (gatewayCall, options) => call(gatewayCall, options),
    execute: async (method, executeParams = {}, options) => {
      const { bizContent, params } = requireObject(executeParams, "execute's params");
      return call({ method: requireText(method, 'method'), params: { ...params, biz_content: jsonParam({ value: bizContent, name: 'bizContent' }) } }, options);
    },
    buildRequest: async (gatewayCall) => (await buildSignedRequest(gatewayCall)).request,
    buildSignedRequest,
  };
}
