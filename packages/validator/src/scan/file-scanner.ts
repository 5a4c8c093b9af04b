import { countChars, isGbkTrail, type FileCharset } from './charset-bytes.js';
import { findJsonError, type JsonSyntaxReason } from './json-syntax.js';
import { isJsonWhitespace } from './json-whitespace.js';

/**
 * Flags the byte scan sets on a record, so later stages skip work for most records: it holds a `\u`
 * escape (checked for lone surrogates), holds bytes above 0x7F (GBK mode), or holds a byte that is never
 * GBK although the runtime decoder accepts it (0x80, 0xFF).
 *
 * @example
 * ```ts
 * if ((flags & RECORD_HAS_UNICODE_ESCAPE) !== 0) checkSurrogates();
 * ```
 */
export const RECORD_HAS_UNICODE_ESCAPE = 1;
/** @see RECORD_HAS_UNICODE_ESCAPE @example `if (flags & RECORD_HAS_NON_ASCII) sampleCharset();` */
export const RECORD_HAS_NON_ASCII = 2;
/** @see RECORD_HAS_UNICODE_ESCAPE @example `if (flags & RECORD_NOT_GBK) reportCharset();` */
export const RECORD_NOT_GBK = 4;

/**
 * A problem in the file's outer structure (outside any single record), or a record's syntax error.
 *
 * @example
 * ```ts
 * const problem: StructureProblem = { rule: 'json-syntax', reason: 'trailing-comma', fatal: true, byteOffset: 90, line: 3, column: 1 };
 * ```
 */
export interface StructureProblem {
  rule: 'file-bom' | 'file-prefix-whitespace' | 'file-prefix' | 'records-not-array' | 'json-syntax' | 'file-extra-field' | 'trailing-content' | 'record-too-large';
  reason?: JsonSyntaxReason;
  /** A fatal problem ends parsing: nothing after it can be read reliably. */
  fatal: boolean;
  byteOffset: number;
  line: number;
  column: number;
}

/**
 * What the scanner hands on: each complete array element (by buffer indexes) and each structure problem.
 *
 * @example
 * ```ts
 * const listener: ScanListener = { onRecord: (start, end) => console.log(end - start), onProblem: console.warn, onPause: () => {} };
 * ```
 */
export interface ScanListener {
  onRecord(start: number, end: number, colons: number, flags: number): void;
  onProblem(problem: StructureProblem): void;
  /** The scanner is about to drop its buffer: record indexes handed out so far become invalid. */
  onPause(): void;
  /**
   * Offered a run of likely records found without a byte scan (see {@link FAST_BATCH_RECORDS}): each as
   * buffer start, end, line and line start in `records`. Returns true when it proved them to be exactly
   * the file's next records and checked them; false leaves them to the exact scan. The offered lines
   * count only the line feeds between records: a listener accepting records that may hold one (between
   * their tokens) calls {@link FileScanner.locateOffer} before it reads a line.
   */
  tryBatch?(records: Float64Array, count: number): boolean;
}

/**
 * Records offered to {@link ScanListener.tryBatch} at once. The offer costs one `indexOf` per record
 * instead of a scan of every byte (line feeds inside records are left to the listener's own pass); a refused offer costs a wasted parse, so refusals back off (up to
 * {@link MAX_EXACT_RUN} records scanned exactly before the next offer).
 *
 * @example
 * ```ts
 * const records = new Float64Array(FAST_BATCH_RECORDS * OFFER_SLOTS);
 * ```
 */
export const FAST_BATCH_RECORDS = 64;
// After this many refusals in a row (doubling from one batch), the exact scan runs 65536 records
// between offers: a file the proof never accepts (spaces inside records) then wastes at most one
// parse in 1024 batches.
const MAX_EXACT_RUN = 1 << 16;

/**
 * The layout of an offer: record `k` of an offer is `OFFER_SLOTS` numbers from `k * OFFER_SLOTS`: its
 * buffer start and end, the line it starts on and that line's file offset.
 *
 * @example
 * ```ts
 * const end = records[k * OFFER_SLOTS + OFFER_END]!;
 * ```
 */
