import { PRODUCTION_GATEWAY, TransportError, ZhimaError, type FailureVerdict } from '@zhima/core';
import { cliNameOf, cliSettingOf, describeSetting } from '../config/library-options.js';

/**
 * The settings a failure may point at, as the user set them.
 *
 * @example
 * ```ts
 * const settings: AdviceSettings = { gateway: 'https://openapi.alipay.com/gateway.do', answerTimeoutMs: undefined, maxFileBytes: 52_428_800, certificateMode: false };
 * ```
 */
export interface AdviceSettings {
  gateway: string;
  /** `--answer-timeout`, when set (else the transport's own rule decided the limit). */
  answerTimeoutMs: number | undefined;
  maxFileBytes: number;
  certificateMode: boolean;
}

/** The gateway's documented per-file limit (the API page: file ≤ 52428800 bytes). */
export const GATEWAY_MAX_FILE_BYTES = 52_428_800;

const seconds = (ms: number) => `${Number((ms / 1000).toFixed(3))} s`;

// "--retry-deadline (or "retryDeadlineSeconds" in zhima.config.json)", from the one option table.
function raise(option: string): string {
  const setting = cliSettingOf({ option });
  return `${setting?.flag ?? option}${setting?.config === undefined ? '' : ` (or "${setting.config}" in zhima.config.json)`}`;
}

/**
 * What the CLI says about a failed part beyond the library's hint, from the error's structured fields
 * and naming the setting to change: the limit that ended a timeout (`error.limit.option`: `--timeout`
 * for a transfer where nothing moved, `--answer-timeout` for the wait for the answer, `--retry-deadline`
 * when the deadline left no room for the remaining attempts), the gateway URL for HTTP 404 (`option`
 * `gateway`), `--max-file-bytes` for HTTP 413, and the Alipay public key (or certificate) for an answer
 * that could not be verified. `undefined` keeps the error's own message and hint.
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
      ? `that ${describeSetting({ option: 'certificates.alipayCertificate' })} is the current alipayCertPublicKey_RSA2.crt of this app`
      : `that the Alipay public key (${describeSetting({ option: 'alipayPublicKey' })}) is the 支付宝公钥 shown in the console for this app and environment, not your app public key`;
    return {
      hint:
        `网关可能已收下 ${fileName} / The gateway may have accepted ${fileName}: its answer arrived but could not be verified. Check ${key}, ` +
        `and that ${cliNameOf({ option: 'charset' })} and ${cliNameOf({ option: 'signType' })} match the app. The journal marks the part "unverified": the next run sends it again, ` +
        'which is safe (the gateway upserts records by primary key).',
    };
  }
  if (!TransportError.isInstance(error)) return undefined;
  const limit = error.limit;
  if (limit?.option === 'retry.deadlineMs') {
    // The retry loop's deadline error wraps the failure of the attempt before it.
    const cause = ZhimaError.isInstance(error.cause) ? `${error.cause.code}: ${error.cause.message}` : 'the last attempt';
    return {
      message: `The retry deadline (${cliNameOf({ option: limit.option })} ${seconds(limit.ms)}) left no time for another attempt after: ${cause}`,
      hint: `Raise ${raise(limit.option)} to let the remaining attempts run; it never cuts an upload in flight.`,
    };
  }
  if (limit?.option === 'headersTimeoutMs') {
    const within = settings.answerTimeoutMs === undefined ? `the default (${seconds(limit.ms)})` : `${cliNameOf({ option: limit.option })} ${seconds(limit.ms)}`;
    return {
      hint:
        `The whole part was handed to the network and no answer came within ${within}. If the gateway or a proxy is known to take longer, raise ${raise(limit.option)}. ` +
        'Otherwise check the network, proxy and gateway.',
    };
  }
  if (limit !== undefined) {
    return {
      hint:
        `Nothing moved for ${cliNameOf({ option: limit.option })} ${seconds(limit.ms)}. On a slow but working link, raise ${raise(limit.option)}: ` +
        'it counts silence, not the length of the upload. Otherwise check the network, proxy and gateway.',
    };
  }
  if (error.option === 'gateway') {
    return { hint: `Nothing answers at ${settings.gateway}: check the gateway URL (${describeSetting({ option: 'gateway' })}). Alipay's is ${PRODUCTION_GATEWAY}.` };
  }
  if (error.reason === 'HTTP_STATUS' && error.status === 413) {
    return {
      hint:
        `The server refused ${fileName} as too large. The gateway takes files up to ${GATEWAY_MAX_FILE_BYTES} bytes (50 MiB); this run splits at ${cliNameOf({ option: 'maxFileBytes' })} ${settings.maxFileBytes}. ` +
        `A proxy in between may allow less: lower ${cliNameOf({ option: 'maxFileBytes' })} below its limit.`,
    };
  }
  return undefined;
}
