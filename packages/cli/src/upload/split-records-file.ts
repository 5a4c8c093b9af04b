/**
 * Split bounds for {@link splitRecordsFile}.
 *
 * @example
 * ```ts
 * const bounds: SplitBounds = { maxFileBytes: 50 * 1024 * 1024 };
 * ```
 */
export interface SplitBounds {
  maxFileBytes: number;
  maxRecordsPerFile?: number | undefined;
}

/**
 * One piece of a split records file: a complete `{"records":[…]}` file of its own, with its first and
 * last record's bytes (for the receipt's first/last primary key).
 *
 * @example
 * ```ts
 * const piece: RecordsPiece = { bytes, records: 3518, firstRecord, lastRecord };
 * ```
 */
export interface RecordsPiece {
  bytes: Uint8Array;
  records: number;
  firstRecord: Uint8Array;
  lastRecord: Uint8Array;
}

const OPENING = new TextEncoder().encode('{"records":[');
const CLOSING = new TextEncoder().encode(']}');
const COMMA = 0x2c;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/**
 * Finds each record of a records file that `validateRecords` accepted, chunk by chunk, and hands its
 * bytes to `onRecord` as they are (one or more subarrays of the chunks, no copy: keep them only by
 * copying). In GBK a trail byte may equal `\`, `{` or `]`, so the scanner steps over double-byte
 * characters. The input must be valid; garbage in, garbage out.
 *
 * @example
 * ```ts
 * const scanner = new RecordScanner({ fileCharset: 'UTF-8', onRecord: (segments) => count++ });
 * for await (const chunk of chunks) scanner.push(chunk);
 * ```
 */
export class RecordScanner {
  private readonly gbk: boolean;
  private readonly onRecord: (segments: Uint8Array[]) => void;
  private depth = 0;
  private inString = false;
  private escaped = false;
  private trailByte = false;
  private segments: Uint8Array[] = [];

  constructor({ fileCharset, onRecord }: { fileCharset: 'UTF-8' | 'GBK'; onRecord: (segments: Uint8Array[]) => void }) {
    this.gbk = fileCharset === 'GBK';
    this.onRecord = onRecord;
  }

  push(chunk: Uint8Array): void {
    let recordStart = this.depth >= 3 ? 0 : -1;
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i]!;
      if (this.trailByte) {
        this.trailByte = false;
      } else if (this.gbk && byte >= 0x81) {
        this.trailByte = true;
      } else if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (byte === BACKSLASH) this.escaped = true;
        else if (byte === QUOTE) this.inString = false;
      } else if (byte === QUOTE) {
        this.inString = true;
      } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
        this.depth++;
        // Depth 1 is the outer object, 2 the records array, 3 a record.
        if (this.depth === 3) recordStart = i;
      } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
        this.depth--;
        if (this.depth === 2) {
          this.segments.push(chunk.subarray(recordStart, i + 1));
          const segments = this.segments;
          this.segments = [];
          recordStart = -1;
          this.onRecord(segments);
        }
      }
    }
    if (recordStart >= 0) this.segments.push(chunk.subarray(recordStart));
  }
}

function copyOf(segments: Uint8Array[]): Uint8Array {
  if (segments.length === 1) return segments[0]!.slice();
  const bytes = new Uint8Array(segments.reduce((sum, segment) => sum + segment.length, 0));
  let at = 0;
  for (const segment of segments) {
    bytes.set(segment, at);
    at += segment.length;
  }
  return bytes;
}

/**
 * Builds one piece in a single buffer: records are copied straight from the input chunks, so a piece
 * of 50 MiB costs 50 MiB, not one small array per record.
 */
class PieceBuilder {
  private bytes: Uint8Array;
  private size = OPENING.length;
  private count = 0;
  private first: Uint8Array | undefined;
  private lastStart = 0;

  constructor(capacity: number) {
    this.bytes = new Uint8Array(capacity);
    this.bytes.set(OPENING, 0);
  }

  get records(): number {
    return this.count;
  }

  /** Whether a record of `length` bytes still fits within `maxFileBytes`. */
  fits(length: number, maxFileBytes: number): boolean {
    return this.size + (this.count > 0 ? 1 : 0) + length + CLOSING.length <= maxFileBytes;
  }