export const OFFER_SLOTS = 4;
/** @see OFFER_SLOTS @example `records[k * OFFER_SLOTS + OFFER_START]` */
export const OFFER_START = 0;
/** @see OFFER_SLOTS @example `records[k * OFFER_SLOTS + OFFER_END]` */
export const OFFER_END = 1;
/** @see OFFER_SLOTS @example `records[k * OFFER_SLOTS + OFFER_LINE]` */
export const OFFER_LINE = 2;
/** @see OFFER_SLOTS @example `records[k * OFFER_SLOTS + OFFER_LINE_START]` */
export const OFFER_LINE_START = 3;

const START = 0;
const OPEN = 1;
const KEY = 2;
const COLON = 3;
const ARRAY_OPEN = 4;
const FIRST = 5;
const NEXT = 6;
const VALUE = 7;
const AFTER_ARRAY = 8;
const TRAILING = 9;
const FAILED = 10;

// The opening's one-byte tokens: what each state expects, the state after it, and the problem otherwise.
const SINGLE_TOKENS: Record<number, { byte: number; next: number; rule: StructureProblem['rule']; reason?: JsonSyntaxReason }> = {
  [OPEN]: { byte: 0x7b, next: KEY, rule: 'file-prefix' },
  [COLON]: { byte: 0x3a, next: ARRAY_OPEN, rule: 'json-syntax', reason: 'unexpected-character' },
  [ARRAY_OPEN]: { byte: 0x5b, next: FIRST, rule: 'records-not-array' },
};

// Small chunks (a web stream's 64 KiB, say) are gathered until this many bytes wait: each scan call
// flushes a batch and pauses the planner, which costs more than copying the chunk once.
const MIN_SCAN_BYTES = 1024 * 1024;
const EMPTY = new Uint8Array(0);
const RECORDS_KEY = [0x72, 0x65, 0x63, 0x6f, 0x72, 0x64, 0x73]; // records

/**
 * Finds record boundaries in a `{"records":[…]}` byte stream without decoding it: string- and
 * escape-aware (and GBK-trail-aware), it checks the outer structure itself and hands each array
 * element's byte range to a listener, which runs `JSON.parse` on batches of records. Before scanning
 * records byte by byte it offers the listener a batch split at each next `}`, which the listener proves
 * or refuses (most files: proved, skipping the byte loop). Memory stays at one chunk plus one partial record.
 *
 * @example
 * ```ts
 * const scanner = new FileScanner({ charset: 'UTF-8', maxRecordBytes: 1 << 20, listener });
 * for await (const chunk of chunks) scanner.push(chunk);
 * scanner.finish();
 * ```
 */
export class FileScanner {
  /** The bytes being scanned; record indexes handed to the listener point into it. */
  buf: Uint8Array = EMPTY;
  /** File offset of `buf[0]`. */
  base = 0;
  /** Line (1-based) and file offset of the line start where the current record begins. */
  recordLine = 1;
  recordLineStart = 0;

  private readonly charset: FileCharset;
  private readonly gbk: boolean;
  private readonly maxRecordBytes: number;
  private readonly listener: ScanListener;
  private state = START;
  /**
   * The scanner's own buffer, reused from scan to scan: `gather[0, carried)` is the unfinished input kept
   * from the last scan, `gather[carried, gathered)` the chunks pushed since. A pushed chunk is copied
   * here or scanned where it is, never kept, so the caller may reuse it once `push` returns.
   */
  private gather: Uint8Array = EMPTY;
  private gathered = 0;
  private carried = 0;
  private line = 1;
  private lineStart = 0;
  /** Characters between the start of the line running through `base` and `base`, once that line began in dropped bytes. */
  private baseLineChars = 0;
  /**
   * The last position a column was computed for (file offset, its line start, characters between): the
   * next column on that line is counted from here, not from the line start, so columns cost amortised
   * O(1) per byte even on a one-line file with an issue in every record.
   */
  private cursorOffset = 0;
  private cursorLineStart = 0;
  private cursorChars = 0;
  private lastComma = 0;
  private lastCommaLine = 1;
  private lastCommaLineStart = 0;
  private warnedWhitespace = false;
  private readonly element: ScannedElement = { end: -1, colons: 0, flags: 0, lineFeeds: 0, lastLineStart: 0 };
  private readonly offered = new Float64Array(FAST_BATCH_RECORDS * OFFER_SLOTS);
  /** Records to scan exactly before the next offer, and the run after the next refusal. */
  private exactRun = 0;
  private refusalRun = FAST_BATCH_RECORDS;
  /** `buf` index of the next line feed at or after the last located offer's records (`buf.length`: none), for `lineFeedBuf`. */
  private nextLineFeed = 0;
  private lineFeedBuf: Uint8Array = EMPTY;
  /** Line and line start where the current offer's last record ends (see `locateOffer`). */
  private offerEndLine = 1;
  private offerEndLineStart = 0;

