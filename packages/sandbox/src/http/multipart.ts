import { decodeText, type Charset } from '@zhima/core/internal';
import { invalidParam, type Rejection } from '../gateway/answers.js';
import { parseHeaderValue } from './header-params.js';

/**
 * One part of a `multipart/form-data` body. Text params have no `filename`; file params have one.
 *
 * @example
 * ```ts
 * const part: MultipartPart = { name: 'columns', filename: undefined, contentType: 'text/plain', charset: 'GBK', body };
 * ```
 */
export interface MultipartPart {
  name: string;
  filename: string | undefined;
  contentType: string | undefined;
  /** The part's own `charset` from its `Content-Type`, when given (Java sends the request charset). */
  charset: string | undefined;
  /** A view into the request body: no copy. */
  body: Uint8Array;
}

const MAX_PARTS = 256;
const MAX_HEADER_BYTES = 16 * 1024;
const CR = 0x0d;
const LF = 0x0a;
const DASH = 0x2d;
const encoder = new TextEncoder();
const latin1 = new TextDecoder('latin1');

function malformed(detail: string): Rejection {
  return invalidParam({ subCode: 'isv.malformed-multipart', subMsg: `multipart 请求体格式错误：${detail}` });
}

function indexOfBytes(haystack: Uint8Array, needle: Uint8Array, from: number): number {
  const first = needle[0]!;
  const last = haystack.length - needle.length;
  for (let i = haystack.indexOf(first, from); i !== -1 && i <= last; i = haystack.indexOf(first, i + 1)) {
    let j = 1;
    while (j < needle.length && haystack[i + j] === needle[j]) j++;
    if (j === needle.length) return i;
  }
  return -1;
}

// Headers are ASCII except a filename, which clients write in the request charset.
function decodeHeaders(bytes: Uint8Array, charset: Charset): string {
  try {
    return decodeText({ bytes, charset });
  } catch {
    return latin1.decode(bytes);
  }
}

function readPartHeaders(text: string): Omit<MultipartPart, 'body'> {
  const headers = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  const disposition = headers.get('content-disposition');
  if (disposition === undefined) throw malformed('有一段缺少 Content-Disposition / a part has no Content-Disposition header');
  const { value, params } = parseHeaderValue({ header: disposition });
  if (value !== 'form-data' || params.name === undefined || params.name === '') {
    throw malformed(`Content-Disposition 须为 form-data 且带 name / expected form-data with a name, got "${disposition}"`);
  }
  const contentType = headers.get('content-type');
  const type = contentType === undefined ? undefined : parseHeaderValue({ header: contentType });
  return { name: params.name, filename: params.filename, contentType: type?.value, charset: type?.params.charset };
}

/**
 * Parses a whole `multipart/form-data` body. Tolerates a preamble, an epilogue and bare `LF` line ends;
 * anything else that breaks the format (no boundary, a truncated body without the closing delimiter, a
 * part without a name, oversized part headers, too many parts) answers `40002 isv.malformed-multipart`
 * with the reason, never an exception of another kind.
 *
 * @example
 * ```ts
 * const parts = parseMultipart({ body, boundary: 'xYzZY', charset: 'utf-8' });
 * parts.find((part) => part.name === 'file')?.body;
 * ```
 */
export function parseMultipart({ body, boundary, charset }: { body: Uint8Array; boundary: string; charset: Charset }): MultipartPart[] {
  if (boundary.length === 0 || boundary.length > 200) throw malformed('boundary 缺失或过长 / missing or overlong boundary');
  const delimiter = encoder.encode(`--${boundary}`);
  const nextDelimiter = encoder.encode(`\r\n--${boundary}`);
  let position = body.length >= delimiter.length && indexOfBytes(body.subarray(0, delimiter.length), delimiter, 0) === 0 ? 0 : -1;
  if (position === -1) {
    const found = indexOfBytes(body, nextDelimiter, 0);
    if (found === -1) throw malformed('找不到 boundary / the boundary never occurs in the body');
    position = found + 2;
  }
  const parts: MultipartPart[] = [];
  for (;;) {
    let cursor = position + delimiter.length;
    if (body[cursor] === DASH && body[cursor + 1] === DASH) return parts;
    while (body[cursor] === 0x20 || body[cursor] === 0x09) cursor++;
    if (body[cursor] === CR) cursor++;
    if (body[cursor] !== LF) throw malformed('boundary 后缺少换行或请求体被截断 / a boundary is not followed by a line break, or the body is truncated');
    cursor++;
    if (parts.length === MAX_PARTS) throw malformed(`超过 ${MAX_PARTS} 段 / more than ${MAX_PARTS} parts`);
    let headerEnd: number;
    let contentStart: number;
    if (body[cursor] === CR && body[cursor + 1] === LF) {
      headerEnd = cursor;
      contentStart = cursor + 2;
    } else {
      const window = body.subarray(cursor, cursor + MAX_HEADER_BYTES + 4);
      const crlf = indexOfBytes(window, encoder.encode('\r\n\r\n'), 0);
      const lf = indexOfBytes(window, encoder.encode('\n\n'), 0);
      if (crlf === -1 && lf === -1) throw malformed('段头未结束或过长 / part headers are unterminated or over 16 KiB');
      const useCrlf = crlf !== -1 && (lf === -1 || crlf < lf);
      headerEnd = cursor + (useCrlf ? crlf : lf);
      contentStart = headerEnd + (useCrlf ? 4 : 2);
    }
    const headers = readPartHeaders(decodeHeaders(body.subarray(cursor, headerEnd), charset));
    let end = indexOfBytes(body, nextDelimiter, contentStart);
    let next = end + 2;
    if (end === -1) {
      // Bare-LF clients end a part with "\n--boundary".
      end = indexOfBytes(body, nextDelimiter.subarray(1), contentStart);
      next = end + 1;
    }
    if (end === -1) throw malformed('缺少结束 boundary，请求体可能被截断 / the closing boundary is missing: the body is truncated');
    parts.push({ ...headers, body: body.subarray(contentStart, end) });
    position = next;
  }
}
