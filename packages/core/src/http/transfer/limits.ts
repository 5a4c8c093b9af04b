import { kindOf } from '../../errors/argument-checks.js';
import { ZhimaError } from '../../errors/zhima-error.js';

/**
 * The inactivity timeout every built-in transport uses unless told otherwise: 60 s with nothing
 * moving (no upload chunk taken, no answer headers, no answer bytes).
 *
 * @example
 * ```ts
 * createFetchTransport({ timeoutMs: 2 * DEFAULT_TIMEOUT_MS });
 * ```
 */
export const DEFAULT_TIMEOUT_MS = 60_000;

/**
 * The answer size every built-in transport stops at unless told otherwise: 1 MiB. A gateway answer
 * is a few KB; anything near this is a proxy page, a wrong URL or a fault, and reading it whole would
 * cost memory and end in a misleading decoding error.
 *
 * @example
 * ```ts
 * createFetchTransport({ maxResponseBytes: 4 * DEFAULT_MAX_RESPONSE_BYTES });
 * ```
 */
export const DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;

/**
 * Checks a `maxResponseBytes` value (a positive whole number of bytes, or `Infinity` for no cap) and returns
 * it; `PARAM_INVALID` otherwise.
 *
 * @example
 * ```ts
 * const limit = checkedResponseLimit({ value: options.maxResponseBytes ?? transportLimit });
 * ```
 */
export function checkedResponseLimit({ value }: { value: number }): number {
  if (value === Number.POSITIVE_INFINITY || (Number.isSafeInteger(value) && value >= 1)) return value;
  throw new ZhimaError({
    code: 'PARAM_INVALID',
    message: `maxResponseBytes must be a positive whole number of bytes (or Infinity for no cap), got ${typeof value === 'number' ? value : kindOf(value)}.`,
    hint: `The default, ${DEFAULT_MAX_RESPONSE_BYTES} (1 MiB), is far above any gateway answer.`,
    option: 'maxResponseBytes',
  });
}

/**
 * Checks an inactivity timeout (`timeoutMs` and its kin): milliseconds `>= 0`, `0` or `Infinity` for
 * none; `PARAM_INVALID` otherwise.
 *
 * @example
 * ```ts
 * const timeoutMs = checkedTimeout({ option: 'timeoutMs', value: options.timeoutMs ?? 60_000 });
 * ```
 */
export function checkedTimeout({ option, value }: { option: string; value: number }): number {
  if (typeof value === 'number' && value >= 0) return value;
  throw new ZhimaError({
    code: 'PARAM_INVALID',
    message: `${option} must be a number of milliseconds >= 0 (0 turns it off), got ${typeof value === 'number' ? value : kindOf(value)}.`,
    hint: `Give ${option} in milliseconds, e.g. 60000 for a minute of silence.`,
    option,
  });
}
