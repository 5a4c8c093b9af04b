import { TransportError, type TimeoutLimit, type TransportErrorReason } from '../../errors/transport-error.js';
import type { HttpRequest } from '../types.js';
import { describeStall, type StallLimit, type TransferProgress } from './transfer-progress.js';

// Error codes from Node's net/dns/tls layers and from undici, by what they mean for the caller.
const REASON_BY_CODE: Readonly<Record<string, TransportErrorReason>> = {
  ECONNREFUSED: 'CONNECT',
  EHOSTUNREACH: 'CONNECT',
  EHOSTDOWN: 'CONNECT',
  ENETUNREACH: 'CONNECT',
  ENETDOWN: 'CONNECT',
  EADDRNOTAVAIL: 'CONNECT',
  ECONNRESET: 'RESET',
  ECONNABORTED: 'RESET',
  EPIPE: 'RESET',
  UND_ERR_SOCKET: 'RESET',
  ENOTFOUND: 'DNS',
  EAI_AGAIN: 'DNS',
  EAI_NONAME: 'DNS',
  EAI_FAIL: 'DNS',
  ETIMEDOUT: 'TIMEOUT',
  UND_ERR_CONNECT_TIMEOUT: 'TIMEOUT',
  UND_ERR_HEADERS_TIMEOUT: 'TIMEOUT',
  UND_ERR_BODY_TIMEOUT: 'TIMEOUT',
  UND_ERR_ABORTED: 'ABORTED',
  UND_ERR_ABORT: 'ABORTED',
  ABORT_ERR: 'ABORTED',
  UND_ERR_PRX_TLS: 'TLS',
};

// OpenSSL and Node name certificate and handshake failures in many ways; these patterns cover them.
const TLS_CODE = /^(ERR_TLS_|ERR_SSL_)|CERT|UNABLE_TO_VERIFY|^EPROTO$/;

const REASON_BY_NAME: Readonly<Record<string, TransportErrorReason>> = {
  AbortError: 'ABORTED',
  TimeoutError: 'TIMEOUT',
};

function reasonOf(error: unknown): TransportErrorReason | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, name, message } = error as { code?: unknown; name?: unknown; message?: unknown };
  // undici's fetch with redirect: 'error' met a 3xx: an HTTP answer, just not one it may return.
  if (message === 'unexpected redirect') return 'HTTP_STATUS';
  if (typeof code === 'string') {
    const byCode = REASON_BY_CODE[code] ?? (TLS_CODE.test(code) ? 'TLS' : undefined);
    if (byCode) return byCode;
  }
  return typeof name === 'string' ? REASON_BY_NAME[name] : undefined;
}

/**
 * The errors that explain a failure, outermost first: the `cause` chain, and the first member of an
 * `AggregateError` (Node's happy-eyeballs connect reports one per address tried).
 */
function* explanations(error: unknown): Generator<unknown> {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (typeof current === 'object' && current !== null && !seen.has(current)) {
    seen.add(current);
    yield current;
    const { cause, errors } = current as { cause?: unknown; errors?: unknown };
    current = cause ?? (Array.isArray(errors) ? errors[0] : undefined);
  }
}

/**
 * fetch hides every network failure behind `TypeError: fetch failed` (or `terminated` mid-body); the
 * useful error is its `cause`.
 */
function unwrapFetchFailure(error: unknown): unknown {
  const isGenericWrapper =
    error instanceof TypeError && (error.message === 'fetch failed' || error.message === 'terminated') && error.cause !== undefined;
  return isGenericWrapper ? error.cause : error;
}

/**
 * A failed request: what was thrown, and what the caller knew when it happened.
 *
 * @example
 * ```ts
 * const context: FailureContext = { error, request, signal, stall: { progress, limit: { option: 'timeoutMs', ms: 60_000 } } };
 * ```
 */
export interface FailureContext {
  /** Whatever the fetch or undici call threw. */
  error: unknown;
  request: Pick<HttpRequest, 'method' | 'url'>;
  /** The caller's signal: when it has fired, its reason decides between `ABORTED` and `TIMEOUT`. */
  signal?: AbortSignal | undefined;
  /** Set when one of the transport's own inactivity limits cut the request: how far it got, and which limit. */
  stall?: { progress: TransferProgress; limit: StallLimit } | undefined;
}

/**
 * Turns whatever a fetch or undici call threw into a `TransportError` with a stable `reason`; the error
 * that explains the failure becomes its `cause`. An inactivity cut (`stall`) is `TIMEOUT` with a message
 * saying what stalled, how far it got and which option to raise, and that option and its value as
 * `limit` (and `option`). URLs lose their query: it carries the
 * signed parameters.
 *
 * @example
 * ```ts
 * try {
 *   return await fetch(request.url, init);
 * } catch (error) {
 *   throw toTransportError({ error, request, signal });
 * }
 * ```
 */
export function toTransportError({ error, request, signal, stall }: FailureContext): TransportError {
  if (TransportError.isInstance(error)) return error;
  const cause = unwrapFetchFailure(error);
  const target = `${request.method} ${request.url.split('?')[0]}`;
  if (stall !== undefined) {
    // The transports name their own options (timeoutMs, headersTimeoutMs, bodyTimeoutMs).
    const limit: TimeoutLimit = { option: stall.limit.option as TimeoutLimit['option'], ms: stall.limit.ms };
    return new TransportError({ reason: 'TIMEOUT', message: `${target}: ${describeStall(stall)}`, limit, cause });
  }
  if (signal?.aborted) {
    const reason = reasonOf(signal.reason) === 'TIMEOUT' ? 'TIMEOUT' : 'ABORTED';
    return new TransportError({ reason, message: `${target}: aborted by the caller's signal`, cause: signal.reason ?? cause });
  }
  let reason: TransportErrorReason = 'UNKNOWN';
  for (const candidate of explanations(cause)) {
    const found = reasonOf(candidate);
    if (found) {
      reason = found;
      break;
    }
  }
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new TransportError({ reason, message: `${target}: ${detail}`, cause });
}
