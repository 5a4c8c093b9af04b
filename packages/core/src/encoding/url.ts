import { encodeText, type Charset } from './charset.js';

const HEX = '0123456789ABCDEF';

function isUnreserved(byte: number): boolean {
  return (
    (byte >= 0x30 && byte <= 0x39) ||
    (byte >= 0x41 && byte <= 0x5a) ||
    (byte >= 0x61 && byte <= 0x7a) ||
    byte === 0x2d || byte === 0x2e || byte === 0x5f || byte === 0x2a
  );
}

/**
 * Percent-encodes text as bytes of the request charset (as Java's `URLEncoder`, with `%20` for space),
 * so a GBK request puts GBK bytes in its query.
 *
 * @example
 * ```ts
 * percentEncode({ text: '张', charset: 'gbk' }); // '%D5%C5'
 * ```
 */
export function percentEncode({ text, charset }: { text: string; charset: Charset }): string {
  let out = '';
  for (const byte of encodeText({ text, charset })) {
    out += isUnreserved(byte) ? String.fromCharCode(byte) : `%${HEX[byte >> 4]}${HEX[byte & 15]}`;
  }
  return out;
}

/**
 * `k=v&k=v` with both sides percent-encoded in the charset: a query string or a urlencoded form body.
 *
 * @example
 * ```ts
 * encodeForm({ params: { a: '1 2' }, charset: 'utf-8' }); // 'a=1%202'
 * ```
 */
export function encodeForm({ params, charset }: { params: Record<string, string>; charset: Charset }): string {
  return Object.entries(params)
    .map(([key, value]) => `${percentEncode({ text: key, charset })}=${percentEncode({ text: value, charset })}`)
    .join('&');
}
