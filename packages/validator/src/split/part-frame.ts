/**
 * The bytes every part opens with, `{"records":[` (the same in UTF-8 and GBK).
 *
 * @example
 * ```ts
 * sink.write(PART_OPENING);
 * ```
 */
export const PART_OPENING = new TextEncoder().encode('{"records":[');
/** @see PART_OPENING @example `sink.write(PART_CLOSING); // ]}` */
export const PART_CLOSING = new TextEncoder().encode(']}');
