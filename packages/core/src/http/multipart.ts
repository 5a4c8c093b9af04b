import { encodeText, type Charset } from '../encoding/charset.js';
import { argumentError, requireText } from '../errors/argument-checks.js';
import { ZhimaError } from '../errors/zhima-error.js';

/**
 * File content for an upload. Bytes, `Blob`s (Node's `fs.openAsBlob(path)` gives a lazy one) and
 * `{ open, size }` (a fresh stream of the same bytes from each `open()`, e.g. `openRecordsFile` of
 * `@zhima/validator/node`, which reads 1 MiB at a time where a file `Blob` streams 64 KiB) can be read
 * again for a retry; a bare `{ stream, size }` can be read once, so its request is never retried.
 *
 * @example
 * ```ts
 * const fromDisk: FileContent = await fs.openAsBlob('records.json');
 * const fromStream: FileContent = { stream: response.body!, size: Number(response.headers.get('content-length')) };
 * const reopenable: FileContent = { open: () => new Blob([bytes]).stream(), size: bytes.length };
 * ```
 */
export type FileContent = Uint8Array | Blob | { stream: ReadableStream<Uint8Array>; size: number } | { open: () => ReadableStream<Uint8Array>; size: number };

/**
 * One part of a multipart body: text (encoded in the request charset) or a file.
 *
 * @example
 * ```ts
 * const parts: MultipartPart[] = [{ name: 'records', value: '2' }, { name: 'file', fileName: 'a.json', content: bytes }];
 * ```
 */
export type MultipartPart = { name: string; value: string } | { name: string; fileName: string; content: FileContent; contentType?: string };

/**
 * A multipart body ready to send: bytes when every part is in memory, otherwise a stream with its
 * exact length known up front (so no chunked encoding is needed).
 *
 * @example
 * ```ts
 * const { body, contentType, contentLength } = buildMultipartBody({ parts, charset: 'utf-8' });
 * ```
 */
export interface MultipartBody {
  body: Uint8Array | ReadableStream<Uint8Array>;
  contentType: string;
  contentLength: number;
  /** False when a part is a one-shot stream. */
  replayable: boolean;
}

const CRLF = '\r\n';

type Piece = Uint8Array | { file: FileContent };

/**
 * A random boundary that cannot collide with content by chance.
 *
 * @example
 * ```ts
 * createBoundary(); // '----ZhimaBoundary4f1c…'
 * ```
 */
export function createBoundary(): string {
  const random = crypto.getRandomValues(new Uint8Array(16));
  return `----ZhimaBoundary${Array.from(random, (byte) => byte.toString(16).padStart(2, '0')).join('')}`;
}

function isFileContent(content: unknown): content is FileContent {
  if (content instanceof Uint8Array || content instanceof Blob) return true;
  const { stream, open, size } = (content ?? {}) as { stream?: unknown; open?: unknown; size?: unknown };
  return (stream instanceof ReadableStream || typeof open === 'function') && typeof size === 'number' && Number.isSafeInteger(size) && size >= 0;
}

// A file part as a JavaScript caller may give it: checked here, where its size is first needed.
function checkFilePart(part: { name: string; fileName: string; content: FileContent; contentType?: string }): void {
  if (!isFileContent(part.content)) {
    throw argumentError({ name: `The content of file ${JSON.stringify(String(part.name))}`, expected: 'bytes, a Blob, { open, size } or { stream, size }', value: part.content });
  }
  requireText(part.fileName, 'fileName');
  if (part.contentType !== undefined) requireText(part.contentType, 'contentType');
}

