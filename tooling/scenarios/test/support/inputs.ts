import type { ReadAt } from '@zhima/validator';
import type { Random } from './random.js';

/** A web stream in 64 KiB chunks, the size Node's file streams use; no random access. */
export function webStream(bytes: Uint8Array): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(at, (at += 64 * 1024)));
    },
  });
}

/** Chunks of seeded random sizes, from 1 byte to 128 KiB, so records and characters straddle chunk edges. */
export async function* ragged(bytes: Uint8Array, random: Random): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; ) {
    const size = random.next() < 0.1 ? random.int(1, 8) : random.int(1, 128 * 1024);
    yield bytes.slice(at, (at += size));
  }
}

/** Random access to the same bytes, as the README asks of stream callers. */
export function readAtOf(bytes: Uint8Array): ReadAt {
  return async ({ offset, length }) => bytes.slice(offset, offset + length);
}
