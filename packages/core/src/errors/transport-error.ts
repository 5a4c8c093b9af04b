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

  constructor({ reason, message, status, answer, hint, cause }: { reason: TransportErrorReason; message: string; status?: number | undefined; answer?: AnswerExcerpt | undefined; hint?: string | undefined; cause?: unknown }) {
    super({ code: 'TRANSPORT_ERROR', message, hint, cause, [SUBCLASS]: true });
    this.name = 'TransportError';
    this.reason = reason;
    this.status = status ?? answer?.status;
    this.answer = answer;
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
