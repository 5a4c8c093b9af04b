import { requireObject } from '../errors/argument-checks.js';
import { presentParams, type ParamValue } from './param-value.js';

/**
 * Request parameters as given to {@link buildSignContent}: absent, `null`, `''` and whitespace-only
 * text all mean "not sent" (see `isAbsentParamValue`).
 *
 * @example
 * ```ts
 * const params: SignParams = { app_id: '2021000000000001', records: 1, file_description: undefined };
 * ```
 */
export type SignParams = Record<string, ParamValue>;

const encoder = new TextEncoder();

// Byte order of the UTF-8 keys, which is also Java's String.compareTo order for ASCII keys.
function compareBytes(a: string, b: string): number {
  const x = encoder.encode(a);
  const y = encoder.encode(b);
  const length = Math.min(x.length, y.length);
  for (let i = 0; i < length; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

/**
 * The string the gateway signs, by its rule: every text parameter except `sign` (so `sign_type` is in),
 * absent, empty and whitespace-only values dropped (Java's `StringUtils.isEmpty`), keys in ascending byte order, `k=v` joined with `&`, values raw
 * (no URL-encoding). File parameters are never passed here.
 *
 * @example
 * ```ts
 * buildSignContent({ method: 'zhima.data.batch.feedback', app_id: '2021', sign: 'x', file_description: '  ' });
 * // 'app_id=2021&method=zhima.data.batch.feedback'
 * ```
 */
export function buildSignContent(params: SignParams): string {
  return Object.entries(presentParams(requireObject(params, 'params')))
    .filter(([key]) => key !== 'sign')
    .sort(([a], [b]) => compareBytes(a, b))
    .map(([key, value]) => `${key}=${value}`)
    .join('&');
}
