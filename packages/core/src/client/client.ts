import { getCertificateSn, getRootCertificateSn, type CertificateInput } from '../certificates/certificate-sn.js';
import type { PrivateKeyInput, PublicKeyInput, SignType } from '../crypto/keys.js';
import { normalizeCharset, type Charset } from '../encoding/charset.js';
import { GatewayError, type GatewayAnswer } from '../errors/gateway-error.js';
import { TransportError } from '../errors/transport-error.js';
import { defaultTransport } from '../http/fetch-transport.js';
import type { HttpRequest, Transport, TransportSendOptions } from '../http/types.js';
import { formatTimestamp } from '../params/timestamp.js';
import { PRODUCTION_GATEWAY, buildGatewayRequest, lazyPrivateKey, type BuiltGatewayRequest, type GatewayCall } from '../request/gateway-request.js';
import { certificateKeyResolver, publicKeyResolver, verifyResponseWith, type ResponseKeyResolver } from '../response/verify-response.js';
import { batchFeedbackCall, type BatchFeedbackInput } from './batch-feedback.js';
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
 * Client configuration. Keys may be in any supported format; they are parsed once, on first use.
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
  /** Default: the runtime's `fetch`. See `@zhima/transport` for timeouts and pooling. */
  transport?: Transport;
  /** Default: 3 attempts with exponential backoff and full jitter; `false` for one attempt. */
  retry?: RetryOptions | false;
  /** The clock for timestamps. */
  now?: () => Date;
} & ({ alipayPublicKey: PublicKeyInput; certificates?: undefined } | { certificates: CertificateConfig; alipayPublicKey?: undefined });

/**
 * Per-call options.
 *
 * @example
 * ```ts
 * await client.batchFeedback(input, { signal: AbortSignal.timeout(60_000), onUploadProgress: console.log });
 * ```
 */
export type CallOptions = TransportSendOptions;

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
  /** Uploads a records file to `zhima.data.batch.feedback`; resolves on `10000`, else throws `GatewayError`. */
  batchFeedback(input: BatchFeedbackInput, options?: CallOptions): Promise<GatewayResult>;
  /** Calls any gateway method; `biz_content` methods go as a urlencoded form. */
  execute<T extends Record<string, unknown> = Record<string, unknown>>(method: string, params?: ExecuteParams, options?: CallOptions): Promise<GatewayResult<T>>;
  /** The signed request for a call, without sending it. */
  buildRequest(call: GatewayCall): Promise<HttpRequest>;
  /** Like `buildRequest`, plus the sign content and whether the body can be replayed. */
  buildSignedRequest(call: GatewayCall): Promise<BuiltGatewayRequest>;
}

const SUCCESS = '10000';

/**
 * Creates a client for the Alipay gateway. Every attempt is signed afresh with a China-time timestamp;
 * answers are verified before they are returned.
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
 * const result = await client.batchFeedback({
 *   file: new TextEncoder().encode('{"records":[{"order_no":"A1","pay_month":"2024-01"}]}'),
 *   columns: 'order_no,pay_month',
 *   primaryKeyColumns: 'order_no,pay_month',
 *   records: 1,
 * });
 * ```
 */
export function createClient(config: ClientConfig): ZhimaClient {
  const charset = normalizeCharset({ charset: config.charset ?? 'utf-8' });
  const signType = config.signType ?? 'RSA2';
  const transport = config.transport ?? defaultTransport();
  const now = config.now ?? (() => new Date());
  const privateKey = lazyPrivateKey(config.privateKey);
  const certificates = config.certificates;
  const certificateSns = certificates && {
    appCertSn: getCertificateSn({ certificate: certificates.appCertificate }),
    alipayRootCertSn: getRootCertificateSn({ certificates: certificates.alipayRootCertificate }),
  };
  const resolveKey: ResponseKeyResolver = certificates
    ? certificateKeyResolver({ certificates: certificates.alipayCertificate })
    : publicKeyResolver({ publicKey: config.alipayPublicKey });

  const buildSignedRequest = async (call: GatewayCall): Promise<BuiltGatewayRequest> =>
    buildGatewayRequest({
      call,
      context: {
        gateway: config.gateway ?? PRODUCTION_GATEWAY,
        appId: config.appId,
        privateKey: await privateKey(),
        signType,
        charset,
        timestamp: formatTimestamp(now()),
        appAuthToken: config.appAuthToken,
        certificateSns,
      },
    });

  async function sendOnce<T extends Record<string, unknown>>(built: BuiltGatewayRequest, method: string, options: CallOptions & { signal: AbortSignal }): Promise<GatewayResult<T>> {
    const response = await transport.send(built.request, options);
    if (response.status < 200 || response.status >= 300) {
      throw new TransportError({ reason: 'HTTP_STATUS', status: response.status, message: `The gateway answered HTTP ${response.status}.` });
    }
    const { response: answer, verified } = await verifyResponseWith({ body: response.body, method, signType, charset, resolveKey });
    if (answer.code !== SUCCESS) throw new GatewayError({ answer: answer as GatewayAnswer, verified, method });
    return { method, code: SUCCESS, msg: String(answer.msg), response: answer as GatewayAnswer & T };
  }

  async function call<T extends Record<string, unknown>>(gatewayCall: GatewayCall, options: CallOptions = {}): Promise<GatewayResult<T>> {
    // The first build tells whether the body can be replayed; later attempts rebuild with a new timestamp.
    let built: BuiltGatewayRequest | undefined = await buildSignedRequest(gatewayCall);
    return runWithRetries({
      method: gatewayCall.method,
      options: config.retry ?? {},
      replayable: built.replayable,
      signal: options.signal,
      attempt: async (signal) => {
        const current = built ?? (await buildSignedRequest(gatewayCall));
        built = undefined;
        return sendOnce<T>(current, gatewayCall.method, { ...options, signal });
      },
    });
  }

  return {
    batchFeedback: (input, options) => call(batchFeedbackCall(input), options),
    execute: (method, { bizContent, params } = {}, options) =>
      call({ method, params: { ...params, biz_content: typeof bizContent === 'object' ? JSON.stringify(bizContent) : bizContent } }, options),
    buildRequest: async (gatewayCall) => (await buildSignedRequest(gatewayCall)).request,
    buildSignedRequest,
  };
}
