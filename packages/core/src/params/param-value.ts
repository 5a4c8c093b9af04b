import { argumentError } from '../errors/argument-checks.js';
import { ZhimaError } from '../errors/zhima-error.js';

/**
 * A request parameter value as callers give it: absent, `null`, blank text (see {@link isAbsentParamValue})
 * and `''` all mean "not sent".
 *
 * @example
 * ```ts
 * const value: ParamValue = 1;
 * ```
 */
export type ParamValue = string | number | undefined | null;

// Java's Character.isWhitespace over every UTF-16 unit (read off a JDK 17 by looping 0..0xFFFF): the
// C0 separators, space, and the Unicode space/line/paragraph separators except the no-break spaces
// U+00A0, U+2007 and U+202F. Characters outside the BMP are never whitespace.
const JAVA_BLANK = /^[\t\n\u000b\f\r\u001c-\u001f \u1680\u2000-\u2006\u2008-\u200a\u2028\u2029\u205f\u3000]*$/;

/**
 * Whether the gateway treats a parameter value as absent: `undefined`, `null`, or text made only of
 * Java whitespace (`''` included). The Java SDK's `StringUtils.isEmpty`, which both `AlipayHashMap.put`
 * and `AlipaySignature.getSignContent` apply, drops such a value: it is neither sent nor signed, so
 * sending `'   '` would sign content the gateway never rebuilds (`isv.invalid-signature`).
 *
 * @example
 * ```ts
 * isAbsentParamValue(' \u3000\t'); // true
 * isAbsentParamValue('\u00a0');    // false: a no-break space is not Java whitespace
 * isAbsentParamValue(0);           // false
 * ```
 */
export function isAbsentParamValue(value: ParamValue): value is undefined | null | '' {
  if (value === undefined || value === null) return true;
  return typeof value === 'string' && JAVA_BLANK.test(value);
}

/**
 * The parameters that go on the wire and into the sign content, as text: absent values dropped by
 * {@link isAbsentParamValue}, everything else kept exactly as given (never trimmed: the gateway signs
 * `' a '` with its spaces).
 *
 * @example
 * ```ts
 * presentParams({ records: 1, file_description: '  ', memo: ' a ' }); // { records: '1', memo: ' a ' }
 * ```
 */
export function presentParams(params: Readonly<Record<string, ParamValue>>): Record<string, string> {
  const present: Record<string, string> = {};
  for (const [key, value] of Object.entries(params)) {
    if (isAbsentParamValue(value)) continue;
    if (typeof value !== 'string' && typeof value !== 'number') throw argumentError({ name: `The parameter ${key}`, expected: 'text or a number', value });
    present[key] = String(value);
  }
  return present;
}

/**
 * A JSON parameter (`biz_content`, `biz_ext_params`) as text: a string is sent as given, an object is
 * serialised, absent stays absent; what `JSON.stringify` cannot write (a `BigInt`, a cycle) is
 * `PARAM_INVALID`.
 *
 * @example
 * ```ts
 * jsonParam({ value: { merchant_id: '2088000000000000' }, name: 'bizContent' }); // '{"merchant_id":"2088000000000000"}'
 * ```
 */
export function jsonParam({ value, name }: { value: string | Record<string, unknown> | undefined | null; name: string }): string | undefined {
  if (value === undefined || value === null || typeof value === 'string') return value ?? undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw argumentError({ name, expected: 'a JSON object or its text', value });
  try {
    return JSON.stringify(value);
  } catch (cause) {
    throw new ZhimaError({ code: 'PARAM_INVALID', message: `${name} cannot be written as JSON (${(cause as Error).message}).`, hint: 'Give plain data: strings, numbers, booleans, arrays and objects, no BigInt or cycles.', cause });
  }
}

/**
 * Whether a param's text is a JSON object (`biz_ext_params` must be one: `{"extparam1":"value1"}`; an
 * array, a string or broken JSON is refused by the gateway).
 *
 * @example
 * ```ts
 * isJsonObjectText({ text: '{"extparam1":"value1"}' }); // true
 * isJsonObjectText({ text: '[1]' }); // false
 * ```
 */
export function isJsonObjectText({ text }: { text: string }): boolean {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return false;
  }
  return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed);
}
