// Observability of a call: the request id sent with each attempt, the events hooks receive, and the
// one line per call of the default logger. Everything here is ids, codes, sizes and timings: never a
// parameter value, record data, a key or a signature.
import { GatewayError } from '../errors/gateway-error.js';
import { TransportError, type TransportErrorReason } from '../errors/transport-error.js';
import { UnverifiedResponseError } from '../errors/unverified-response-error.js';
import { ZhimaError, type ZhimaErrorCode } from '../errors/zhima-error.js';

/**
 * The request header every attempt carries, as the official Node SDK sends it.
 *
 * @example
 * ```ts
 * const requestId = request.headers[REQUEST_ID_HEADER]; // 32 hex characters
 * ```
 */
export const REQUEST_ID_HEADER = 'alipay-request-id';
/**
 * The gateway's answer header that Alipay support looks a call up by.
 *
 * @example
 * ```ts
 * const traceId = response.headers[TRACE_ID_HEADER];
 * ```
 */
export const TRACE_ID_HEADER = 'trace_id';

/**
 * What an `onRequest` hook sees: one attempt, built and signed, about to be handed to the transport.
 *
 * @example
 * ```ts
 * const onRequest = (event: RequestEvent) => console.log(`${event.method} #${event.attempt} ${event.requestId}: ${event.requestBytes} bytes`);
 * ```
 */
export interface RequestEvent {
  method: string;
  /** From 1; every attempt is signed afresh. */
  attempt: number;
  /** The `alipay-request-id` header sent with this attempt: 32 hex characters, new for every attempt. */
  requestId: string;
  /** The request body's length in bytes. */
  requestBytes: number | undefined;
  /** The records the call uploads (the `records` param; 1 for a single upload), when it uploads any. */
  records: number | undefined;
  /** Milliseconds spent building and signing this attempt. */
  buildMs: number;
}

/**
 * What an `onResponse` hook sees: how one attempt ended — with an answer (`status`, and `code` /
 * `subCode` when it could be read) or without one (`errorCode` `TRANSPORT_ERROR`, `reason`).
 *
 * @example
 * ```ts
 * const onResponse = (event: ResponseEvent) => metrics.histogram('zhima.send_ms', event.durations.sendMs, { method: event.method, code: event.code ?? event.errorCode });
 * ```
 */
export interface ResponseEvent extends Omit<RequestEvent, 'buildMs'> {
  /** The gateway's `trace_id` answer header: what Alipay support asks for. */
  traceId: string | undefined;
  /** The HTTP status; `undefined` when no answer came (network failure, timeout, abort). */
  status: number | undefined;
  /** The gateway's `code` (`10000` on success) and `sub_code`, from an answer that could be read. */
  code: string | undefined;
  subCode: string | undefined;
  /** Whether the answer's signature checked out (`false`: an unsigned error answer). */
  verified: boolean | undefined;
  /** `undefined` on success; else the code of the error the attempt ended with. */
  errorCode: ZhimaErrorCode | 'UNKNOWN' | undefined;
  /** For `TRANSPORT_ERROR`. */
  reason: TransportErrorReason | undefined;
  /** The answer's length in bytes. */
  responseBytes: number | undefined;
  /** Milliseconds per phase: building and signing, the transport's send (upload, wait, download), verifying the answer. */
  durations: { buildMs: number; sendMs: number; verifyMs: number };
}

/**
 * A new request id: 32 lower-case hex characters from the runtime's CSPRNG, as the official Node SDK's
 * `randomUUID()` without dashes.
 */
export function newRequestId(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** @internal Milliseconds since `start` (a `performance.now()`), to the microsecond. */
export function since(start: number): number {
  return Math.round((performance.now() - start) * 1000) / 1000;
}

/**
 * @internal Puts the attempt's ids on a traced error (`GatewayError`, `TransportError`,
 * `UnverifiedResponseError`) that lacks them, such as a `TransportError` a transport threw.
 */
export function withTrace<E>(error: E, ids: { requestId: string; traceId?: string | undefined }): E {
  if (GatewayError.isInstance(error) || TransportError.isInstance(error) || UnverifiedResponseError.isInstance(error)) {
    const target = error as { requestId: string | undefined; traceId: string | undefined };
    target.requestId ??= ids.requestId;
    target.traceId ??= ids.traceId;
  }
  return error;
}

/** @internal The error code and transport reason an attempt ended with, for events and log lines. */
export function failureCodes(error: unknown): { errorCode: ZhimaErrorCode | 'UNKNOWN'; reason: TransportErrorReason | undefined } {
  if (!ZhimaError.isInstance(error)) return { errorCode: 'UNKNOWN', reason: undefined };
  return { errorCode: error.code, reason: TransportError.isInstance(error) ? error.reason : undefined };
}

/**
 * @internal A hook that cannot break a call: what it throws is dropped (reported on the log line when
 * logging is on), so an exporter's failure never turns an accepted upload into a failed call.
 */
export function guarded<E>(hook: ((event: E) => void) | undefined, name: string, log: ((line: string) => void) | undefined): ((event: E) => void) | undefined {
  if (hook === undefined) return undefined;
  return (event) => {
    try {
      hook(event);
    } catch (error) {
      log?.(`zhima hook=${name} threw=${error instanceof Error ? error.name : typeof error} (ignored)`);
    }
  };
}
