/**
 * An abort signal that fires when the caller's signal fires, or when nothing has moved for
 * `timeoutMs`: no upload chunk, no response headers, no response body chunk. A total deadline belongs
 * to the caller (the client's retry policy); this catches a connection that has gone quiet.
 *
 * @example
 * ```ts
 * const silence = startSilenceTimer({ timeoutMs: 30_000, signal });
 * try {
 *   await fetch(url, { signal: silence.signal });
 *   silence.touch();
 * } finally {
 *   silence.stop();
 * }
 * ```
 */
export function startSilenceTimer({ timeoutMs, signal }: { timeoutMs: number; signal: AbortSignal | undefined }) {
  const controller = new AbortController();
  let timedOut = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const enabled = Number.isFinite(timeoutMs) && timeoutMs > 0;
  const forwardAbort = () => controller.abort(signal?.reason);
  signal?.addEventListener('abort', forwardAbort, { once: true });

  const touch = () => {
    if (!enabled || controller.signal.aborted) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new DOMException(`no progress for ${timeoutMs} ms`, 'TimeoutError'));
    }, timeoutMs);
  };
  touch();

  return {
    signal: controller.signal,
    touch,
    get timedOut() {
      return timedOut;
    },
    stop() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', forwardAbort);
    },
  };
}
