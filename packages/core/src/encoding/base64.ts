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
  const compact = text.replace(/\s+/g, '');
  let binary: string;
  try {
    binary = atob(compact);
  } catch (cause) {
    throw new ZhimaError({ code: 'PARAM_INVALID', message: 'The text is not valid base64.', cause });
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
