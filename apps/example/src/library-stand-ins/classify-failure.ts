// STAND-IN for `classifyFailure` from @zhima/core (issue 11: "the policy 'what to do when one part fails'
// lives in one library place"). Same name and shape as the coming library call: when @zhima/core exports
// it, delete this file and import `classifyFailure` from '@zhima/core' in src/job/daily-job.ts.
import { GatewayError, TransportError, ZhimaError } from '@zhima/core';

/**
 * How a failed upload ended, and what the run does about it.
 * `refused`: the gateway answered no. `unverified`: an answer arrived but could not be verified (it may be
 * a success: the records are not marked reported). `not-answered`: sent, no usable answer (may have been
 * accepted). `not-sent`: never reached the gateway.
 *
 * @example
 * ```ts
 * const failure: FailureClass = { outcome: 'refused', stopsRun: false, laterRunMaySucceed: false };
 * ```
 */
export interface FailureClass {
  outcome: 'refused' | 'unverified' | 'not-answered' | 'not-sent';
  /** Stop sending the remaining parts: they would fail the same way (keys, gateway down, forged answers). */
  stopsRun: boolean;
  /** A later run with the same data may succeed (transient failures); otherwise the data or config needs a fix. */
  laterRunMaySucceed: boolean;
}

// Answers that every part of the run will get: wrong keys, app, permission, clock.
const FOR_EVERY_PART = new Set(['isv.invalid-signature', 'isv.invalid-timestamp', 'isv.missing-app-id', 'isv.invalid-app-id', '20001', '40006']);

/**
 * Classifies an error thrown by an upload (after the client's own retries).
 *
 * @example
 * ```ts
 * const { outcome, stopsRun } = classifyFailure({ error });
 * ```
 */
export function classifyFailure({ error }: { error: unknown }): FailureClass {
  if (GatewayError.isInstance(error)) {
    const everyPart = FOR_EVERY_PART.has(error.subCode ?? '') || FOR_EVERY_PART.has(error.gatewayCode);
    return { outcome: 'refused', stopsRun: everyPart || error.retryable, laterRunMaySucceed: error.retryable };
  }
  if (TransportError.isInstance(error)) {
    if (error.reason === 'HTTP_STATUS' && !error.retryable) return { outcome: 'refused', stopsRun: false, laterRunMaySucceed: false };
    const neverLeft = error.reason === 'CONNECT' || error.reason === 'DNS' || error.reason === 'TLS';
    return { outcome: neverLeft ? 'not-sent' : 'not-answered', stopsRun: true, laterRunMaySucceed: error.retryable };
  }
  if (ZhimaError.isInstance(error, 'SIGNATURE_INVALID') || ZhimaError.isInstance(error, 'RESPONSE_MALFORMED')) {
    return { outcome: 'unverified', stopsRun: true, laterRunMaySucceed: false };
  }
  if (ZhimaError.isInstance(error)) return { outcome: 'not-sent', stopsRun: true, laterRunMaySucceed: false };
  throw error;
}
