import { getCertificateSn, getRootCertificateSn, type CertificateInput } from '../certificates/certificate-sn.js';
import type { PrivateKeyInput, PublicKeyInput, SignType } from '../crypto/keys.js';
import { normalizeCharset, type Charset } from '../encoding/charset.js';
import { GatewayError, type GatewayAnswer } from '../errors/gateway-error.js';
import { TransportError } from '../errors/transport-error.js';
import { UnverifiedResponseError } from '../errors/unverified-response-error.js';
import { ZhimaError } from '../errors/zhima-error.js';
import { createFetchTransport } from '../http/fetch-transport.js';
import { DEFAULT_MAX_RESPONSE_BYTES, checkedResponseLimit } from '../http/transfer/limits.js';
import { responseTooLarge } from '../http/transfer/response-body.js';
import type { HttpRequest, HttpResponse, Transport, TransportSendOptions } from '../http/types.js';
import { formatTimestamp } from '../params/timestamp.js';
import { PRODUCTION_GATEWAY, buildGatewayRequest, type BuiltGatewayRequest, type GatewayCall } from '../request/gateway-request.js';
import { SUCCESS_CODE, answerCode, verifyResponseWith, type ResponseKeyResolver } from '../response/verify-response.js';
import { batchFeedbackCall, type BatchFeedbackInput } from './batch-feedback.js';
import { lazyClientKeys } from './client-keys.js';
import { runWithRetries, type RetryOptions } from './retry.js';

/**
 * Certificate mode (公钥证书模式): the three `.crt` files from the Alipay console.
 *
 * @example
 * ```ts
 * const certificates: CertificateConfig = {
 *   appCertificate: readFileSync('appCertPublicKey_2021000000000001.crt', 'utf8'),
 *   alipayRootCertificate: readFileSync('alipayRootCert.crt', 'utf8'),
 *   alipayCertificate: readFileSync('alipayCertPublicKey_RSA2.crt', 'utf8'),
 * };
 * ```
 */
export interface CertificateConfig {
  appCertificate: CertificateInput;
  alipayRootCertificate: CertificateInput;
  /** Alipay's public-key certificate; give several during a rotation. */
  alipayCertificate: CertificateInput | CertificateInput[];
}

/**
 * Client configuration. Keys may be in any supported format; they are parsed once, on first use, and
 * checked before the first request is sent: an `alipayPublicKey` that is a private key, or the public
 * half of `privateKey` (your app public key pasted in Alipay's slot), is refused with `KEY_INVALID`
 * (in certificate mode, your app certificate as `alipayCertificate`: `CERTIFICATE_INVALID`).
 *
 * @example
 * ```ts
 * const config: ClientConfig = { appId: '2021000000000001', privateKey, alipayPublicKey };
 * ```
 */
export type ClientConfig = {
  appId: string;
  privateKey: PrivateKeyInput;
  /** Default `RSA2`. */
  signType?: SignType;
  /** Request charset. Default `utf-8`. */
  charset?: Charset | string;
  /** Default: the production gateway. */
  gateway?: string;
  /** For third-party apps acting for a merchant (应用授权). */
  appAuthToken?: string;
  /** Default: `createFetchTransport()` (the runtime's `fetch`, 60 s inactivity timeout). `@zhima/transport/undici` adds pooling and proxies on Node. */
  transport?: Transport;
  /**
   * Default: 3 attempts with exponential backoff and full jitter, no attempt started after
   * `deadlineMs` (120 s; an attempt in flight is never cut); `false` for one attempt.
   */
  retry?: RetryOptions | false;
  /**
   * The largest answer accepted, in bytes (a gateway answer is a few KB). Passed to the transport,
   * which stops reading there, and checked again on what it returns. Default 1 MiB.
   */
  maxResponseBytes?: number;
  /** The clock for timestamps. */
  now?: () => Date;
} & ({ alipayPublicKey: PublicKeyInput; certificates?: undefined } | { certificates: CertificateConfig; alipayPublicKey?: undefined });

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
  const charset = normalizeCharset({ charset: config.charset ?? 'utf-8' });
  const signType = config.signType ?? 'RSA2';
  const transport = config.transport ?? createFetchTransport();
  const now = config.now ?? (() => new Date());
  const maxResponseBytes = checkedResponseLimit({ value: config.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES });
  const certificates = config.certificates;
  const certificateSns = certificates && {
    appCertSn: getCertificateSn({ certificate: certificates.appCertificate }),
    alipayRootCertSn: getRootCertificateSn({ certificates: certificates.alipayRootCertificate }),
  };
  const keys = lazyClientKeys(
    certificates ? { privateKey: config.privateKey, alipayCertificate: certificates.alipayCertificate } : { privateKey: config.privateKey, alipayPublicKey: config.alipayPublicKey },
  );

  const buildSignedRequest = async (call: GatewayCall): Promise<BuiltGatewayRequest> =>
    buildGatewayRequest({
      call,
      context: {
        gateway: config.gateway ?? PRODUCTION_GATEWAY,
        appId: config.appId,
        privateKey: await keys.privateKey(),
        signType,
        charset,
        timestamp: formatTimestamp(now()),
        appAuthToken: config.appAuthToken,
        certificateSns,
      },
    });

  async function sendOnce<T extends Record<string, unknown>>(built: BuiltGatewayRequest, method: string, resolveKey: ResponseKeyResolver, options: CallOptions): Promise<GatewayResult<T>> {
    const response = await send(built.request, method, { ...options, maxResponseBytes });
    if (response.status < 200 || response.status >= 300) {
      throw new TransportError({ reason: 'HTTP_STATUS', status: response.status, message: `The gateway answered HTTP ${response.status}.` });
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
    // Keys are parsed and cross-checked before the first byte is sent.
    const resolveKey = await keys.checkedResponseKeys();
    // The first build tells whether the body can be replayed; later attempts rebuild with a new timestamp.
    let built: BuiltGatewayRequest | undefined = await buildSignedRequest(gatewayCall);
    return runWithRetries({
      method: gatewayCall.method,
      options: config.retry ?? {},
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
    execute: async (method, { bizContent, params } = {}, options) =>
      call({ method, params: { ...params, biz_content: typeof bizContent === 'object' ? JSON.stringify(bizContent) : bizContent } }, options),
    buildRequest: async (gatewayCall) => (await buildSignedRequest(gatewayCall)).request,
    buildSignedRequest,
  };
}