  constructor({ charset, maxRecordBytes, listener }: { charset: FileCharset; maxRecordBytes: number; listener: ScanListener }) {
    this.charset = charset;
    this.gbk = charset === 'GBK';
    this.maxRecordBytes = maxRecordBytes;
    this.listener = listener;
  }

  /** True once a fatal problem stopped parsing. */
  get failed(): boolean {
    return this.state === FAILED;
  }

  /**
   * Takes the next chunk; scans once enough bytes are waiting (small chunks are gathered). The chunk is
   * not kept: once this returns, the caller may fill it again.
   */
  push(chunk: Uint8Array): void {
    if (this.state === FAILED || chunk.length === 0) return;
    // Nothing waiting and a chunk big enough: scan it where it is, no copy.
    if (this.gathered === 0 && chunk.length >= MIN_SCAN_BYTES) {
      this.scanBuffer(chunk, false);
      return;
    }
    this.reserve(chunk.length).set(chunk);
    this.commit(chunk.length);
  }

  /**
   * Room for the next `length` bytes in the scanner's own buffer, for a source that reads straight into
   * it (no copy): fill a prefix of it, then {@link commit} how many bytes it holds, before any other call.
   */
  reserve(length: number): Uint8Array {
    const needed = this.gathered + length;
    if (needed > this.gather.length) {
      const grown = new Uint8Array(Math.max(needed, 2 * this.gather.length, MIN_SCAN_BYTES + length));
      grown.set(this.gather.subarray(0, this.gathered));
      this.gather = grown;
    }
    return this.gather.subarray(this.gathered, needed);
  }

  /** Takes the `length` bytes written at the start of the last {@link reserve}; scans once enough wait. */
  commit(length: number): void {
    if (this.state === FAILED || length === 0) return;
    this.gathered += length;
    // A partial record carried over is scanned again from its start: waiting for twice its length keeps
    // that re-scan linear even for a record longer than many chunks.
    if (this.gathered - this.carried >= Math.max(MIN_SCAN_BYTES, 2 * this.carried)) this.scanBuffer(this.gather.subarray(0, this.gathered), false);
  }

  /** The input ended: scans what is left and reports a truncated document. */
  finish(): void {
    if (this.state !== FAILED) this.scanBuffer(this.gather.subarray(0, this.gathered), true);
  }

  /** Stops parsing after a fatal problem the listener found inside a record. */
  fail(): void {
    this.state = FAILED;
    this.gather = EMPTY;
    this.gathered = 0;
    this.carried = 0;
  }

  /**
   * Line and column (1-based, in characters) of a file offset inside the current record, counting the
   * line feeds between the record's start and the offset.
   */
  locateInRecord(recordStart: number, byteOffset: number, recordLine = this.recordLine, recordLineStart = this.recordLineStart): { line: number; column: number } {
    let line = recordLine;
    let lineStart = recordLineStart;
    const buf = this.buf;
    for (let i = recordStart - this.base; i < byteOffset - this.base; i++) {
      if (buf[i] === 0x0a) {
        line++;
        lineStart = this.base + i + 1;
      }
    }
    return { line, column: this.columnOf(byteOffset, lineStart) };
  }

