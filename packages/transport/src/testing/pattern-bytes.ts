/**
 * Byte `index` of an endless, non-repeating test pattern: misplaced, dropped or duplicated chunks
 * change the hash, and any range can be produced without holding the rest.
 *
 * @example
 * ```ts
 * const first = patternByte(0);
 * ```
 */
export function patternByte(index: number): number {
  // Fibonacci hashing: neighbouring indexes land far apart, with no period below 2^32.
  return Math.imul(index ^ (index >>> 16), 0x9e3779b1) >>> 24;
}

/**
 * `length` bytes of the test pattern starting at `offset`.
 *
 * @example
 * ```ts
 * const body = patternBytes({ offset: 0, length: 1024 });
 * ```
 */
export function patternBytes({ offset = 0, length }: { offset?: number; length: number }): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i += 1) bytes[i] = patternByte(offset + i);
  return bytes;
}

// Odd sizes on purpose: 1-byte and unaligned chunks catch transports that assume chunk boundaries.
const CHUNK_SIZES = [1, 7, 65_536, 1_000, 16_384, 3, 131_072, 4_096];

/**
 * A lazily generated stream of `length` pattern bytes in irregular chunks. Nothing is produced before
 * the consumer pulls; `onProduce` sees the running total, so tests can prove a transport never reads
 * far ahead of the socket.
 *
 * @example
 * ```ts
 * const body = patternStream({ length: 60 * 1024 * 1024 });
 * await transport.send({ method: 'POST', url, headers: { 'content-length': String(60 * 1024 * 1024) }, body });
 * ```
 */
export function patternStream({ length, onProduce }: { length: number; onProduce?: (producedBytes: number) => void }): ReadableStream<Uint8Array> {
  let produced = 0;
  let turn = 0;
  return new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (produced >= length) {
          controller.close();
          return;
        }
        const size = Math.min(CHUNK_SIZES[turn++ % CHUNK_SIZES.length] ?? 1, length - produced);
        controller.enqueue(patternBytes({ offset: produced, length: size }));
        produced += size;
        onProduce?.(produced);
      },
    },
    { highWaterMark: 0 },
  );
}