function quoted(text: string): string {
  return text.replace(/["\r\n]/g, (char) => encodeURIComponent(char));
}

function contentSize(content: FileContent): number {
  return content instanceof Uint8Array ? content.length : content.size;
}

function openContent(content: FileContent): ReadableStream<Uint8Array> {
  if (content instanceof Uint8Array) return new Blob([content as Uint8Array<ArrayBuffer>]).stream();
  if (content instanceof Blob) return content.stream();
  if (!('open' in content)) return content.stream;
  // A caller's function: whatever it throws or returns, only a ZhimaError leaves the upload.
  let stream: unknown;
  try {
    stream = content.open();
  } catch (cause) {
    stream = cause;
  }
  if (stream instanceof ReadableStream) return stream;
  throw new ZhimaError({ code: 'PARAM_INVALID', message: 'open() must return a ReadableStream.', cause: stream });
}

/**
 * Assembles `multipart/form-data` as the gateway's Java SDK writes it: each text part with
 * `Content-Type: text/plain;charset=<charset>` and its value in that charset, file parts as
 * `application/octet-stream`, and `charset` on the body's content type.
 *
 * @example
 * ```ts
 * const body = buildMultipartBody({
 *   parts: [{ name: 'columns', value: 'order_no,pay_month' }, { name: 'file', fileName: 'records.json', content: fileBytes }],
 *   charset: 'utf-8',
 * });
 * ```
 */
export function buildMultipartBody({ parts, charset, boundary = createBoundary() }: { parts: MultipartPart[]; charset: Charset; boundary?: string | undefined }): MultipartBody {
  // Each piece is bytes or a file; lengths are summed without reading any file.
  const pieces: Piece[] = [];
  for (const part of parts) {
    const disposition = `form-data; name="${quoted(requireText(part.name, 'a part name'))}"`;
    if ('value' in part) {
      pieces.push(encodeText({ text: `--${boundary}${CRLF}Content-Disposition: ${disposition}${CRLF}Content-Type: text/plain;charset=${charset}${CRLF}${CRLF}${part.value}${CRLF}`, charset }));
    } else {
      checkFilePart(part);
      const header = `--${boundary}${CRLF}Content-Disposition: ${disposition}; filename="${quoted(part.fileName)}"${CRLF}Content-Type: ${part.contentType ?? 'application/octet-stream'}${CRLF}${CRLF}`;
      pieces.push(encodeText({ text: header, charset }), { file: part.content }, encodeText({ text: CRLF, charset }));
    }
  }
  pieces.push(encodeText({ text: `--${boundary}--${CRLF}`, charset }));
  return assemble(pieces, `multipart/form-data;boundary=${boundary};charset=${charset}`);
}

function assemble(pieces: Piece[], contentType: string): MultipartBody {
  const sizes = pieces.map((piece) => (piece instanceof Uint8Array ? piece.length : contentSize(piece.file)));
  const contentLength = sizes.reduce((sum, size) => sum + size, 0);
  const files = pieces.filter((piece): piece is { file: FileContent } => !(piece instanceof Uint8Array));
  // Read again for a retry: everything but a bare stream (a Blob has a stream() method, not a stream).
  const replayable = files.every(({ file }) => file instanceof Blob || !('stream' in file));
  if (files.every(({ file }) => file instanceof Uint8Array)) {
    const body = new Uint8Array(contentLength);
    let offset = 0;
    for (const piece of pieces) {
      const bytes = piece instanceof Uint8Array ? piece : (piece.file as Uint8Array);
      body.set(bytes, offset);
      offset += bytes.length;
    }
    return { body, contentType, contentLength, replayable };
  }
  return { body: concatStreams(pieces), contentType, contentLength, replayable };
}

// Pulls one piece at a time so a large file is never held in memory, and checks each file delivers
// exactly the size the Content-Length promised.
function concatStreams(pieces: Piece[]): ReadableStream<Uint8Array> {
  let index = 0;
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  let expected = 0;
  let received = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      for (;;) {
        if (reader) {
          const { done, value } = await reader.read();
          if (!done) {
            received += value.length;
            controller.enqueue(value);
            return;
          }
          reader = undefined;
          if (received !== expected) {
            controller.error(new ZhimaError({ code: 'PARAM_INVALID', message: `The file delivered ${received} bytes, but its size was given as ${expected}.` }));
            return;
          }
        }
        const piece = pieces[index++];
        if (piece === undefined) {
          controller.close();
          return;
        }
        if (piece instanceof Uint8Array) {
          controller.enqueue(piece);
          return;
        }
        reader = openContent(piece.file).getReader();
        expected = contentSize(piece.file);
        received = 0;
      }
    },
    async cancel(reason) {
      await reader?.cancel(reason);
    },
  });
}