  /**
   * Column (1-based, in characters) of a file offset in the buffer on the line starting at `lineStart`.
   * Counted from the last position asked for when it lies on the same line (forwards or, by less than a
   * batch, backwards), otherwise from the line start or, for the line running through `base`, from `base`.
   */
  columnOf(byteOffset: number, lineStart: number): number {
    const { buf, base, charset } = this;
    const from = this.cursorOffset;
    let chars: number;
    if (lineStart === this.cursorLineStart && from >= base) {
      chars =
        byteOffset >= from
          ? this.cursorChars + countChars({ bytes: buf, start: from - base, end: byteOffset - base, charset })
          : this.cursorChars - countChars({ bytes: buf, start: byteOffset - base, end: from - base, charset });
    } else if (lineStart >= base) chars = countChars({ bytes: buf, start: lineStart - base, end: byteOffset - base, charset });
    else chars = this.baseLineChars + countChars({ bytes: buf, start: 0, end: byteOffset - base, charset });
    this.cursorOffset = byteOffset;
    this.cursorLineStart = lineStart;
    this.cursorChars = chars;
    return 1 + chars;
  }

  private scanBuffer(buf: Uint8Array, final: boolean): void {
    this.buf = buf;
    const consumed = this.scan(final);
    // The line feed kept by `locateOffer` belongs to this buffer; a caller may refill the same array.
    this.lineFeedBuf = EMPTY;
    this.listener.onPause();
    if (this.state === FAILED) return;
    this.dropBefore(consumed);
  }

  /** Forgets bytes before buffer index `cut`, keeping what column numbers need. */
  private dropBefore(cut: number): void {
    const { buf, base } = this;
    const cutOffset = base + cut;
    // Leaves the cursor at the cut, where the next columns on this line are counted from.
    if (this.lineStart < cutOffset) this.baseLineChars = this.columnOf(cutOffset, this.lineStart) - 1;
    // The unfinished tail moves to the front of the scanner's own buffer (from a pushed chunk, a copy).
    const tail = buf.length - cut;
    if (buf.buffer === this.gather.buffer) this.gather.copyWithin(0, cut, buf.length);
    else {
      this.gathered = 0;
      this.reserve(tail).set(buf.subarray(cut));
    }
    this.gathered = tail;
    this.carried = tail;
    this.base = cutOffset;
    this.buf = EMPTY;
  }

  private problem(rule: StructureProblem['rule'], byteOffset: number, fatal: boolean, reason?: JsonSyntaxReason): void {
    this.problemAt(rule, byteOffset, this.line, this.lineStart, fatal, reason);
  }

  private problemAt(rule: StructureProblem['rule'], byteOffset: number, line: number, lineStart: number, fatal: boolean, reason?: JsonSyntaxReason): void {
    const column = this.columnOf(byteOffset, lineStart);
    this.listener.onProblem({ rule, fatal, byteOffset, line, column, ...(reason === undefined ? {} : { reason }) });
    if (fatal) this.fail();
  }

  /**
   * Reports the first syntax error of the record at buffer indexes `[start, end)` (the listener calls this
   * when `JSON.parse` rejects a record) and stops parsing.
   */
  failRecord(start: number, end: number, recordLine = this.recordLine, recordLineStart = this.recordLineStart): void {
    const found = findJsonError({ bytes: this.buf, start, end, charset: this.charset });
    const offset = this.base + (found?.offset ?? start);
    const { line, column } = this.locateInRecord(this.base + start, offset, recordLine, recordLineStart);
    this.listener.onProblem({ rule: 'json-syntax', fatal: true, byteOffset: offset, line, column, ...(found ? { reason: found.reason } : {}) });
    this.fail();
  }

  /**
   * An element longer than `maxRecordBytes`: a syntax error within its first `maxRecordBytes` bytes (say
   * an unclosed string that swallowed the rest of the file) is reported as such, otherwise its size.
   */
  private failOversized(start: number): void {
    const limit = Math.min(start + this.maxRecordBytes, this.buf.length);
    const found = findJsonError({ bytes: this.buf, start, end: limit, charset: this.charset });
    if (found !== undefined && found.reason !== 'end-of-input') {
      this.failRecord(start, limit);
      return;
    }
    this.listener.onProblem({ rule: 'record-too-large', fatal: true, byteOffset: this.base + start, line: this.recordLine, column: this.columnOf(this.base + start, this.recordLineStart) });
    this.fail();
  }

