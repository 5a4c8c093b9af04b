// How a request body arrived, as the matrix's echo server measured it, and whether that is a shape
// the gateway takes for an upload: a content-length, or chunked in chunks of at least 2 MiB (its
// access layer limits the number of chunks per upload). Plain JavaScript, no imports: the runtimes
// load this file too.

/** The smallest chunk the gateway's access layer is known to take in numbers (the official SDK's size). */
export const MIN_CHUNK_BYTES = 2 * 1024 * 1024;

/**
 * @typedef {{ contentLength: string | null, transferEncoding: string | null, chunks: number[] | null, length: number }} WireShape
 */

/**
 * Whether a body arrived as an upload should: with its length, or in chunks of at least 2 MiB (the
 * last may be shorter).
 * @param {WireShape} shape
 */
export function isUploadShape(shape) {
  if (shape.transferEncoding === null) return shape.contentLength === String(shape.length);
  return shape.transferEncoding === 'chunked' && (shape.chunks ?? []).slice(0, -1).every((size) => size >= MIN_CHUNK_BYTES);
}

/** @param {number} bytes */
function size(bytes) {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} B`;
}

/**
 * One line for people: `content-length 3145728`, or `chunked: 48 chunks of 64.0 KiB (last 3 B)`.
 * @param {WireShape} shape
 */
export function describeShape(shape) {
  if (shape.transferEncoding === null) return `content-length ${shape.contentLength ?? '(none)'}`;
  const chunks = shape.chunks ?? [];
  if (chunks.length === 0) return `${shape.transferEncoding}: no chunks`;
  const body = chunks.length > 1 ? chunks.slice(0, -1) : chunks;
  const smallest = Math.min(...body);
  const largest = Math.max(...body);
  const sizes = smallest === largest ? size(largest) : `${size(smallest)}–${size(largest)}`;
  const last = chunks.length > 1 ? ` (last ${size(/** @type {number} */ (chunks.at(-1)))})` : '';
  return `${shape.transferEncoding}: ${chunks.length} chunk${chunks.length === 1 ? '' : 's'} of ${sizes}${last}`;
}
