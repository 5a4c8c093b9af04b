import { kindOf } from '../errors/argument-checks.js';
import { ZhimaError, type ZhimaErrorCode } from '../errors/zhima-error.js';

/**
 * What happened to the data of a call that failed:
 * - `refused`: the gateway answered no (a `GatewayError`); nothing was stored.
 * - `unverified`: an answer came but cannot be trusted (`RESPONSE_UNVERIFIED`): the gateway **may have
 *   stored** the data. Record it as unverified, neither sent nor failed.
 * - `not-answered`: no usable answer (network, timeout, abort, HTTP status). Whether the data arrived
 *   is unknown; re-sending is safe because the gateway upserts records by primary key.
 * - `not-sent`: refused locally before sending (`PARAM_INVALID`, `KEY_INVALID`, …).
 *
 * @example
 * ```ts
 * const outcome: FailureOutcome = classifyFailure({ error }).outcome;
 * ```
 */
export type FailureOutcome = 'refused' | 'unverified' | 'not-answered' | 'not-sent';

/**
 * Whom a failure concerns: `part`, only the data of this call (go on with the next file); `run`, every
 * following call would fail the same way (stop the job).
 *
 * @example
 * ```ts
 * if (classifyFailure({ error }).scope === 'run') break;
 * ```
 */
export type FailureScope = 'part' | 'run';

/**
 * The failure policy's verdict on one error: see {@link classifyFailure}.
 *
 * @example
 * ```ts
 * const verdict: FailureVerdict = { outcome: 'refused', scope: 'part', laterRunMaySucceed: false, code: 'GATEWAY_ERROR' };
 * ```
 */
export interface FailureVerdict {
  outcome: FailureOutcome;
  scope: FailureScope;
  /** Whether running the same job again later, with nothing changed, may succeed (the failure was transient). */
  laterRunMaySucceed: boolean;
  /** The error's stable code; `UNKNOWN` for an error from outside the SDK. */
  code: ZhimaErrorCode | 'UNKNOWN';
}

// Typed by the codes the switch below leaves over, so a new code cannot be added without a verdict.
const LOCAL: Record<Exclude<ZhimaErrorCode, 'GATEWAY_ERROR' | 'TRANSPORT_ERROR' | 'RESPONSE_UNVERIFIED' | 'SIGNATURE_INVALID' | 'RESPONSE_MALFORMED'>, FailureScope> = {
  // Parameters belong to this call (its file, its record count); keys, certificates and charsets to every call.
  PARAM_INVALID: 'part',
  KEY_INVALID: 'run',
  CERTIFICATE_INVALID: 'run',
  CHARSET_UNSUPPORTED: 'run',
  DEPENDENCY_MISSING: 'run',
};

/**
 * The one home of the upload-failure policy, for any error a client call can throw: what happened to
 * the data, whether it concerns only this part or every following one, and whether a later run may
 * succeed unchanged. Pure; the nightly job and the CLI decide with it.
 *
 * | error | outcome | scope | later run may succeed |
 * | --- | --- | --- | --- |
 * | `GatewayError` `40004` (this file's data, e.g. `INVALID_PARAMETER`) | `refused` | `part` | no |
 * | `GatewayError` retryable (`20000`, `READ_OPENAPIFILE_ERROR`), retries spent | `refused` | `run` | yes |
 * | other `GatewayError` (signature, app id, permission, timestamp) | `refused` | `run` | no |
 * | `RESPONSE_UNVERIFIED` (also a bare `SIGNATURE_INVALID` / `RESPONSE_MALFORMED`) | `unverified` | `run` | no |
 * | `TransportError` retryable (network, timeout, 5xx, 429, the retry deadline) or `ABORTED` | `not-answered` | `run` | yes |
 * | other `TransportError` (`TLS`, HTTP 4xx) | `not-answered` | `run` | no |
 * | `PARAM_INVALID` | `not-sent` | `part` | no |
 * | `KEY_INVALID`, `CERTIFICATE_INVALID`, `CHARSET_UNSUPPORTED`, `DEPENDENCY_MISSING` | `not-sent` | `run` | no |
 * | anything else | `not-answered` | `run` | no |
 *
 * @example
 * ```ts
 * for (const part of parts) {
 *   try {
 *     await client.batchFeedback(part.input);
 *     journal.accepted(part);
 *   } catch (error) {
 *     const { outcome, scope, laterRunMaySucceed } = classifyFailure({ error });
 *     if (outcome === 'unverified') journal.unverified(part); // may be stored: check, then re-send
 *     if (scope === 'run') {
 *       console.error(laterRunMaySucceed ? 'Transient: run the job again later.' : 'Fix the configuration first.');
 *       break;
 *     }
 *   }
 * }
 * ```
 */
export function classifyFailure(options: { error: unknown }): FailureVerdict {
  // `classifyFailure(error)` (the error itself, not `{ error }`) would otherwise pass for "unknown".
  if (typeof options !== 'object' || options === null || !('error' in options)) {
    throw new ZhimaError({ code: 'PARAM_INVALID', message: `classifyFailure takes { error }, got ${kindOf(options)} without an error field.`, hint: 'Call classifyFailure({ error }) with what the call threw.' });
  }
  const { error } = options;
  if (!ZhimaError.isInstance(error)) return { outcome: 'not-answered', scope: 'run', laterRunMaySucceed: false, code: 'UNKNOWN' };
  // isInstance narrows to the union of every error, so each case sees its subclass's fields.
  const code = error.code;
  switch (error.code) {
    case 'GATEWAY_ERROR': {
      if (error.retryable) return { outcome: 'refused', scope: 'run', laterRunMaySucceed: true, code };
      return { outcome: 'refused', scope: error.gatewayCode === '40004' ? 'part' : 'run', laterRunMaySucceed: false, code };
    }
    case 'TRANSPORT_ERROR':
      return { outcome: 'not-answered', scope: 'run', laterRunMaySucceed: error.retryable || error.reason === 'ABORTED', code };
    case 'RESPONSE_UNVERIFIED':
    case 'SIGNATURE_INVALID':
    case 'RESPONSE_MALFORMED':
      return { outcome: 'unverified', scope: 'run', laterRunMaySucceed: false, code };
    default:
      return { outcome: 'not-sent', scope: LOCAL[error.code], laterRunMaySucceed: false, code };
  }
}