  /** Scans `buf` from its start; returns the buffer index where unfinished input begins. */
  private scan(final: boolean): number {
    const buf = this.buf;
    const n = buf.length;
    let i = 0;
    for (;;) {
      if (this.state === FAILED) return n;
      // Whitespace between tokens; line feeds move the line counter.
      const tokenStart = i;
      const tokenLine = this.line;
      const tokenLineStart = this.lineStart;
      while (i < n && isJsonWhitespace(buf[i]!)) {
        if (buf[i] === 0x0a) {
          this.line++;
          this.lineStart = this.base + i + 1;
        }
        i++;
      }
      if (i > tokenStart && this.state <= COLON && !this.warnedWhitespace) {
        // The gateway documents `{"records":` as the file's fixed opening.
        this.warnedWhitespace = true;
        this.problemAt('file-prefix-whitespace', this.base + tokenStart, tokenLine, tokenLineStart, false);
      }
      if (i >= n) {
        if (!final) return i;
        if (this.state !== TRAILING) this.problem('json-syntax', this.base + n, true, 'end-of-input');
        return n;
      }
      const byte = buf[i]!;
      switch (this.state) {
        case START:
          if (byte === 0xef && n - i < 3 && !final) return i;
          if (byte === 0xef && buf[i + 1] === 0xbb && buf[i + 2] === 0xbf) {
            this.problem('file-bom', this.base + i, false);
            i += 3;
          }
          this.state = OPEN;
          break;
        case OPEN:
        case COLON:
        case ARRAY_OPEN: {
          const token = SINGLE_TOKENS[this.state]!;
          if (byte !== token.byte) {
            this.problem(token.rule, this.base + i, true, token.reason);
            break;
          }
          this.state = token.next;
          i++;
          break;
        }
        case KEY: {
          if (byte !== 0x22) {
            this.problem(byte === 0x7d ? 'file-prefix' : 'json-syntax', this.base + i, true, byte === 0x7d ? undefined : 'unexpected-character');
            break;
          }
          let close = i + 1;
          while (close < n && buf[close] !== 0x22 && buf[close]! >= 0x20) close++;
          if (close >= n) {
            if (!final) return i;
            this.problem('json-syntax', this.base + n, true, 'end-of-input');
            break;
          }
          if (buf[close] !== 0x22) {
            this.problem('json-syntax', this.base + close, true, 'control-character');
            break;
          }
          const isRecordsKey = close - i - 1 === RECORDS_KEY.length && RECORDS_KEY.every((code, k) => buf[i + 1 + k] === code);
          if (!isRecordsKey) {
            this.problem('file-prefix', this.base + i, true);
            break;
          }
          this.state = COLON;
          i = close + 1;
          break;
        }
        case FIRST:
        case VALUE:
          if (byte === 0x5d) {
            if (this.state === VALUE) this.problemAt('json-syntax', this.lastComma, this.lastCommaLine, this.lastCommaLineStart, true, 'trailing-comma');
            else {
              this.state = AFTER_ARRAY;
              i++;
            }
            break;
          }
          if (byte === 0x2c) {
            this.problem('json-syntax', this.base + i, true, 'unexpected-character');
            break;
          }
          {
            const offered = byte === 0x7b && this.exactRun === 0 && this.listener.tryBatch !== undefined ? this.offerBatch(i) : -1;
            if (offered >= 0) {
              i = offered;
              this.state = NEXT;
              break;
            }
            const end = this.scanRecord(i, final);
            if (end < 0) return i;
            if (this.exactRun > 0) this.exactRun--;
            i = end;
            if (!this.failed) this.state = NEXT;
          }
          break;
        case NEXT:
          if (byte === 0x2c) {
            this.lastComma = this.base + i;
            this.lastCommaLine = this.line;
            this.lastCommaLineStart = this.lineStart;
            this.state = VALUE;
          } else if (byte === 0x5d) this.state = AFTER_ARRAY;
          else this.problem('json-syntax', this.base + i, true, 'unexpected-character');
          i++;
          break;
        case AFTER_ARRAY:
          if (byte === 0x7d) this.state = TRAILING;
          else if (byte === 0x2c) this.problem('file-extra-field', this.base + i, true);
          else this.problem('json-syntax', this.base + i, true, 'unexpected-character');
          i++;
          break;
        default:
          this.problem('trailing-content', this.base + i, true);
          break;
      }
    }
  }

