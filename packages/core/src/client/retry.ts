import { argumentError, requireObject } from '../errors/argument-checks.js';
import { GatewayError } from '../errors/gateway-error.js';
import { TransportError } from '../errors/transport-error.js';
import { ZhimaError } from '../errors/zhima-error.js';

/**
 * When to try a call again. Every attempt is built and signed afresh (new timestamp). Uploads are safe
 * to repeat: the gateway upserts records by primary key, so a re-sent file replaces, never doubles.
 *
 * Time limits, and who owns each:
 * - `deadlineMs` bounds the retry loop: no attempt starts and no backoff wait runs past it. It never
 *   cuts an attempt in flight, so a large upload over a slow link finishes however long it takes.
 * - A stalled attempt (nothing moves, upload or download) is ended by the transport's inactivity
 *   timeout (`timeoutMs` in `@zhima/transport`).
 * - The caller's `signal` is the hard bound: it aborts the attempt in flight and any wait.
 *
 * @example
 * ```ts
 * createClient({ ...config, retry: { attempts: 5, deadlineMs: 600_000, onAttempt: (event) => log.info(event) } });
 * // A hard bound for one call, whatever is in flight:
 * await client.batchFeedback(input, { signal: AbortSignal.timeout(30 * 60_000) });
 * ```
 */
export interface RetryOptions {
  /** Attempts in all, the first included. Default 3. */
  attempts?: number;
  /** The backoff base: attempt n waits a random time up to `min(maxDelayMs, baseDelayMs * 2^(n-1))`. Default 500. */
  baseDelayMs?: number;
  /** Default 10 000. */
  maxDelayMs?: number;
  /**
   * No new attempt starts, and no backoff wait runs, later than this after the call began; an attempt
   * in flight is never cut by it (a stalled one is ended by the transport's inactivity timeout). A
   * retryable failure that the deadline leaves no room to retry throws `TransportError` `TIMEOUT`,
   * naming `retry.deadlineMs`, with the failure as `cause`. `Infinity` retries for as long as
   * `attempts` allows. Default 120 000.
   */
  deadlineMs?: number;
  /**
   * Called after every attempt, with codes, ids and timings: no parameter values, record data, keys or
   * signatures. A hook that throws is ignored (it never changes the call's outcome).
   */
  onAttempt?: (event: AttemptEvent) => void;
}

/**
 * What an `onAttempt` hook sees, once per attempt. Holds codes, ids and timings only: never a parameter
 * value, record data, a key or a signature (`error.message` is a summary built from codes, never the
 * gateway's `sub_msg`, which may quote data).
 *
 * @example
 * ```ts
 * const onAttempt = (event: AttemptEvent) => console.log(`${event.method} #${event.attempt}: ${event.outcome}`, event.error?.code, event.traceId);
 * ```
 */
export interface AttemptEvent {
  method: string;
  attempt: number;
  /** `retry`: another attempt follows after `delayMs`. */
  outcome: 'success' | 'retry' | 'fail';
  /** Since the call began. */
  elapsedMs: number;
  delayMs?: number;
  /** The `alipay-request-id` sent with this attempt; `undefined` when it failed before a request was built. */
  requestId: string | undefined;
  /** The gateway's `trace_id` answer header, when an answer came with one. */
  traceId: string | undefined;
  error?: { code: string; message: string; reason?: string; subCode?: string };
}

/**
 * Whether another attempt can help: network failures and timeouts, HTTP 5xx/429, and the gateway's
 * transient answers (`20000`, `isp.unknow-error`, `READ_OPENAPIFILE_ERROR`). Never signature,
 * parameter or data errors, and never a caller's abort.
 *
 * @example
 * ```ts
 * isRetryable(new TransportError({ reason: 'RESET', message: 'socket hang up' })); // true
 * ```
 */
export function isRetryable(error: unknown): boolean {
  return (GatewayError.isInstance(error) || TransportError.isInstance(error)) && error.retryable;
}

/**
 * @internal An error as hooks and the retry deadline's message see it: codes and a summary built from
 * them, never the gateway's `sub_msg` (the gateway quotes data and sign content there) nor an HTTP
 * page's body.
 */
export function describeFailure(error: unknown): NonNullable<AttemptEvent['error']> {
  if (!ZhimaError.isInstance(error)) return { code: 'UNKNOWN', message: 'an error from outside the SDK' };
  switch (error.code) {
    case 'GATEWAY_ERROR':
      return { code: error.code, message: [error.gatewayCode, error.msg, error.subCode].filter(Boolean).join(' '), ...(error.subCode ? { subCode: error.subCode } : {}) };
    case 'TRANSPORT_ERROR':
      return { code: error.code, message: error.reason === 'HTTP_STATUS' ? `HTTP ${error.status}` : error.message, reason: error.reason };
    case 'RESPONSE_UNVERIFIED':
      return { code: error.code, message: `the answer cannot be trusted (${ZhimaError.isInstance(error.cause) ? error.cause.code : 'UNKNOWN'})` };
    default:
      return { code: error.code, message: error.option === undefined ? error.code : `${error.code} (${error.option})` };
  }
}

