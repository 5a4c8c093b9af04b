import { DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT_MS, checkedResponseLimit, checkedTimeout, type StallLimit } from '@zhima/core/internal';
import type { TransferLimitOptions } from './transfer-limit-options.js';

/** {@link TransferLimitOptions} checked, with their defaults in place. */
export interface TransferLimits {
  timeoutMs: number;
  headersTimeoutMs: number | undefined;
  /** The gap allowed between answer chunks, named as the caller set it (for the message when it cuts a request). */
  bodyLimit: StallLimit;
  /** The answer cap a request has unless it sets its own. */
  transportLimit: number;
}

/**
 * Checks a Node adapter's limits once, when the transport is made, so a bad value fails there with its
 * option's name rather than on the first send.
 *
 * @example
 * ```ts
 * const { timeoutMs, bodyLimit } = checkedTransferLimits({ timeoutMs: 30_000 }); // bodyLimit: { option: 'timeoutMs', ms: 30000 }
 * ```
 */
export function checkedTransferLimits({
  timeoutMs = DEFAULT_TIMEOUT_MS,
  headersTimeoutMs,
  bodyTimeoutMs,
  maxResponseBytes = DEFAULT_MAX_RESPONSE_BYTES,
}: TransferLimitOptions): TransferLimits {
  checkedTimeout({ option: 'timeoutMs', value: timeoutMs });
  if (headersTimeoutMs !== undefined) checkedTimeout({ option: 'headersTimeoutMs', value: headersTimeoutMs });
  const bodyLimit: StallLimit =
    bodyTimeoutMs === undefined ? { option: 'timeoutMs', ms: timeoutMs } : { option: 'bodyTimeoutMs', ms: checkedTimeout({ option: 'bodyTimeoutMs', value: bodyTimeoutMs }) };
  return { timeoutMs, headersTimeoutMs, bodyLimit, transportLimit: checkedResponseLimit({ value: maxResponseBytes }) };
}