  /**
   * Finds up to {@link FAST_BATCH_RECORDS} records from buffer index `first` by taking each record to end
   * at the next `}` (right for flat records), with only commas and whitespace between them, and offers
   * them to the listener, which proves or refuses the split. Returns the index after the last record, or -1.
   */
  private offerBatch(first: number): number {
    const { buf, offered } = this;
    let at = first;
    let count = 0;
    // Only the line feeds between records are counted here: inside a record they are the listener's to find (see `locateOffer`).
    let line = this.line;
    let lineStart = this.lineStart;
    while (count < FAST_BATCH_RECORDS && buf[at] === 0x7b) {
      const close = buf.indexOf(0x7d, at + 1);
      if (close < 0 || close + 1 - at > this.maxRecordBytes) break;
      const slot = count * OFFER_SLOTS;
      offered[slot + OFFER_START] = at;
      offered[slot + OFFER_END] = close + 1;
      offered[slot + OFFER_LINE] = line;
      offered[slot + OFFER_LINE_START] = lineStart;
      count++;
      let next = close + 1;
      let comma = false;
      for (; next < buf.length; next++) {
        const byte = buf[next]!;
        if (byte === 0x2c && !comma) comma = true;
        else if (byte === 0x0a) {
          line++;
          lineStart = this.base + next + 1;
        } else if (!isJsonWhitespace(byte)) break;
      }
      if (!comma) break;
      at = next;
    }
    if (count === 0) return -1;
    const last = (count - 1) * OFFER_SLOTS;
    // The line where the last record ends, were there no line feed inside a record; `locateOffer` corrects it.
    this.offerEndLine = offered[last + OFFER_LINE]!;
    this.offerEndLineStart = offered[last + OFFER_LINE_START]!;
    if (!this.listener.tryBatch!(offered, count)) {
      this.exactRun = this.refusalRun;
      this.refusalRun = Math.min(this.refusalRun * 2, MAX_EXACT_RUN);
      return -1;
    }
    this.refusalRun = FAST_BATCH_RECORDS;
    this.recordLine = offered[last + OFFER_LINE]!;
    this.recordLineStart = offered[last + OFFER_LINE_START]!;
    this.line = this.offerEndLine;
    this.lineStart = this.offerEndLineStart;
    return offered[last + OFFER_END]!;
  }

  /**
   * Corrects the lines of an offer (see {@link ScanListener.tryBatch}) whose records may hold line feeds
   * (whitespace between their tokens): counts every line feed from the first record's start to the last
   * one's end. One native `indexOf` per line feed, the next one kept for the rest of the buffer, so a
   * buffer without line feeds is searched once.
   */
  locateOffer(records: Float64Array, count: number): void {
    const buf = this.buf;
    const first = records[OFFER_START]!;
    if (this.lineFeedBuf !== buf || this.nextLineFeed < first) {
      this.lineFeedBuf = buf;
      const found = buf.indexOf(0x0a, first);
      this.nextLineFeed = found < 0 ? buf.length : found;
    }
    let line = this.line;
    let lineStart = this.lineStart;
    for (let k = 0; k <= count; k++) {
      const to = k < count ? records[k * OFFER_SLOTS + OFFER_START]! : records[(count - 1) * OFFER_SLOTS + OFFER_END]!;
      while (this.nextLineFeed < to) {
        line++;
        lineStart = this.base + this.nextLineFeed + 1;
        const found = buf.indexOf(0x0a, this.nextLineFeed + 1);
        this.nextLineFeed = found < 0 ? buf.length : found;
      }
      if (k === count) break;
      records[k * OFFER_SLOTS + OFFER_LINE] = line;
      records[k * OFFER_SLOTS + OFFER_LINE_START] = lineStart;
    }
    this.offerEndLine = line;
    this.offerEndLineStart = lineStart;
  }

  /**
   * Scans one array element from buffer index `start`. Returns its end index, or -1 when the element
   * continues in bytes not yet received. Hands complete elements to the listener.
   */
  private scanRecord(start: number, final: boolean): number {
    const buf = this.buf;
    const n = buf.length;
    this.recordLine = this.line;
    this.recordLineStart = this.lineStart;
    const element = this.element;
    scanElement({ bytes: buf, start, end: n, gbk: this.gbk, final, into: element });
    const end = element.end;
    if ((end < 0 ? n : end) - start > this.maxRecordBytes) {
      this.failOversized(start);
      return n;
    }
    if (end < 0) {
      if (!final) return -1;
      this.failRecord(start, n);
      return n;
    }
    if (element.lineFeeds > 0) {
      this.line += element.lineFeeds;
      this.lineStart = this.base + element.lastLineStart;
    }
    this.listener.onRecord(start, end, element.colons, element.flags);
    return end;
  }
}

