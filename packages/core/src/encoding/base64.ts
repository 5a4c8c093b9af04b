import { ZhimaError } from '../errors/zhima-error.js';

const CHUNK = 0x8000;

/**
 * Standard base64 (with padding) of bytes, on any runtime.
 *
 * @example
 * ```ts
 * bytesToBase64({ bytes: new Uint8Array([1, 2, 3]) }); // 'AQID'
 * ```
 */
export function bytesToBase64({ bytes }: { bytes: Uint8Array }): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += CHUNK) {
    binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  }
  return btoa(binary);
}

/**
 * Decodes standard base64, ignoring white space (keys pasted from consoles wrap lines).
 *
 * @example
 * ```ts
 * base64ToBytes({ text: 'AQID' }); // Uint8Array [1, 2, 3]
 * ```
 */
export function base64ToBytes({ text }: { text: string }): Uint8Array {
  // atob's forgiving decode, without its per-call cost (a signature is decoded on every answer).
  const compact = WHITESPACE.test(text) ? text.replace(/\s+/g, '') : text;
  let end = compact.length;
  if (end % 4 === 0 && compact.charCodeAt(end - 1) === PAD) end -= compact.charCodeAt(end - 2) === PAD ? 2 : 1;
  if (end % 4 === 1) throw notBase64();
  const bytes = new Uint8Array((end * 3) >> 2);
  let bits = 0;
  let buffered = 0;
  let out = 0;
  for (let i = 0; i < end; i++) {
    const code = compact.charCodeAt(i);
    const value = code < 128 ? DECODE[code]! : -1;
    if (value < 0) throw notBase64();
    bits = (bits << 6) | value;
    buffered += 6;
    if (buffered >= 8) {
      buffered -= 8;
      bytes[out++] = (bits >> buffered) & 0xff;
    }
  }
  return bytes;
}

const WHITESPACE = /\s/;
const PAD = 0x3d;
const DECODE = new Int8Array(128).fill(-1);
for (const [index, char] of [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'].entries()) DECODE[char.charCodeAt(0)] = index;

function notBase64(): ZhimaError<'PARAM_INVALID'> {
  return new ZhimaError({ code: 'PARAM_INVALID', message: 'The text is not valid base64.' });
}
