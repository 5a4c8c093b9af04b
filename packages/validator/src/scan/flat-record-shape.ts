import { utf8SequenceLength } from './charset-bytes.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

function isWhitespace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

/**
 * A byte-level proof of the gateway's usual record shape, without decoding or `JSON.parse`: a UTF-8
 * object whose keys are exactly `columns`, in order, each once, whose values are strings without escapes
 * or control characters, with JSON whitespace allowed between tokens, and whose primary key values start
 * with printable ASCII (so none is blank). Such a record parses to exactly those strings, so its checks
 * are settled by the bytes; anything else (escapes, numbers, nulls, nested values, other keys, a `}`
 * inside a value) is not matched and goes the exact way.
 *
 * @example
 * ```ts
 * const shape = new FlatRecordShape({ columns: ['order_no', 'pay_month'], keyPositions: [0, 1] });
 * const keys = new Float64Array(4);
 * shape.match(new TextEncoder().encode('{"order_no":"LN1","pay_month":"2025-01"}'), 0, 40, keys, 0); // true; keys: [13, 16, 29, 36]
 * ```
 */
export class FlatRecordShape {
  private readonly names: Uint8Array[];
  /** Per column: its index among the primary key columns, or -1. */
  private readonly keyAt: Int32Array;
  /** Primary key columns: each matched record writes a `[start, end)` value range per key. */
  readonly keyColumns: number;
  /**
   * UTF-8 bytes beyond their UTF-16 length in the records matched since it was last set to 0: with it a
   * value's byte range maps to its place in the same bytes decoded as one string (JSON text between
   * records is ASCII).
   */
  extraBytes = 0;
  /** Line feeds (between tokens) in the records matched since it was last set to 0. */
  lineFeeds = 0;

  /** `columns`: distinct ASCII names; `keyPositions`: the primary key columns' positions in `columns`. */
  constructor({ columns, keyPositions }: { columns: readonly string[]; keyPositions: readonly number[] }) {
    const encoder = new TextEncoder();
    this.names = columns.map((column) => encoder.encode(column));
    this.keyAt = new Int32Array(columns.length).fill(-1);
    keyPositions.forEach((position, k) => (this.keyAt[position] = k));
    this.keyColumns = keyPositions.length;
  }

  /**
   * True when `bytes[start, end)` is exactly one record of the shape; then the value range of primary key
   * `k` is `keys[at + 2k]` to `keys[at + 2k + 1]` (buffer indexes, quotes excluded). With `values`,
   * column `c`'s value is also `values[valuesAt + 4c]` to `values[valuesAt + 4c + 1]`, with
   * {@link extraBytes} before its start and its end at `+ 2` and `+ 3`.
   */
  match(bytes: Uint8Array, start: number, end: number, keys: Float64Array, at: number, values?: Int32Array, valuesAt = 0): boolean {
    const { names, keyAt } = this;
    let extra = this.extraBytes;
    let lineFeeds = 0;
    if (bytes[start] !== 0x7b) return false;
    let i = start + 1;
    for (let c = 0; c < names.length; c++) {
      while (i < end && isWhitespace(bytes[i]!)) {
        if (bytes[i] === 0x0a) lineFeeds++;
        i++;
      }
      if (c > 0) {
        if (bytes[i] !== 0x2c) return false;
        i++;
        while (i < end && isWhitespace(bytes[i]!)) {
        if (bytes[i] === 0x0a) lineFeeds++;
        i++;
      }
      }
      const name = names[c]!;
      if (bytes[i] !== QUOTE || i + name.length + 1 >= end) return false;
      i++;
      for (let n = 0; n < name.length; n++, i++) if (bytes[i] !== name[n]) return false;
      if (bytes[i] !== QUOTE) return false;
      i++;
      while (i < end && isWhitespace(bytes[i]!)) {
        if (bytes[i] === 0x0a) lineFeeds++;
        i++;
      }
      if (bytes[i] !== 0x3a) return false;
      i++;
      while (i < end && isWhitespace(bytes[i]!)) {
        if (bytes[i] === 0x0a) lineFeeds++;
        i++;
      }
      if (bytes[i] !== QUOTE) return false;
      const valueStart = ++i;
      if (values !== undefined) values[valuesAt + 4 * c + 2] = extra;
      for (;;) {
        if (i >= end) return false;
        const byte = bytes[i]!;
        if (byte === QUOTE) break;
        if (byte < 0x20 || byte === BACKSLASH) return false;
        if (byte < 0x80) i++;
        else {
          const length = utf8SequenceLength(bytes, i, end);
          if (length === 0) return false;
          i += length;
          // Two and three bytes make one UTF-16 unit, four make two.
          extra += length === 4 ? 2 : length - 1;
        }
      }
      if (values !== undefined) {
        const to = valuesAt + 4 * c;
        values[to] = valueStart;
        values[to + 1] = i;
        values[to + 3] = extra;
      }
      const k = keyAt[c]!;
      if (k >= 0) {
        // Printable ASCII first: not blank. Anything else is settled by the exact path.
        const first = bytes[valueStart]!;
        if (i === valueStart || first <= 0x20 || first >= 0x7f) return false;
        keys[at + 2 * k] = valueStart;
        keys[at + 2 * k + 1] = i;
      }
      i++;
    }
    while (i < end && isWhitespace(bytes[i]!)) {
        if (bytes[i] === 0x0a) lineFeeds++;
        i++;
      }
    if (bytes[i] !== 0x7d || i + 1 !== end) return false;
    this.extraBytes = extra;
    this.lineFeeds += lineFeeds;
    return true;
  }
}
