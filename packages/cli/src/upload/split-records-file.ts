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
 * One piece of a split records file: a complete `{"records":[…]}` file of its own.
 *
 * @example
 * ```ts
 * const piece: RecordsPiece = { bytes, records: 3518 };
 * ```
 */
export interface RecordsPiece {
  bytes: Uint8Array;
  records: number;
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

function piece(records: Uint8Array[], size: number): RecordsPiece {
  const bytes = new Uint8Array(size);
  bytes.set(OPENING, 0);
  let at = OPENING.length;
  records.forEach((record, k) => {
    if (k > 0) bytes[at++] = COMMA;
    bytes.set(record, at);
    at += record.length;
  });
  bytes.set(CLOSING, at);
  return { bytes, records: records.length };
}

/**
 * Splits a records file that `validateRecords` accepted into independent files within the bounds,
 * streaming: each record's bytes are copied as they are (no re-encoding, so GBK stays GBK), and only
 * the piece being built is held in memory. In GBK a trail byte may equal `\`, `{` or `]`, so the
 * scanner steps over double-byte characters. The input must be valid; garbage in, garbage out.
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
  const gbk = fileCharset === 'GBK';
  const maxRecords = bounds.maxRecordsPerFile ?? Number.POSITIVE_INFINITY;
  let depth = 0;
  let inString = false;
  let escaped = false;
  let trailByte = false;
  let recordParts: Uint8Array[] = [];
  let pending: Uint8Array[] = [];
  let pendingSize = OPENING.length + CLOSING.length;

  for await (const chunk of chunks) {
    let recordStart = depth >= 3 ? 0 : -1;
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i]!;
      if (trailByte) {
        trailByte = false;
      } else if (gbk && byte >= 0x81) {
        trailByte = true;
      } else if (inString) {
        if (escaped) escaped = false;
        else if (byte === BACKSLASH) escaped = true;
        else if (byte === QUOTE) inString = false;
      } else if (byte === QUOTE) {
        inString = true;
      } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
        depth++;
        // Depth 1 is the outer object, 2 the records array, 3 a record.
        if (depth === 3) recordStart = i;
      } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
        depth--;
        if (depth === 2) {
          recordParts.push(chunk.subarray(recordStart, i + 1));
          // A copy: the piece must not keep the whole input chunk alive.
          const record = new Uint8Array(Buffer.concat(recordParts));
          recordParts = [];
          recordStart = -1;
          const grown = pendingSize + record.length + (pending.length > 0 ? 1 : 0);
          if (pending.length > 0 && (grown > bounds.maxFileBytes || pending.length >= maxRecords)) {
            yield piece(pending, pendingSize);
            pending = [];
            pendingSize = OPENING.length + CLOSING.length;
          }
          pendingSize += record.length + (pending.length > 0 ? 1 : 0);
          pending.push(record);
        }
      }
    }
    if (recordStart >= 0) recordParts.push(chunk.subarray(recordStart));
  }
  if (pending.length > 0) yield piece(pending, pendingSize);
}
