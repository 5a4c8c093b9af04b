import { utf8SequenceLength } from './charset-bytes.js';
import { isJsonWhitespace, skipJsonWhitespace } from './json-whitespace.js';
import { wordView } from './word-view.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

// Four bytes in one 32-bit read (little-endian): any of them a control character, a quote, a backslash
// or above 0x7F. Exact, by the classic has-zero-byte tests (x - 0x01…) & ~x & 0x80…, on `w` itself,
// on `w` minus 0x20 per byte and on `w` with a quote or backslash in each byte made zero.
function holdsNonPlain(w: number): boolean {
  const quotes = w ^ 0x22222222;
  const backslashes = w ^ 0x5c5c5c5c;
  return ((w | (((w - 0x20202020) | 0) & ~w) | (((quotes - 0x01010101) | 0) & ~quotes) | (((backslashes - 0x01010101) | 0) & ~backslashes)) & 0x80808080) !== 0;
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
  /**
   * Per column: the bytes from the end of the value before it to the start of its own value
   * (`,"name":"`, without the comma for the first column), in `openings[c][0, openingLengths[c])`: at
   * first `JSON.stringify`'s, then those of the last record that had other bytes there (read token by
   * token, whitespace allowed), so a pretty-printed file's indentation is compared as fast as no
   * whitespace. A record with the same bytes there reads the same: the proof does not change.
   */
  private readonly openings: Uint8Array[];
  private readonly openingLengths: Int32Array;
  /** Each opening's whole four bytes as little-endian 32-bit words, compared a word at a time. */
  private readonly openingWords: Int32Array[];
  /** Line feeds in each opening. */
  private readonly openingLineFeeds: Int32Array;
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
    this.openings = [];
    this.openingLengths = new Int32Array(columns.length);
    this.openingWords = [];
    this.openingLineFeeds = new Int32Array(columns.length);
    columns.forEach((column, c) => {
      const compact = encoder.encode(`${c === 0 ? '' : ','}"${column}":"`);
      this.openings.push(new Uint8Array(0));
      this.openingWords.push(new Int32Array(0));
      this.learn(c, compact, 0, compact.length);
    });
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
    const { openings, openingLengths, openingWords, openingLineFeeds, keyAt } = this;
    const view = wordView(bytes);
    let extra = this.extraBytes;
    let lineFeeds = 0;
    if (bytes[start] !== 0x7b) return false;
    let i = start + 1;
    for (let c = 0; c < openingLengths.length; c++) {
      const length = openingLengths[c]!;
      let same = i + length < end;
      if (same) {
        const words = openingWords[c]!;
        const wordCount = length >>> 2;
        for (let k = 0; k < wordCount; k++) {
          if (view.getInt32(i + 4 * k, true) !== words[k]) {
            same = false;
            break;
          }
        }
        if (same) {
          const opening = openings[c]!;
          for (let n = 4 * wordCount; n < length; n++) {
            if (bytes[i + n] !== opening[n]) {
              same = false;
              break;
            }
          }
        }
      }
      if (same) i += length;
      else {
        const from = i;
        i = this.openSpaced(bytes, i, end, c);
        if (i < 0) return false;
        this.learn(c, bytes, from, i);
      }
      lineFeeds += openingLineFeeds[c]!;
      const valueStart = i;
      if (values !== undefined) values[valuesAt + 4 * c + 2] = extra;
      // Plain ASCII four bytes at a time, then byte by byte from the first word holding anything else.
      while (i + 4 <= end && !holdsNonPlain(view.getInt32(i, true))) i += 4;
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
    while (i < end && isJsonWhitespace(bytes[i]!)) {
      if (bytes[i] === 0x0a) lineFeeds++;
      i++;
    }
    if (bytes[i] !== 0x7d || i + 1 !== end) return false;
    this.extraBytes = extra;
    this.lineFeeds += lineFeeds;
    return true;
  }

  /** Makes `bytes[from, to)` column `c`'s opening (see {@link openings}). */
  private learn(c: number, bytes: Uint8Array, from: number, to: number): void {
    const length = to - from;
    if (this.openings[c]!.length < length) {
      this.openings[c] = new Uint8Array(length + 16);
      this.openingWords[c] = new Int32Array((length + 16) >>> 2);
    }
    const opening = this.openings[c]!;
    const words = this.openingWords[c]!;
    for (let n = 0; n < length; n++) opening[n] = bytes[from + n]!;
    this.openingLengths[c] = length;
    for (let k = 0; k < length >>> 2; k++) words[k] = opening[4 * k]! | (opening[4 * k + 1]! << 8) | (opening[4 * k + 2]! << 16) | (opening[4 * k + 3]! << 24);
    let lineFeeds = 0;
    for (let n = 0; n < length; n++) if (opening[n] === 0x0a) lineFeeds++;
    this.openingLineFeeds[c] = lineFeeds;
  }

  /**
   * Reads column `c`'s opening token by token from `i` (the end of the value before it, or after `{`),
   * whitespace allowed between tokens: returns the index after the value's opening quote, or -1.
   */
  private openSpaced(bytes: Uint8Array, from: number, end: number, c: number): number {
    let i = skipJsonWhitespace(bytes, from, end);
    if (c > 0) {
      if (bytes[i] !== 0x2c) return -1;
      i = skipJsonWhitespace(bytes, i + 1, end);
    }
    const name = this.names[c]!;
    if (bytes[i] !== QUOTE || i + name.length + 1 >= end) return -1;
    i++;
    for (let n = 0; n < name.length; n++, i++) if (bytes[i] !== name[n]) return -1;
    if (bytes[i] !== QUOTE) return -1;
    i = skipJsonWhitespace(bytes, i + 1, end);
    if (bytes[i] !== 0x3a) return -1;
    i = skipJsonWhitespace(bytes, i + 1, end);
    if (bytes[i] !== QUOTE) return -1;
    return i + 1;
  }
}
