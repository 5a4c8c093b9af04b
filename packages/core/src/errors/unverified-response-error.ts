import { SUBCLASS, ZhimaError, type ZhimaErrorCode, type ZhimaErrorFor } from './zhima-error.js';

const HINT =
  '网关可能已收下数据（重传是安全的：按主键覆盖）。请检查：alipayPublicKey 须为支付宝公钥（不是应用公钥）；证书模式下 alipayCertificate 须为最新的支付宝公钥证书；charset 与 signType 须与请求一致 / ' +
  'The gateway may have stored the data (re-sending is safe: records are upserted by primary key). Check that alipayPublicKey is the Alipay public key (支付宝公钥), not your app public key; ' +
  'in certificate mode, that alipayCertificate is the current alipayCertPublicKey_RSA2.crt; and that charset and signType match the request.';

/**
 * The gateway answered (HTTP 2xx), but the answer could not be trusted: its signature failed
 * (`cause.code` `SIGNATURE_INVALID`, or `CERTIFICATE_INVALID` for an unknown `alipay_cert_sn`) or it
 * could not be read (`RESPONSE_MALFORMED`: not JSON, not decodable, too large). The request reached
 * the gateway, so the data **may have been accepted**: record the upload as unverified, not as unsent
 * and not as accepted. Never retried automatically.
 *
 * @example
 * ```ts
 * try {
 *   await client.batchFeedback(input);
 * } catch (error) {
 *   if (UnverifiedResponseError.isInstance(error)) {
 *     journal.markUnverified(part, { status: error.status, reason: (error.cause as ZhimaError).code });
 *   }
 * }
 * ```
 */
export class UnverifiedResponseError extends ZhimaError<'RESPONSE_UNVERIFIED'> {
  /** The gateway method called. */
  readonly method: string;
  /** `cause` is the verification or reading failure: a `ZhimaError` (`SIGNATURE_INVALID`, `RESPONSE_MALFORMED`, …). The HTTP status of the answer; `undefined` when the transport refused the answer before handing it over (e.g. too large). */
  readonly status: number | undefined;
  /** The `alipay-request-id` this client sent with the attempt. */
  readonly requestId: string | undefined;
  /** The gateway's `trace_id` answer header, when the answer carried one: give it to Alipay support. */
  readonly traceId: string | undefined;
  constructor({ method, status, requestId, traceId, cause }: { method: string; status: number | undefined; requestId?: string | undefined; traceId?: string | undefined; cause: unknown }) {
    const why = ZhimaError.isInstance(cause) ? `${cause.code}: ${cause.message}` : String(cause);
    super({
      code: 'RESPONSE_UNVERIFIED',
      message:
        `${method}: the gateway answered${status === undefined ? '' : ` HTTP ${status}`}, but the answer cannot be trusted (${why}). ` +
        'The gateway may have accepted the data: treat this upload as unverified, neither sent nor failed.',
      hint: HINT,
      cause,
      [SUBCLASS]: true,
    });
    this.name = 'UnverifiedResponseError';
    this.method = method;
    this.status = status;
    this.requestId = requestId;
    this.traceId = traceId;
  }

  /**
   * Recognises unverified-answer errors across copies of the package.
   *
   * @example
   * ```ts
   * if (UnverifiedResponseError.isInstance(err)) console.warn('may have been accepted', err.status);
   * ```
   */
  static override isInstance(value: unknown): value is UnverifiedResponseError;
  /** Inherited: the same as `ZhimaError.isInstance(value, code)`. */
  static override isInstance<C extends ZhimaErrorCode>(value: unknown, code: C): value is ZhimaErrorFor<C>;
  static override isInstance(value: unknown, code: ZhimaErrorCode = 'RESPONSE_UNVERIFIED'): boolean {
    return ZhimaError.isInstance(value, code);
  }
}
