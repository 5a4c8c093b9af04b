/**
 * Stable error codes. Branch on these, never on messages: messages may be reworded, codes are API.
 *
 * @example
 * ```ts
 * if (ZhimaError.isInstance(err) && err.code === 'KEY_INVALID') console.error(err.hint);
 * ```
 */
export type ZhimaErrorCode =
  | 'KEY_INVALID'
  | 'CERTIFICATE_INVALID'
  | 'SIGNATURE_INVALID'
  | 'RESPONSE_MALFORMED'
  | 'RESPONSE_UNVERIFIED'
  | 'GATEWAY_ERROR'
  | 'TRANSPORT_ERROR'
  | 'PARAM_INVALID'
  | 'CHARSET_UNSUPPORTED';

// Symbol.for is shared by every copy of the package in a process, so `isInstance` keeps working
// where two installed copies make `instanceof` fail (the dual-package hazard).
const ZHIMA_ERROR = Symbol.for('@zhima/core/ZhimaError');

/**
 * Options every {@link ZhimaError} is built from.
 *
 * @example
 * ```ts
 * new ZhimaError({ code: 'PARAM_INVALID', message: 'records must be a count', hint: 'Pass records.length.' });
 * ```
 */
export interface ZhimaErrorOptions<Code extends ZhimaErrorCode = ZhimaErrorCode> {
  code: Code;
  message: string;
  /** What to do about it, in Chinese and English. */
  hint?: string;
  cause?: unknown;
}

/**
 * The one error type the SDK throws. Subclasses add fields for gateway and transport failures.
 *
 * @example
 * ```ts
 * try {
 *   await client.batchFeedback({ file, columns, primaryKeyColumns, records });
 * } catch (err) {
 *   if (ZhimaError.isInstance(err)) console.error(err.code, err.message, err.hint);
 * }
 * ```
 */
export class ZhimaError<Code extends ZhimaErrorCode = ZhimaErrorCode> extends Error {
  readonly code: Code;
  readonly hint: string | undefined;

  constructor({ code, message, hint, cause }: ZhimaErrorOptions<Code>) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'ZhimaError';
    this.code = code;
    this.hint = hint;
    Object.defineProperty(this, ZHIMA_ERROR, { value: true });
  }

  /**
   * `instanceof` that also recognises errors from another copy of `@zhima/core`.
   *
   * @example
   * ```ts
   * if (ZhimaError.isInstance(err, 'SIGNATURE_INVALID')) alertSecurityTeam(err);
   * ```
   */
  static isInstance(value: unknown, code?: ZhimaErrorCode): value is ZhimaError {
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as Record<symbol, unknown>)[ZHIMA_ERROR] === true &&
      (code === undefined || (value as ZhimaError).code === code)
    );
  }
}
