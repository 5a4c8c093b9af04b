// Checks on what a JavaScript caller (or a config file read without types) may hand a public
// function, so that a wrong argument is a PARAM_INVALID naming it, never a TypeError from deep inside.
import { ZhimaError } from './zhima-error.js';

/**
 * A value's kind for a message, never the value itself (it may be a key).
 *
 * @example
 * ```ts
 * kindOf(null); // 'null'
 * kindOf([1]); // 'an array'
 * ```
 */
export function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Uint8Array) return 'bytes';
  const type = typeof value;
  return type === 'object' || type === 'undefined' ? type : `a ${type}`;
}

/**
 * The `PARAM_INVALID` error for an argument of the wrong kind.
 *
 * @example
 * ```ts
 * throw argumentError({ name: 'content', expected: 'a string', value: 42 });
 * ```
 */
export function argumentError({ name, expected, value, hint }: { name: string; expected: string; value: unknown; hint?: string }): ZhimaError<'PARAM_INVALID'> {
  // A name like `retry.deadlineMs` is the option to change; a description (`The content of file "x"`) is not one.
  const option = /^[A-Za-z_$][\w$.]*$/.test(name) ? name : undefined;
  return new ZhimaError({ code: 'PARAM_INVALID', message: `${name} must be ${expected}, got ${kindOf(value)}.`, hint: hint ?? `Pass ${expected} as ${name}.`, option });
}

/**
 * An object argument or field: a non-array object, or `PARAM_INVALID` naming it.
 *
 * @example
 * ```ts
 * requireObject(config.certificates, 'certificates');
 * ```
 */
export function requireObject<T extends object>(value: T | undefined, name: string): T {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw argumentError({ name, expected: 'an object', value });
  return value;
}

/**
 * The one options object of a public function, or `PARAM_INVALID` saying how to call it.
 *
 * @example
 * ```ts
 * const { content } = requireOptions(options, 'signContent');
 * ```
 */
export function requireOptions<T extends object>(value: T | undefined, functionName: string): T {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ZhimaError({ code: 'PARAM_INVALID', message: `${functionName} takes one options object, got ${kindOf(value)}.`, hint: `Call ${functionName}({ … }) with one object argument.` });
  }
  return value;
}

/**
 * A text argument: a string, or `PARAM_INVALID`.
 *
 * @example
 * ```ts
 * const method = requireText(call.method, 'method');
 * ```
 */
export function requireText(value: unknown, name: string): string {
  if (typeof value !== 'string') throw argumentError({ name, expected: 'a string', value });
  return value;
}