// The ids a traced error or result carries (the client sets them on every attempt's); the answer's
// status and codes are on the `onResponse` event of the same request id.
function traceOf(value: unknown): Pick<AttemptEvent, 'requestId' | 'traceId'> {
  const { requestId, traceId } = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  return {
    requestId: typeof requestId === 'string' ? requestId : undefined,
    traceId: typeof traceId === 'string' ? traceId : undefined,
  };
}

const RETRY_NUMBERS = { attempts: 'a whole number >= 1', baseDelayMs: 'milliseconds >= 0', maxDelayMs: 'milliseconds >= 0', deadlineMs: 'milliseconds >= 0 (Infinity for none)' } as const;

/**
 * @internal Checks `retry` options once, when the client is made, so a wrong one is `PARAM_INVALID`
 * naming the field, not a loop that never retries or a hook that throws mid-call.
 */
export function checkedRetryOptions(options: RetryOptions): RetryOptions {
  requireObject(options, 'retry');
  for (const [name, expected] of Object.entries(RETRY_NUMBERS) as [keyof typeof RETRY_NUMBERS, string][]) {
    const value = options[name];
    if (value === undefined) continue;
    // NaN fails every comparison; Infinity is a valid "no limit" for each of them.
    const valid = typeof value === 'number' && value >= (name === 'attempts' ? 1 : 0) && (name !== 'attempts' || Number.isSafeInteger(value) || value === Infinity);
    if (!valid) throw argumentError({ name: `retry.${name}`, expected, value });
  }
  if (options.onAttempt !== undefined && typeof options.onAttempt !== 'function') throw argumentError({ name: 'retry.onAttempt', expected: 'a function', value: options.onAttempt });
  return options;
}

/** @internal Runs `attempt` until it succeeds, fails for good, or the policy runs out. */
export async function runWithRetries<T>({
  method,
  options,
  replayable,
  signal,
  attempt,
  onAttempt,
}: {
  method: string;
  options: RetryOptions | false;
  replayable: boolean;
  /** The caller's signal: it ends waits here; the attempt passes it to the transport. */
  signal: AbortSignal | undefined;
  /** Attempt `n` (from 1); its result and errors carry the attempt's `requestId` and `traceId`. */
  attempt: (n: number) => Promise<T>;
  /** Called after every attempt (the client passes `retry.onAttempt`, guarded so it cannot throw). */
  onAttempt?: ((event: AttemptEvent) => void) | undefined;
}): Promise<T> {
  const { attempts = 3, baseDelayMs = 500, maxDelayMs = 10_000, deadlineMs = 120_000 } = options === false ? { attempts: 1 } : options;
  const maxAttempts = replayable ? Math.max(1, attempts) : 1;
  const started = Date.now();
  for (let n = 1; ; n++) {
    try {
      const result = await attempt(n);
      onAttempt?.({ method, attempt: n, outcome: 'success', elapsedMs: Date.now() - started, ...traceOf(result) });
      return result;
    } catch (caught) {
      const delayMs = Math.round(Math.random() * Math.min(maxDelayMs, baseDelayMs * 2 ** (n - 1)));
      const elapsedMs = Date.now() - started;
      const worthRetrying = n < maxAttempts && isRetryable(caught) && !signal?.aborted;
      const again = worthRetrying && elapsedMs + delayMs < deadlineMs;
      const error = worthRetrying && !again ? deadlineError({ method, attempt: n, maxAttempts, elapsedMs, deadlineMs, cause: caught }) : caught;
      onAttempt?.({ method, attempt: n, outcome: again ? 'retry' : 'fail', elapsedMs, ...traceOf(caught), error: describeFailure(error), ...(again ? { delayMs } : {}) });
      if (!again) throw error;
      await sleep(delayMs, signal);
    }
  }
}

// Says what to change: the failure had retries left, and only the deadline stopped them.
function deadlineError({ method, attempt, maxAttempts, elapsedMs, deadlineMs, cause }: { method: string; attempt: number; maxAttempts: number; elapsedMs: number; deadlineMs: number; cause: unknown }): TransportError {
  const failure = describeFailure(cause);
  const { requestId, traceId } = traceOf(cause);
  return new TransportError({
    reason: 'TIMEOUT',
    limit: { option: 'retry.deadlineMs', ms: deadlineMs },
    requestId,
    traceId,
    message:
      `${method}: attempt ${attempt} of ${maxAttempts} failed after ${elapsedMs} ms (${[failure.code, failure.reason, failure.subCode].filter(Boolean).join(' ')}: ${failure.message}), ` +
      `and retry.deadlineMs (${deadlineMs} ms) leaves no time for another attempt. Raise retry.deadlineMs to let the remaining attempts run; ` +
      'it never cuts a transfer in flight (a stalled one is ended by the transport\'s timeoutMs).',
    cause,
  });
}

// Resolves early when the caller aborts, so an abort never waits out a backoff; the attempt that
// follows sees the aborted signal and fails at once.
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
