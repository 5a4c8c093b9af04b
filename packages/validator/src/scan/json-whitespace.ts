/**
 * JSON's white space (RFC 8259: space, tab, line feed, carriage return): the one reading of it that the
 * scanner, the byte proof, the strict checker and the split planner share.
 *
 * @example
 * ```ts
 * isJsonWhitespace(0x20); // true
 * isJsonWhitespace(0xa0); // false: a no-break space is not JSON white space
 * ```
 */
export function isJsonWhitespace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

/**
 * The index of the first byte of `bytes[from, end)` that is not JSON white space, or `end`.
 *
 * @example
 * ```ts
 * skipJsonWhitespace(new TextEncoder().encode(' \n{'), 0, 3); // 2
 * ```
 */
export function skipJsonWhitespace(bytes: Uint8Array, from: number, end: number): number {
  let i = from;
  while (i < end && isJsonWhitespace(bytes[i]!)) i++;
  return i;
}
