import { ZhimaError } from '../errors/zhima-error.js';

/** A top-level member the verifier reads: where its value sits in the raw text, the value, and how often its key appears. */
export interface AnswerMember {
  valueStart: number;
  valueEnd: number;
  value: unknown;
  count: number;
}

/**
 * The members of an answer that verification reads, and, when the reader decoded it on the way, the
 * signature's bytes.
 */
export interface ScannedAnswer {
  method?: AnswerMember;
  error?: AnswerMember;
  sign?: AnswerMember;
  certSn?: AnswerMember;
  signature?: Uint8Array;
}

/** @internal The keys read, in the order of the names a reader is given (the node's own name first). */
export const ANSWER_KEYS = ['method', 'error', 'sign', 'certSn'] as const;

/** @internal The names of {@link ANSWER_KEYS} in an answer to the method whose node is `nodeName`. */
export const answerNames = (nodeName: string): string[] => [nodeName, 'error_response', 'sign', 'alipay_cert_sn'];

/**
 * @internal The error for text that is not a JSON object, with JSON.parse's own message: both answer
 * readers refuse exactly what JSON.parse refuses, so an answer is refused as it always was.
 */
export function notJson(text: string): ZhimaError {
  try {
    JSON.parse(text);
  } catch (cause) {
    return new ZhimaError({ code: 'RESPONSE_MALFORMED', message: `The gateway response is not valid JSON (${(cause as Error).message}).`, cause });
  }
  return new ZhimaError({ code: 'RESPONSE_MALFORMED', message: 'The gateway response is not a JSON object: it does not start with "{".' });
}

/** @internal Past JSON's white space (space, tab, line feed, carriage return) from `start`. */
export function skipWhitespace(text: string, start: number): number {
  let i = start;
  for (let code = text.charCodeAt(i); code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d; code = text.charCodeAt(++i));
  return i;
}

/**
 * @internal Index just past the string that opens at `start` (a `"`), jumping from quote to quote
 * natively: a quote after an odd run of backslashes is escaped. Its content is checked by its reader.
 */
export function skipString(text: string, start: number): number {
  for (let quote = text.indexOf('"', start + 1); quote > 0; quote = text.indexOf('"', quote + 1)) {
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === 0x5c) backslashes++;
    if (backslashes % 2 === 0) return quote + 1;
  }
  throw notJson(text);
}

/**
 * @internal Index just past the value that starts at `start`: strings and nesting are skipped whole,
 * so braces inside strings (`"msg":"}"`) never end a node early. On text that is not JSON the span
 * may be wrong, and then reading the value fails or no `,` or `}` follows it.
 */
export function skipValue(text: string, start: number): number {
  const first = text.charCodeAt(start);
  if (first === 0x22) return skipString(text, start);
  let i = start;
  if (first === 0x7b || first === 0x5b) {
    for (let depth = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code === 0x22) i = skipString(text, i) - 1;
      else if (code === 0x7b || code === 0x5b) depth++;
      else if ((code === 0x7d || code === 0x5d) && --depth === 0) return i + 1;
    }
    throw notJson(text);
  }
  for (let code = first; i < text.length && code !== 0x2c && code !== 0x7d && code !== 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d; code = text.charCodeAt(++i));
  return i;
}

/**
 * Reads an answer for verification where the `#rsa-engine` import is the WebCrypto one: `JSON.parse`
 * checks the text, then a walk over its top-level members finds each value's exact span in the raw
 * text (the signed bytes are what the gateway sent, never a re-serialisation) and counts the keys
 * read (a repeated one must be seen: `JSON.parse` keeps only the last). On Node, the engine's reader
 * (src/node/answer-scan.ts) gives the same answer without parsing the text whole.
 */
export function scanAnswer(text: string, nodeName: string): ScannedAnswer {
  let i = skipWhitespace(text, 0);
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw notJson(text);
  }
  if (text.charCodeAt(i) !== 0x7b) throw notJson(text);
  // Valid JSON whose value is an object: from here the text is known to be well formed.
  const names = answerNames(nodeName);
  const found: ScannedAnswer = {};
  i = skipWhitespace(text, i + 1);
  while (text.charCodeAt(i) === 0x22) {
    const keyEnd = skipString(text, i);
    const raw = text.slice(i + 1, keyEnd - 1);
    const key = raw.includes('\\') ? (JSON.parse(text.slice(i, keyEnd)) as string) : raw;
    const name = ANSWER_KEYS[names.indexOf(key)];
    const valueStart = skipWhitespace(text, skipWhitespace(text, keyEnd) + 1);
    const valueEnd = skipValue(text, valueStart);
    const member = name && found[name];
    if (member) member.count++;
    else if (name) found[name] = { valueStart, valueEnd, value: parsed[key], count: 1 };
    i = skipWhitespace(text, skipWhitespace(text, valueEnd) + 1);
  }
  return found;
}
