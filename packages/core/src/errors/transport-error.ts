import { ZhimaError } from './zhima-error.js';

/**
 * Why a request did not produce a usable HTTP answer. Stable, for retry decisions and dashboards.
 *
 * @example
 * ```ts
 * const reason: TransportErrorReason = 'TIMEOUT';
 * ```
 */
export type TransportErrorReason = 'TIMEOUT' | 'CONNECT' | 'RESET' | 'DNS' | 'TLS' | 'ABORTED' | 'HTTP_STATUS' | 'UNKNOWN';

const RETRYABLE_REASONS: ReadonlySet<TransportErrorReason> = new Set(['TIMEOUT', 'CONNECT', 'RESET', 'DNS', 'UNKNOWN']);

/**
 * The request failed below the gateway protocol: network, timeout, abort, or a non-2xx HTTP status.
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
  /** Network failures, timeouts, HTTP 5xx and 429 may succeed on another attempt; aborts and TLS failures do not. */
  readonly retryable: boolean;

  constructor({ reason, message, status, cause }: { reason: TransportErrorReason; message: string; status?: number; cause?: unknown }) {
    super({ code: 'TRANSPORT_ERROR', message, cause });
    this.name = 'TransportError';
    this.reason = reason;
    this.status = status;
    this.retryable =
      reason === 'HTTP_STATUS' ? status !== undefined && (status >= 500 || status === 429) : RETRYABLE_REASONS.has(reason);
  }

  /**
   * Recognises transport errors across copies of the package.
   *
   * @example
   * ```ts
   * if (TransportError.isInstance(err) && err.reason === 'TIMEOUT') raiseTimeout();
   * ```
   */
  static override isInstance(value: unknown): value is TransportError {
    return ZhimaError.isInstance(value, 'TRANSPORT_ERROR');
  }
}
