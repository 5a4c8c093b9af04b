import type { AnswerExcerpt } from '../errors/transport-error.js';
import type { HttpRequest, HttpResponse } from './types.js';

/** How much of a body is kept: enough for a proxy's error page to say who it is. */
const EXCERPT_BYTES = 2048;

// Headers that say who answered and how; everything else (cookies above all) is dropped.
const KEPT_HEADERS = new Set([
  'content-type',
  'content-length',
  'content-encoding',
  'date',
  'server',
  'via',
  'retry-after',
  'location',
  'x-cache',
  'x-request-id',
  'x-amzn-requestid',
  'cf-ray',
  'eagleeye-traceid',
  'trace_id',
  'x-trace-id',
]);

const REDACTED = '[redacted]';

function decodeStart(bytes: Uint8Array, contentType: string | undefined): string {
  const declared = /charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? '')?.[1];
  for (const label of [declared, 'utf-8']) {
    if (label === undefined) continue;
    try {
      // Not fatal: the excerpt is for people, and it may end inside a character.
      return new TextDecoder(label).decode(bytes);
    } catch {
      // A label this runtime does not know: fall back to UTF-8.
    }
  }
  return '';
}

// Everything of the request's query that could come back quoted (a proxy echoing the URL): the whole
// query, and each value in both its encoded and its decoded form.
function secretsOf(request: Pick<HttpRequest, 'url'>): string[] {
  const at = request.url.indexOf('?');
  if (at < 0) return [];
  const query = request.url.slice(at + 1);
  const secrets = new Set<string>([query]);
  for (const pair of query.split('&')) {
    const value = pair.slice(pair.indexOf('=') + 1);
    if (value.length < 8) continue; // `JSON`, `1.0`, `RSA2`: public and too short to matter
    secrets.add(value);
    try {
      secrets.add(decodeURIComponent(value));
    } catch {
      // Not UTF-8 percent-encoding (a GBK request): the encoded form is covered.
    }
  }
  return [...secrets].sort((a, b) => b.length - a.length);
}

/**
 * What an HTTP-status `TransportError` keeps of the answer: the status, the headers that say who
 * answered, and the first 2 KiB of the body as text — with anything of the request's query (the
 * signature, the timestamp, the app id) cut out of it and out of a `location` header.
 *
 * @example
 * ```ts
 * const answer = answerExcerpt({ request, response }); // { status: 502, headers: { server: 'nginx' }, body: '<html>…', bodyBytes: 157 }
 * ```
 */
export function answerExcerpt({ request, response }: { request: Pick<HttpRequest, 'url'>; response: HttpResponse }): AnswerExcerpt {
  const secrets = secretsOf(request);
  const redact = (text: string) => secrets.reduce((out, secret) => out.replaceAll(secret, REDACTED), text);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers)) {
    if (KEPT_HEADERS.has(name)) headers[name] = redact(name === 'location' ? value.split('?')[0]! : value);
  }
  return {
    status: response.status,
    headers,
    body: redact(decodeStart(response.body.subarray(0, EXCERPT_BYTES), response.headers['content-type'])),
    bodyBytes: response.body.length,
  };
}

/**
 * The excerpt's body on one line, short enough for an error message.
 *
 * @example
 * ```ts
 * excerptLine({ excerpt: answer }); // '<html><head><title>502 Bad Gateway</title>…'
 * ```
 */
export function excerptLine({ excerpt, max = 160 }: { excerpt: AnswerExcerpt; max?: number }): string {
  const line = excerpt.body.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max)}…` : line;
}
