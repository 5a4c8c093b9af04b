import { SUBCLASS, ZhimaError, type ZhimaErrorCode, type ZhimaErrorFor } from './zhima-error.js';

/**
 * Why a request did not produce a usable HTTP answer. Stable, for retry decisions and dashboards.
 *
 * @example
 * ```ts
 * const reason: TransportErrorReason = 'TIMEOUT';
 * ```
 */
export type TransportErrorReason = 'TIMEOUT' | 'CONNECT' | 'RESET' | 'DNS' | 'TLS' | 'ABORTED' | 'HTTP_STATUS' | 'UNKNOWN';

/**
 * What is kept of an answer with a status the gateway never sends on success (a proxy's 502 page, a
 * WAF's 403): enough to tell who answered, nothing secret. The request's query (it carries the
 * signature) never appears in it.
 *
 * @example
 * ```ts
 * if (TransportError.isInstance(err) && err.answer) console.error(err.answer.status, err.answer.headers.server, err.answer.body);
 * ```
 */
export interface AnswerExcerpt {
  status: number;
  /** Only headers that say who answered and how (`content-type`, `server`, `via`, `retry-after`, trace ids…); never cookies. */
  headers: Record<string, string>;
  /** The start of the body (at most 2 KiB of it) as text, read in its declared charset or UTF-8. */
  body: string;
  /** The whole body's length in bytes. */
  bodyBytes: number;
}

/**
 * Which limit ended a `TIMEOUT`, by the option that sets it and its value: the transport's inactivity
 * timeout (`timeoutMs`, or undici's `bodyTimeoutMs` for the answer's body), its wait for the answer
 * (`headersTimeoutMs`; `ms` is the option's value, without the time added for bytes in flight), or
 * the client's retry deadline (`retry.deadlineMs`).
 *
 * @example
 * ```ts
 * if (TransportError.isInstance(error) && error.limit?.option === 'headersTimeoutMs') console.error(`no answer within ${error.limit.ms} ms`);
 * ```
 */
export interface TimeoutLimit {
  option: 'timeoutMs' | 'headersTimeoutMs' | 'bodyTimeoutMs' | 'retry.deadlineMs';
  ms: number;
}

const RETRYABLE_REASONS: ReadonlySet<TransportErrorReason> = new Set(['TIMEOUT', 'CONNECT', 'RESET', 'DNS', 'UNKNOWN']);

/**
 * The request failed below the gateway protocol: network, timeout, abort, or a non-2xx HTTP status
 * (then `status`, and `answer`: a redacted excerpt of what came back).
 *
 * @example
 * ```ts
 * throw new TransportError({ reason: 'TIMEOUT', message: 'no response headers within 10000 ms', cause: err });
 * ```
 */
export class TransportError extends ZhimaError<'TRANSPORT_ERROR'> {
  readonly reason: TransportErrorReason;
  /** The HTTP status, for `HTTP_STATUS`. */
  readonly status: number | undefined;
  /** For `HTTP_STATUS` answers: who answered and the start of what they said, redacted. */
  readonly answer: AnswerExcerpt | undefined;
  /** Network failures, timeouts, HTTP 5xx and 429 may succeed on another attempt; aborts and TLS failures do not. */
  readonly retryable: boolean;
  /**
   * For a `TIMEOUT` that one of the SDK's own limits ended: which one, and its value (`option` names it
   * too). `undefined` for other reasons, and for a timeout the caller's signal or the OS decided.
   */
  readonly limit: TimeoutLimit | undefined;
  /** The `alipay-request-id` this client sent with the attempt that failed (set by the client). */
  readonly requestId: string | undefined;
  /** The gateway's `trace_id` answer header, when an answer came (`HTTP_STATUS`): give it to Alipay support. */
  readonly traceId: string | undefined;

  constructor({
    reason,
    message,
    status,
    answer,
    hint,
    limit,
    option,
    requestId,
    traceId,
    cause,
  }: {
    reason: TransportErrorReason;
    message: string;
    status?: number | undefined;
    answer?: AnswerExcerpt | undefined;
    hint?: string | undefined;
    limit?: TimeoutLimit | undefined;
    /** Defaults to `limit.option`. */
    option?: string | undefined;
    requestId?: string | undefined;
    traceId?: string | undefined;
    cause?: unknown;
  }) {
    super({ code: 'TRANSPORT_ERROR', message, hint, option: option ?? limit?.option, cause, [SUBCLASS]: true });
    this.name = 'TransportError';
    this.reason = reason;
    this.status = status ?? answer?.status;
    this.answer = answer;
    this.limit = limit;
    this.requestId = requestId;
    this.traceId = traceId;
    this.retryable =
      reason === 'HTTP_STATUS' ? this.status !== undefined && (this.status >= 500 || this.status === 429) : RETRYABLE_REASONS.has(reason);
  }

  /**
   * Recognises transport errors across copies of the package.
   *
   * @example
   * ```ts
   * if (TransportError.isInstance(err) && err.reason === 'TIMEOUT') raiseTimeout();
   * ```
   */
  static override isInstance(value: unknown): value is TransportError;
  /** Inherited: the same as `ZhimaError.isInstance(value, code)`. */
  static override isInstance<C extends ZhimaErrorCode>(value: unknown, code: C): value is ZhimaErrorFor<C>;
  static override isInstance(value: unknown, code: ZhimaErrorCode = 'TRANSPORT_ERROR'): boolean {
    return ZhimaError.isInstance(value, code);
  }
}
