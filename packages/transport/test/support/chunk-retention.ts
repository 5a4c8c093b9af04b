import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Transport } from '@zhima/core';

// A forced collection, so that whether a sent chunk is still reachable can be observed directly.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

const CHUNK_BYTES = 64 * 1024;

/**
 * Streams 24 MB in 64 KiB chunks to `url` (which must read the whole body) and, once 16 MB have been
 * produced — far beyond any socket buffer — collects garbage and counts how many of the first ten
 * chunks are still alive. A transport that holds the upload keeps all ten.
 */
export async function firstChunksAliveMidUpload({ transport, url }: { transport: Transport; url: string }): Promise<number> {
  const total = 384 * CHUNK_BYTES;
  const firstChunks: Array<WeakRef<Uint8Array>> = [];
  let produced = 0;
  let alive = -1;
  const body = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (produced === total) return controller.close();
        if (produced === 256 * CHUNK_BYTES) {
          collectGarbage();
          alive = firstChunks.filter((ref) => ref.deref() !== undefined).length;
        }
        const chunk = new Uint8Array(CHUNK_BYTES);
        if (firstChunks.length < 10) firstChunks.push(new WeakRef(chunk));
        produced += CHUNK_BYTES;
        controller.enqueue(chunk);
      },
    },
    { highWaterMark: 0 },
  );
  await transport.send({ method: 'POST', url, headers: { 'content-length': String(total) }, body });
  return alive;
}
