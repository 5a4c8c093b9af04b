/**
 * A request as plain data: what goes on the wire, nothing else. Build one with `client.buildRequest`
 * and send it with any {@link Transport}.
 *
 * @example
 * ```ts
 * const request: HttpRequest = { method: 'POST', url: 'https://openapi.alipay.com/gateway.do?…', headers: {}, body: new Uint8Array() };
 * ```
 */
export interface HttpRequest {
  method: 'GET' | 'POST';
  url: string;
  /** Lower-case header names. `content-length` is set whenever the body length is known. */
  headers: Record<string, string>;
  /** Bytes, or a stream for large uploads (its exact length is in `content-length`). */
  body?: Uint8Array | ReadableStream<Uint8Array>;
}

/**
 * A response as plain data. The body stays raw bytes: the gateway signature covers the exact text.
 *
 * @example
 * ```ts
 * const response: HttpResponse = { status: 200, headers: { 'content-type': 'text/html;charset=utf-8' }, body: bytes };
 * ```
 */
export interface HttpResponse {
  status: number;
  /** Lower-case header names. */
  headers: Record<string, string>;
  body: Uint8Array;
}

/**
 * Upload progress, reported by transports that can see bytes leave.
 *
 * @example
 * ```ts
 * const onUploadProgress = ({ sentBytes, totalBytes }: UploadProgress) => console.log(sentBytes / (totalBytes ?? 1));
 * ```
 */
export interface UploadProgress {
  sentBytes: number;
  totalBytes: number | undefined;
}

/**
 * Per-request options a transport honours.
 *
 * @example
 * ```ts
 * await transport.send(request, { signal: AbortSignal.timeout(30_000), maxResponseBytes: 64 * 1024 });
 * ```
 */
export interface TransportSendOptions {
  signal?: AbortSignal;
  onUploadProgress?: (progress: UploadProgress) => void;
  /**
   * The largest answer body to accept, in bytes, overriding the transport's own cap (1 MiB by default
   * in the built-in transports; `Infinity` for none). A larger answer is not read past the cap: the send
   * throws `ZhimaError` `RESPONSE_MALFORMED` ("answer over N bytes"). The client sets it on every call
   * from its own `maxResponseBytes`.
   */
  maxResponseBytes?: number;
}

/**
 * Sends one {@link HttpRequest} and returns the whole {@link HttpResponse}, whatever its status. It throws
 * a `TransportError` only when no HTTP answer arrived (network, timeout, abort), and `ZhimaError`
 * `RESPONSE_MALFORMED` for an answer over its cap (`maxResponseBytes`).
 *
 * @example
 * ```ts
 * const logging: Transport = {
 *   async send(request, options) {
 *     console.log(request.method, request.url.split('?')[0]);
 *     return inner.send(request, options);
 *   },
 * };
 * ```
 */
export interface Transport {
  send(request: HttpRequest, options?: TransportSendOptions): Promise<HttpResponse>;
}
