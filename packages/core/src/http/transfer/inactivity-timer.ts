/**
 * The timer behind every transport's `timeoutMs`: an abort signal that fires when the caller's signal
 * fires, or when nothing has moved for `timeoutMs` (`0` or `Infinity`: never). Each `touch()` — an
 * upload chunk taken, the answer's headers, an answer chunk — starts the quiet period again, so a
 * transfer that keeps moving is never cut however long it takes; `touch(ms)` starts a quiet period of
 * another length (the wait for an answer, `headersTimeoutMs`). A total deadline belongs to the
 * caller's `signal`.
 *
 * @example
 * ```ts
 * const quiet = startInactivityTimer({ timeoutMs: 60_000, signal });
 * try {
 *   const response = await fetch(url, { signal: quiet.signal });
 *   quiet.touch();
 * } finally {
 *   quiet.stop();
 * }
 * ```
 */
export function startInactivityTimer({ timeoutMs, signal, armed = true }: InactivityTimerOptions): InactivityTimer {
  const controller = new AbortController();
  let timedOut = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const forwardAbort = () => controller.abort(signal?.reason);
  signal?.addEventListener('abort', forwardAbort, { once: true });

  const rest = () => clearTimeout(timer);
  const touch = (quietMs = timeoutMs) => {
    if (controller.signal.aborted) return;
    clearTimeout(timer);
    if (!(Number.isFinite(quietMs) && quietMs > 0)) return;
    // Timers fire at once past 2^31 - 1 ms; that long (24.8 days) is as good as never.
    timer = setTimeout(
      () => {
        timedOut = true;
        controller.abort(new DOMException(`nothing moved for ${quietMs} ms`, 'TimeoutError'));
      },
      Math.min(quietMs, 2 ** 31 - 1),
    );
  };
  if (armed) touch();

  return {
    signal: controller.signal,
    touch,
    rest,
    get timedOut() {
      return timedOut;
    },
    stop() {
      rest();
      signal?.removeEventListener('abort', forwardAbort);
    },
  };
}

/**
 * Options for {@link startInactivityTimer}.
 *
 * @example
 * ```ts
 * const options: InactivityTimerOptions = { timeoutMs: 60_000, signal: AbortSignal.timeout(600_000), armed: false };
 * ```
 */
export interface InactivityTimerOptions {
  timeoutMs: number;
  /** The caller's signal, forwarded. */
  signal?: AbortSignal | undefined;
  /** Start counting now (default), or only from the first `touch()`. */
  armed?: boolean;
}

/**
 * What {@link startInactivityTimer} returns.
 *
 * @example
 * ```ts
 * const quiet: InactivityTimer = startInactivityTimer({ timeoutMs: 30_000 });
 * quiet.stop();
 * ```
 */
export interface InactivityTimer {
  /** Aborts on the caller's abort (with its reason) or on inactivity (a `TimeoutError`). */
  readonly signal: AbortSignal;
  /**
   * Something moved: count the quiet period from now — `timeoutMs`, or `quietMs` when given (the
   * longer wait for an answer once the request is handed over); `0` or `Infinity`: no limit until the
   * next `touch()`.
   */
  touch(quietMs?: number): void;
  /** Stop counting until the next `touch()` (while another timer is in charge). */
  rest(): void;
  /** Whether this timer, not the caller, aborted. */
  readonly timedOut: boolean;
  /** Clears the timer and lets go of the caller's signal. */
  stop(): void;
}
