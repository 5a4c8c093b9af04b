/**
 * A header value split into its leading token and `; key=value` parameters (keys lower-cased).
 *
 * @example
 * ```ts
 * const value: HeaderValue = { value: 'multipart/form-data', params: { boundary: 'xYz', charset: 'GBK' } };
 * ```
 */
export interface HeaderValue {
  value: string;
  params: Record<string, string>;
}

/**
 * Splits `multipart/form-data; boundary="x;y"; charset=GBK` or `form-data; name="file"; filename="a.json"`.
 * Quoted strings may hold `;` and backslash escapes; unquoted values end at `;` or whitespace.
 *
 * @example
 * ```ts
 * parseHeaderValue({ header: 'form-data; name="file"; filename="a.json"' });
 * // { value: 'form-data', params: { name: 'file', filename: 'a.json' } }
 * ```
 */
export function parseHeaderValue({ header }: { header: string }): HeaderValue {
  const semicolon = header.indexOf(';');
  const value = (semicolon === -1 ? header : header.slice(0, semicolon)).trim().toLowerCase();
  const params: Record<string, string> = {};
  let i = semicolon === -1 ? header.length : semicolon + 1;
  while (i < header.length) {
    while (i < header.length && (header[i] === ' ' || header[i] === '\t' || header[i] === ';')) i++;
    const equals = header.indexOf('=', i);
    if (equals === -1) break;
    const key = header.slice(i, equals).trim().toLowerCase();
    i = equals + 1;
    let text = '';
    if (header[i] === '"') {
      i++;
      while (i < header.length && header[i] !== '"') {
        // A backslash quotes the next character (RFC 7230 quoted-pair).
        if (header[i] === '\\' && i + 1 < header.length) i++;
        text += header[i];
        i++;
      }
      i++;
    } else {
      const end = header.indexOf(';', i);
      text = header.slice(i, end === -1 ? header.length : end).trim();
      i = end === -1 ? header.length : end;
    }
    if (key && !(key in params)) params[key] = text;
  }
  return { value, params };
}
