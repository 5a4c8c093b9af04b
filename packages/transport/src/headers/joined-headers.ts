/**
 * Node-style answer headers (lower-case names, a repeated header as an array, as both `node:http` and
 * undici give them) as `HttpResponse` headers: each repeated one joined with `, `.
 *
 * @example
 * ```ts
 * joinedHeaders({ 'set-cookie': ['a=1', 'b=2'], 'content-type': 'application/json' }); // { 'set-cookie': 'a=1, b=2', 'content-type': 'application/json' }
 * ```
 */
export function joinedHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) result[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return result;
}
