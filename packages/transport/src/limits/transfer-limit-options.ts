/**
 * The limits every Node transport in this package takes, with one meaning whatever carries the bytes
 * (`createUndiciTransport`, `createNodeHttpTransport`).
 *
 * @example
 * ```ts
 * const limits: TransferLimitOptions = { timeoutMs: 30_000, headersTimeoutMs: 300_000, maxResponseBytes: 256 * 1024 };
 * ```
 */
export interface TransferLimitOptions {
  /**
   * Give up when bytes visibly stop moving for this long: no upload chunk taken by the socket, no
   * answer body chunk (see `bodyTimeoutMs`). A transfer that keeps moving is never cut, however long it
   * takes; a total deadline is the caller's `signal`. Default 60 000 ms; `0` turns it off.
   */
  timeoutMs?: number;
  /**
   * How long the server may take to answer once the whole request is handed to the socket (the wait
   * for the answer's headers). That wait also gets time for the request bytes that may still be on
   * their way — handed over is not delivered: the OS takes several MiB of an upload at once, which a
   * slow link then drains for minutes — at 1 s per 32 KiB of the last 8 MiB. Default: 120 000 ms, or
   * `timeoutMs` when longer (lowering `timeoutMs` does not shorten it); `0` turns it off.
   */
  headersTimeoutMs?: number;
  /** Longest gap between response body chunks. Default: `timeoutMs`. */
  bodyTimeoutMs?: number;
  /**
   * Stop reading an answer larger than this many bytes: the read is cut (nothing past the cap is
   * held) and the send throws `ZhimaError` `RESPONSE_MALFORMED` ("answer over N bytes"). Default
   * 1 MiB; `Infinity` for no cap. `TransportSendOptions.maxResponseBytes` overrides it per request.
   */
  maxResponseBytes?: number;
}
