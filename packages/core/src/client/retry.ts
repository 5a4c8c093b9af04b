import { GatewayError } from '../errors/gateway-error.js';
import { TransportError } from '../errors/transport-error.js';
import { ZhimaError } from '../errors/zhima-error.js';

/**
 * When to try a call again. Every attempt is built and signed afresh (new timestamp). Uploads are safe
 * to repeat: the gateway upserts records by primary key, so a re-sent file replaces, never doubles.
 *
 * @example
 * ```ts
 * createClient({ ...config, retry: { attempts: 5, deadlineMs: 120_000, onAttempt: (event) => log.info(event) } });
 * ```
 */
export interface RetryOptions {
  /** Attempts in all, the first included. Default 3. */
  attempts?: number;
  /** The backoff base: attempt n waits a random time up to `min(maxDelayMs, baseDelayMs * 2^(n-1))`. Default 500. */
  baseDelayMs?: number;
  /** Default 10 000. */
  maxDelayMs?: number;
  /** Time budget for all attempts and waits together; an attempt still running then is aborted. Default 120 000. */
  deadlineMs?: number;
  /** Called after every attempt. Holds no keys, tokens or signatures. */
  onAttempt?: (event: AttemptEvent) => void;
}

/**
 * What an `onAttempt` hook sees.
 *
 * @example
 * ```ts
 * const onAttempt = (event: AttemptEvent) => console.log(`${event.method} #${event.attempt}: ${event.outcome}`, event.error?.code);
 * ```
 */
export interface AttemptEvent {
  method: string;
  attempt: number;
  /** `retry`: another attempt follows after `delayMs`. */
  outcome: 'success' | 'retry' | 'fail';
  elapsedMs: number;
  delayMs?: number;
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

function describe(error: unknown): AttemptEvent['error'] {
  if (!ZhimaError.isInstance(error)) return { code: 'UNKNOWN', message: String(error) };
  return {
    code: error.code,
    message: error.message,
    ...(TransportError.isInstance(error) ? { reason: error.reason } : {}),
    ...(GatewayError.isInstance(error) && error.subCode ? { subCode: error.subCode } : {}),
  };
}

/** @internal Runs `attempt` until it succeeds, fails for good, or the policy runs out. */
export async function runWithRetries<T>({
  method,
  options,
  replayable,
  signal,
  attempt,
}: {
  method: string;
  options: RetryOptions | false;
  replayable: boolean;
  signal: AbortSignal | undefined;
  attempt: (signal: AbortSignal) => Promise<T>;
}): Promise<T> {
  const { attempts = 3, baseDelayMs = 500, maxDelayMs = 10_000, deadlineMs = 120_000, onAttempt } = options === false ? { attempts: 1 } : options;
  const maxAttempts = replayable ? Math.max(1, attempts) : 1;
  const started = Date.now();
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), deadlineMs);
  const combined = signal ? AbortSignal.any([signal, deadline.signal]) : deadline.signal;
  try {
    for (let n = 1; ; n++) {
      try {
        const result = await attempt(combined);
        onAttempt?.({ method, attempt: n, outcome: 'success', elapsedMs: Date.now() - started });
        return result;
      } catch (caught) {
        const error =
          deadline.signal.aborted && !signal?.aborted
            ? new TransportError({ reason: 'TIMEOUT', message: `${method}: no success within the ${deadlineMs} ms retry deadline.`, cause: caught })
            : caught;
        const delayMs = Math.round(Math.random() * Math.min(maxDelayMs, baseDelayMs * 2 ** (n - 1)));
        const again = n < maxAttempts && isRetryable(error) && !combined.aborted && Date.now() - started + delayMs < deadlineMs;
        onAttempt?.({ method, attempt: n, outcome: again ? 'retry' : 'fail', elapsedMs: Date.now() - started, error: describe(error), ...(again ? { delayMs } : {}) });
        if (!again) throw error;
        await sleep(delayMs, combined);
      }
    }
  } finally {
    clearTimeout(timer);
  }
}

// Resolves early when the signal fires, so an abort or the deadline never waits out a backoff; the
// attempt that follows sees the aborted signal and fails at once.
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