/**
 * What {@link scanElement} found. One object is reused for every element: the scan allocates nothing.
 *
 * @example
 * ```ts
 * const element: ScannedElement = { end: -1, colons: 0, flags: 0, lineFeeds: 0, lastLineStart: 0 };
 * ```
 */
export interface ScannedElement {
  /** Index just past the element, or -1 when it continues beyond `end`. */
  end: number;
  /** Key/value separators at the element's top level: its key count if it is an object. */
  colons: number;
  flags: number;
  /** Line feeds outside strings, and the index after the last one. */
  lineFeeds: number;
  lastLineStart: number;
}

/**
 * Finds where the JSON value starting at `bytes[start]` ends, without validating it: string-, escape-
 * and (for GBK) trail-byte-aware depth counting. Scalars end at the next delimiter.
 *
 * @example
 * ```ts
 * const into: ScannedElement = { end: -1, colons: 0, flags: 0, lineFeeds: 0, lastLineStart: 0 };
 * scanElement({ bytes: new TextEncoder().encode('{"a":"}"},'), start: 0, end: 10, gbk: false, final: false, into });
 * into.end; // 9
 * ```
 */
export function scanElement({ bytes: buf, start, end: n, gbk, final, into }: { bytes: Uint8Array; start: number; end: number; gbk: boolean; final: boolean; into: ScannedElement }): void {
  let depth = 0;
  let colons = 0;
  let flags = 0;
  let lineFeeds = 0;
  let lastLineStart = 0;
  let i = start;
  let end = -1;
  const first = buf[start]!;
  if (first === 0x7b || first === 0x5b) {
    for (; i < n; i++) {
      let b = buf[i]!;
      if (b === 0x22) {
        // Two string loops, so UTF-8 files (the most) never pay for the GBK lead/trail checks per byte.
        if (gbk) {
          for (i++; i < n; i++) {
            b = buf[i]!;
            if (b === 0x22) break;
            if (b === 0x5c) {
              i++;
              if (buf[i] === 0x75) flags |= RECORD_HAS_UNICODE_ESCAPE;
            } else if (b >= 0x80) {
              flags |= RECORD_HAS_NON_ASCII;
              if (b === 0x80 || b === 0xff) flags |= RECORD_NOT_GBK;
              else if (i + 1 < n && isGbkTrail(buf[i + 1]!)) i++;
            }
          }
        } else {
          for (i++; i < n; i++) {
            b = buf[i]!;
            if (b === 0x22) break;
            if (b === 0x5c) {
              i++;
              if (buf[i] === 0x75) flags |= RECORD_HAS_UNICODE_ESCAPE;
            }
          }
        }
      } else if (b === 0x7b || b === 0x5b) depth++;
      else if (b === 0x7d || b === 0x5d) {
        if (--depth === 0) {
          end = i + 1;
          break;
        }
      } else if (b === 0x3a) {
        if (depth === 1) colons++;
      } else if (b === 0x0a) {
        lineFeeds++;
        lastLineStart = i + 1;
      }
    }
  } else if (first === 0x22) {
    for (i++; i < n; i++) {
      const b = buf[i]!;
      if (b === 0x22) {
        end = i + 1;
        break;
      }
      if (b === 0x5c) i++;
      else if (gbk && b >= 0x81 && i + 1 < n && isGbkTrail(buf[i + 1]!)) i++;
    }
  } else {
    while (i < n && buf[i] !== 0x2c && buf[i] !== 0x5d && buf[i] !== 0x7d && !isJsonWhitespace(buf[i]!)) i++;
    if (i < n || final) end = i;
  }
  into.end = end;
  into.colons = colons;
  into.flags = flags;
  into.lineFeeds = lineFeeds;
  into.lastLineStart = lastLineStart;
}
