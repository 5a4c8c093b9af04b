import { TransportError, ZhimaError, type FailureVerdict } from '@zhima/core';

/**
 * The settings a failure may point at, as the user set them.
 *
 * @example
 * ```ts
 * const settings: AdviceSettings = { gateway: 'https://openapi.alipay.com/gateway.do', timeoutMs: 60_000, answerTimeoutMs: undefined, retryDeadlineMs: 600_000, maxFileBytes: 52_428_800, certificateMode: false };
 * ```
 */
export interface AdviceSettings {
  gateway: string;
  /** The transport inactivity timeout in force (`--timeout`). */
  timeoutMs: number;
  /** `--answer-timeout`, when set. */
  answerTimeoutMs: number | undefined;
  retryDeadlineMs: number;
  maxFileBytes: number;
  certificateMode: boolean;
}

/** The gateway's documented per-file limit (the API page: file ≤ 52428800 bytes). */
export const GATEWAY_MAX_FILE_BYTES = 52_428_800;

const seconds = (ms: number) => `${Number((ms / 1000).toFixed(3))} s`;

/**
 * What the CLI says about a failed part beyond the library's hint, naming the flag to change:
 * `--timeout` for a transfer where nothing moved, `--retry-deadline` when the deadline left no room
 * for the remaining attempts, the gateway URL for HTTP 404, `--max-file-bytes` for HTTP 413, and the
 * Alipay public key (or certificate) for an answer that could not be verified. `undefined` keeps the
 * error's own message and hint.
 *
 * @example
 * ```ts
 * const advice = adviseFailure({ error, verdict: classifyFailure({ error }), fileName: 'day.json', settings });
 * io.stderr.write(formatError(error, advice ?? {}));
 * ```
 */
export function adviseFailure({
  error,
  verdict,
  fileName,
  settings,
}: {
  error: unknown;
  verdict: FailureVerdict;
  fileName: string;
  settings: AdviceSettings;
}): { message?: string; hint: string } | undefined {
  if (verdict.outcome === 'unverified') {
    const key = settings.certificateMode
      ? 'that --alipay-cert-file (ZHIMA_ALIPAY_CERT_FILE, "alipayCertFile") is the current alipayCertPublicKey_RSA2.crt of this app'
      : 'that the Alipay public key (--alipay-public-key-file, ZHIMA_ALIPAY_PUBLIC_KEY_FILE, "alipayPublicKeyFile") is the 支付宝公钥 shown in the console for this app and environment, not your app public key';
    return {
      hint:
        `网关可能已收下 ${fileName} / The gateway may have accepted ${fileName}: its answer arrived but could not be verified. Check ${key}, ` +
        'and that --request-charset and --sign-type match the app. The journal marks the part "unverified": the next run sends it again, ' +
        'which is safe (the gateway upserts records by primary key).',
    };
  }
  if (!TransportError.isInstance(error)) return undefined;
  if (error.reason === 'TIMEOUT' && ZhimaError.isInstance(error.cause)) {
    // The retry loop's deadline error wraps the attempt's failure; an inactivity timeout wraps a network error.
    const cause = error.cause;
    return {
      message: `The retry deadline (--retry-deadline ${seconds(settings.retryDeadlineMs)}) left no time for another attempt after: ${cause.code}: ${cause.message}`,
      hint: 'Raise --retry-deadline (or "retryDeadlineSeconds" in zhima.config.json) to let the remaining attempts run; it never cuts an upload in flight.',
    };
  }
  // The transport names headersTimeoutMs when the wait for the answer, not a stalled transfer, ran out.
  if (error.reason === 'TIMEOUT' && /\bheadersTimeoutMs\b/.test(error.message)) {
    const limit = settings.answerTimeoutMs === undefined ? 'the default' : `--answer-timeout ${seconds(settings.answerTimeoutMs)}`;
    return {
      hint:
        `The whole part was handed to the network and no answer came within ${limit}. If the gateway or a proxy is known to take longer, raise --answer-timeout ` +
        '(or "answerTimeoutSeconds" in zhima.config.json). Otherwise check the network, proxy and gateway.',
    };
  }
  if (error.reason === 'TIMEOUT') {
    return {
      hint:
        `Nothing moved for --timeout ${seconds(settings.timeoutMs)}. On a slow but working link, raise --timeout (or "timeoutSeconds" in zhima.config.json): ` +
        'it counts silence, not the length of the upload. Otherwise check the network, proxy and gateway.',
    };
  }
  if (error.reason === 'HTTP_STATUS' && error.status === 404) {
    return { hint: `Nothing answers at ${settings.gateway}: check the gateway URL (--gateway, ZHIMA_GATEWAY, "gateway"). Alipay's is https://openapi.alipay.com/gateway.do.` };
  }
  if (error.reason === 'HTTP_STATUS' && error.status === 413) {
    return {
      hint:
        `The server refused ${fileName} as too large. The gateway takes files up to ${GATEWAY_MAX_FILE_BYTES} bytes (50 MiB); this run splits at --max-file-bytes ${settings.maxFileBytes}. ` +
        'A proxy in between may allow less: lower --max-file-bytes below its limit.',
    };
  }
  return undefined;
}
