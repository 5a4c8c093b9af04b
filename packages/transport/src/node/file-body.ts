import { open } from 'node:fs/promises';

const CHUNK_BYTES = 64 * 1024;

/**
 * Streams a file from disk as a request body, one 64 KiB read per pull, with its exact length for
 * `content-length`: a 50 MB file never sits in memory. The file is opened now and closed when the
 * stream ends, fails or is cancelled.
 *
 * @example
 * ```ts
 * const { body, contentLength } = await createFileBody({ path: 'bench/data/upload.bin' });
 * await transport.send({ method: 'POST', url, headers: { 'content-length': String(contentLength) }, body });
 * ```
 */
export async function createFileBody({ path }: { path: string }): Promise<{ body: ReadableStream<Uint8Array>; contentLength: number }> {
  const file = await open(path, 'r');
  const { size } = await file.stat();
  let position = 0;
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const { bytesRead, buffer } = await file.read({ buffer: new Uint8Array(Math.min(CHUNK_BYTES, size - position) || 1), position });
          if (bytesRead === 0) {
            await file.close();
            controller.close();
            return;
          }
          position += bytesRead;
          controller.enqueue(buffer.subarray(0, bytesRead));
        } catch (error) {
          await file.close();
          controller.error(error);
        }
      },
      cancel: () => file.close(),
    },
    { highWaterMark: 0 },
  );
  return { body, contentLength: size };
}
