import { invalidParam, type Rejection } from '../gateway/answers.js';

const INITIAL_BYTES = 64 * 1024;

function tooLarge(maxBytes: number): Rejection {
  // Whole MiB read as MiB (the gateway's 50 MiB); any other bound in bytes, never as "0.0 MiB".
  const bound = maxBytes % (1024 * 1024) === 0 ? `${maxBytes / 1024 / 1024} MiB` : `${maxBytes} 字节`;
  return invalidParam({
    subCode: 'isv.request-body-too-large',
    subMsg: `请求体超过 ${bound} 上限，请拆分文件 / The request body exceeds the ${maxBytes}-byte limit: split the file`,
    status: 413,
  });
}

/**
 * Reads a request body into one buffer, refusing it as soon as it passes `maxBytes`: a declared
 * `content-length` over the bound is refused unread, and a stream is counted chunk by chunk and cancelled
 * at the bound, so an oversized upload never sits in memory. Chunks are copied into one buffer that
 * grows with the bytes actually received (doubling, never past the declared length): a client that
 * declares 60 MiB and sends 10 bytes costs 64 KiB, not 60 MiB.
 *
 * @example
 * ```ts
 * const bytes = await readBoundedBody({ request, maxBytes: 60 * 1024 * 1024 });
 * ```
 */
export async function readBoundedBody({ request, maxBytes }: { request: Request; maxBytes: number }): Promise<Uint8Array> {
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  if (declared > maxBytes) {
    await request.body?.cancel().catch(() => undefined);
    throw tooLarge(maxBytes);
  }
  if (request.body === null) return new Uint8Array();
  // The declared length is a promise, not bytes: it only caps the growth.
  const limit = Number.isInteger(declared) && declared >= 0 ? declared : maxBytes;
  let buffer = new Uint8Array(Math.min(limit, INITIAL_BYTES));
  let length = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (length + value.length > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(maxBytes);
    }
    if (length + value.length > buffer.length) {
      const needed = length + value.length;
      // A body longer than it declared (possible in-process) still grows by doubling.
      const cap = needed <= limit ? limit : maxBytes;
      const grown = new Uint8Array(Math.max(needed, Math.min(cap, buffer.length * 2)));
      grown.set(buffer.subarray(0, length));
      buffer = grown;
    }
    buffer.set(value, length);
    length += value.length;
  }
  return buffer.subarray(0, length);
}