  add(segments: Uint8Array[], length: number): void {
    const needed = this.size + 1 + length + CLOSING.length;
    if (needed > this.bytes.length) {
      // Only a single record larger than the bound gets here (it goes alone, as the gateway will judge it).
      const grown = new Uint8Array(needed);
      grown.set(this.bytes.subarray(0, this.size));
      this.bytes = grown;
    }
    if (this.count > 0) this.bytes[this.size++] = COMMA;
    this.lastStart = this.size;
    for (const segment of segments) {
      this.bytes.set(segment, this.size);
      this.size += segment.length;
    }
    if (this.count === 0) this.first = this.bytes.slice(this.lastStart, this.size);
    this.count++;
  }

  finish(): RecordsPiece {
    this.bytes.set(CLOSING, this.size);
    const end = this.size + CLOSING.length;
    return { bytes: this.bytes.subarray(0, end), records: this.count, firstRecord: this.first!, lastRecord: this.bytes.slice(this.lastStart, this.size) };
  }
}

/**
 * Splits a records file that `validateRecords` accepted into independent files within the bounds,
 * streaming: each record's bytes are copied as they are (no re-encoding, so GBK stays GBK), and only
 * the piece being built (plus the input chunks a record spans) is held in memory.
 *
 * @example
 * ```ts
 * for await (const { bytes, records } of splitRecordsFile({ chunks: file.chunks, fileCharset: 'UTF-8', bounds: { maxFileBytes: 50 * 1024 * 1024 } })) {
 *   await client.batchFeedback({ file: bytes, records, columns, primaryKeyColumns });
 * }
 * ```
 */
export async function* splitRecordsFile({
  chunks,
  fileCharset,
  bounds,
}: {
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
  fileCharset: 'UTF-8' | 'GBK';
  bounds: SplitBounds;
}): AsyncGenerator<RecordsPiece> {
  const maxRecords = bounds.maxRecordsPerFile ?? Number.POSITIVE_INFINITY;
  const ready: RecordsPiece[] = [];
  let builder: PieceBuilder | undefined;
  const scanner = new RecordScanner({
    fileCharset,
    onRecord: (segments) => {
      const length = segments.reduce((sum, segment) => sum + segment.length, 0);
      if (builder !== undefined && (!builder.fits(length, bounds.maxFileBytes) || builder.records >= maxRecords)) {
        ready.push(builder.finish());
        builder = undefined;
      }
      builder ??= new PieceBuilder(bounds.maxFileBytes);
      builder.add(segments, length);
    },
  });
  for await (const chunk of chunks) {
    scanner.push(chunk);
    while (ready.length > 0) yield ready.shift()!;
  }
  if (builder !== undefined) yield builder.finish();
}

/**
 * The first and last record of a valid records file, read as it streams by (the file is not held):
 * for the receipt's first and last primary key of a part sent whole.
 *
 * @example
 * ```ts
 * const ends = recordEnds({ fileCharset: 'UTF-8' });
 * for await (const chunk of chunks) { ends.push(chunk); hash.update(chunk); }
 * const { first, last } = ends.result();
 * ```
 */
export function recordEnds({ fileCharset }: { fileCharset: 'UTF-8' | 'GBK' }): { push(chunk: Uint8Array): void; result(): { first: Uint8Array | undefined; last: Uint8Array | undefined } } {
  let first: Uint8Array | undefined;
  let last: Uint8Array[] | undefined;
  let lastCopied: Uint8Array | undefined;
  const scanner = new RecordScanner({
    fileCharset,
    onRecord: (segments) => {
      if (first === undefined) first = copyOf(segments);
      last = segments;
      lastCopied = undefined;
    },
  });
  return {
    // The last record's segments point into chunks the caller may reuse: copy them before the next chunk.
    push(chunk) {
      if (last !== undefined && lastCopied === undefined) {
        lastCopied = copyOf(last);
        last = [lastCopied];
      }
      scanner.push(chunk);
    },
    result: () => ({ first, last: last === undefined ? undefined : copyOf(last) }),
  };
}
