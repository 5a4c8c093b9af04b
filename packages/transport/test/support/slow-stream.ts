import { patternBytes } from '../../src/testing/index.js';

/** `chunks` KiB of the test pattern, one KiB every `everyMs`: an upload that keeps moving, slowly. */
export function slowStream({ chunks, everyMs }: { chunks: number; everyMs: number }): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (sent === chunks) return controller.close();
        await new Promise((resolve) => setTimeout(resolve, everyMs));
        controller.enqueue(patternBytes({ offset: sent * 1024, length: 1024 }));
        sent += 1;
      },
    },
    { highWaterMark: 0 },
  );
}
