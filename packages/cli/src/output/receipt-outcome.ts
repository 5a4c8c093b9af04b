// How a run's failures and outcomes read in a receipt, in one place, so that `zhima send` and any job
// that leaves the same receipt (the example app's nightly job) agree on codes a scheduler alerts on.
import { GatewayError, TransportError, UnverifiedResponseError, ZhimaError } from '@zhima/core';
import { CliError } from '../cli-error.js';
import { EXIT, type ExitCode } from '../io.js';
import type { ReceiptError, ReceiptPart, RunResult } from '../upload/receipt.js';

/**
 * A failure as plain receipt data: its stable code and message, the gateway's code, sub_code and sub_msg
 * for a refusal, the transport's reason for a network failure. Never a stack trace or key material.
 *
 * @example
 * ```ts
 * try {
 *   await client.batchFeedback(input);
 * } catch (error) {
 *   part.error = receiptErrorOf({ error }); // { code: 'GATEWAY_ERROR', gatewayCode: '40004', subCode: 'INVALID_PARAMETER', … }
 * }
 * ```
 */
export function receiptErrorOf({ error }: { error: unknown }): ReceiptError {
  return {
    code: ZhimaError.isInstance(error) ? error.code : error instanceof CliError ? error.code : 'UNKNOWN',
    message: error instanceof Error ? error.message : String(error),
    gatewayCode: GatewayError.isInstance(error) ? error.gatewayCode : null,
    subCode: GatewayError.isInstance(error) ? (error.subCode ?? null) : null,
    subMsg: GatewayError.isInstance(error) ? (error.subMsg ?? null) : null,
    reason: TransportError.isInstance(error) ? error.reason : null,
  };
}

/**
 * The ids of the call a failure came from, read from `@zhima/core`'s typed fields: the gateway's
 * trace id (its `trace_id` answer header, when an answer came) and the `alipay-request-id` the failed
 * attempt was sent with. Both `undefined` for a failure that is not a call's (a bad key, a parameter).
 *
 * @example
 * ```ts
 * const { traceId, requestId } = callIdsOf({ error }); // what Alipay support asks for
 * ```
 */
export function callIdsOf({ error }: { error: unknown }): { traceId: string | undefined; requestId: string | undefined } {
  if (GatewayError.isInstance(error) || TransportError.isInstance(error) || UnverifiedResponseError.isInstance(error)) return { traceId: error.traceId, requestId: error.requestId };
  return { traceId: undefined, requestId: undefined };
}

/**
 * How a run that reached its uploads ended: `unverified` if any answer could not be verified (it needs
 * a person); else `failed` if the run stopped early or a part got no answer or was not sent; else
 * `refused` if the gateway refused a part's data; else `held-back` if records were held back (a
 * `held-back` entry); else `success`. (`nothing-sent` is decided before any upload.)
 *
 * @example
 * ```ts
 * const result = runResultOf({ parts: receipt.parts, stopped: receipt.stoppedBy !== null });
 * ```
 */
export function runResultOf({ parts, stopped }: { parts: readonly Pick<ReceiptPart, 'outcome'>[]; stopped: boolean }): RunResult {
  if (parts.some((part) => part.outcome === 'unverified')) return 'unverified';
  if (stopped || parts.some((part) => part.outcome === 'not-answered' || part.outcome === 'not-sent')) return 'failed';
  if (parts.some((part) => part.outcome === 'refused')) return 'refused';
  if (parts.some((part) => part.outcome === 'held-back')) return 'held-back';
  return 'success';
}

const EXIT_OF_RESULT: Readonly<Record<RunResult, ExitCode>> = { success: EXIT.OK, failed: EXIT.FAILED, refused: EXIT.REFUSED, 'nothing-sent': EXIT.NOTHING_SENT, unverified: EXIT.UNVERIFIED, 'held-back': EXIT.HELD_BACK };

/**
 * The {@link EXIT} code of a run result: the one table a scheduler reads.
 *
 * @example
 * ```ts
 * process.exitCode = exitCodeOf({ result: 'refused' }); // 3
 * ```
 */
export function exitCodeOf({ result }: { result: RunResult }): ExitCode {
  return EXIT_OF_RESULT[result];
}
