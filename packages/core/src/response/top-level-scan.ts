import { ZhimaError } from '../errors/zhima-error.js';

/** A top-level member the verifier reads: where its value sits in the raw text, the value, and how often its key appears. */
export interface AnswerMember {
  valueStart: number;
  valueEnd: number;
  value: unknown;
  count: number;
  /** Set on the first `sign` when its value is the raw text between its quotes, not yet checked for control characters. */
  unchecked?: boolean;
}

/**
 * The members of an answer that verification reads. The first `sign`, when a string without escapes,
 * is left `unchecked` for control characters: the caller checks it (a signature in plain base64 has
 * none, which the engine's decoder proves on the way).
 */
export interface ScannedAnswer {
  method?: AnswerMember;
  error?: AnswerMember;
  sign?: AnswerMember;
  certSn?: AnswerMember;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN = 0x7b;
const CLOSE = 0x7d;
const CONTROL = /[\u0000-\u001f]/;
const KEYS = ['method', 'error', 'sign', 'certSn'] as const;

/**
 * @internal The error for text that is not a JSON object, with JSON.parse's own message: the scan
 * below refuses exactly what JSON.parse refuses, so an answer is refused as it always was.
 */
export function notJson(text: string): ZhimaError {
  try {
    JSON.parse(text);
  } catch (cause) {
    return new ZhimaError({ code: 'RESPONSE_MALFORMED', message: `The gateway response is not valid JSON (${(cause as Error).message}).`, cause });
  }
  return new ZhimaError({ code: 'RESPONSE_MALFORMED', message: 'The gateway response is not a JSON object: it does not start with "{".' });
}

// Space, tab, line feed, carriage return: JSON's white space.
function skipWhitespace(text: string, start: number): number {
  let i = start;
  for (let code = text.charCodeAt(i); code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d; code = text.charCodeAt(++i));
  return i;
}

// Index just past the string that opens at `start` (a `"`), jumping from quote to quote natively: a
// quote after an odd run of backslashes is escaped. Its content is checked by whoever reads it.
function skipString(text: string, start: number): number {
  for (let quote = text.indexOf('"', start + 1); quote > 0; quote = text.indexOf('"', quote + 1)) {
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote + 1;
  }
  throw notJson(text);
}

// Index just past the value that starts at `start`: strings and nesting are skipped whole, so braces
// inside strings (`"msg":"}"`) never end a node early. On text that is not JSON the span may be wrong,
// and then reading the value fails or no `,` or `}` follows it.
function skipValue(text: string, start: number): number {
  const first = text.charCodeAt(start);
  if (first === QUOTE) return skipString(text, start);
  let i = start;
  if (first === OPEN || first === 0x5b) {
    for (let depth = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code === QUOTE) i = skipString(text, i) - 1;
      else if (code === OPEN || code === 0x5b) depth++;
      else if ((code === CLOSE || code === 0x5d) && --depth === 0) return i + 1;
    }
    throw notJson(text);
  }
  for (let code = first; i < text.length && code !== 0x2c && code !== CLOSE && code !== 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d; code = text.charCodeAt(++i));
  return i;
}

// A string without escapes is its own text (checked for control characters unless `raw`); anything
// else is read, and so checked, by JSON.parse.
function readValue(text: string, start: number, end: number, raw: boolean): unknown {
  if (text.charCodeAt(start) === QUOTE) {
    const content = text.slice(start + 1, end - 1);
    if (!content.includes('\\')) {
      if (raw || !CONTROL.test(content)) return content;
      throw notJson(text);
    }
  }
  try {
    return JSON.parse(text.slice(start, end));
  } catch {
    throw notJson(text);
  }
}

// Which of `names` the key spanning `start`–`end` (quotes included) is, compared in place; a key
// that matches none as written is read (escapes decoded, control characters refused) and compared.
function keyIndex(text: string, start: number, end: number, names: string[]): number {
  for (let k = 0; k < 4; k++) if (end - start - 2 === names[k]!.length && text.startsWith(names[k]!, start + 1)) return k;
  return names.indexOf(readValue(text, start, end, false) as string);
}

/**
 * Reads the top-level object of an answer in one pass, without parsing it whole (the signature is
 * most of its text): the `<method>_response` node (`nodeName`), `error_response`, `sign` and
 * `alipay_cert_sn`, each with its value's exact span in the raw text, so the signed bytes are what
 * the gateway sent and never a re-serialisation, and a count, as a repeated key must be seen
 * (`JSON.parse` keeps only the last). Every other member is checked and skipped. Rejects, as
 * `RESPONSE_MALFORMED`, the text that `JSON.parse` rejects or that is not an object.
 */
export function scanAnswer(text: string, nodeName: string): ScannedAnswer {
  let i = skipWhitespace(text, 0);
  if (text.charCodeAt(i) !== OPEN) throw notJson(text);
  const found: ScannedAnswer = {};
  const names = [nodeName, 'error_response', 'sign', 'alipay_cert_sn'];
  i = skipWhitespace(text, i + 1);
  if (text.charCodeAt(i) === CLOSE) i = skipWhitespace(text, i + 1);
  else {
    for (let next = 0x2c; next !== CLOSE; i = skipWhitespace(text, i + 1)) {
      if (next !== 0x2c || text.charCodeAt(i) !== QUOTE) throw notJson(text);
      const keyEnd = skipString(text, i);
      const k = keyIndex(text, i, keyEnd, names);
      i = skipWhitespace(text, keyEnd);
      if (text.charCodeAt(i) !== 0x3a) throw notJson(text);
      const valueStart = skipWhitespace(text, i + 1);
      const valueEnd = skipValue(text, valueStart);
      const name = KEYS[k];
      const member = name === undefined ? undefined : found[name];
      // The first sign's text is left to the caller; every other value is checked here.
      const unchecked = k === 2 && member === undefined;
      const value = readValue(text, valueStart, valueEnd, unchecked);
      if (member !== undefined) member.count++;
      // Escapes always shorten a string: one as long as its raw content holds none.
      else if (name !== undefined) found[name] = { valueStart, valueEnd, value, count: 1, unchecked: unchecked && typeof value === 'string' && value.length === valueEnd - valueStart - 2 };
      i = skipWhitespace(text, valueEnd);
      next = text.charCodeAt(i);
    }
  }
  if (i !== text.length) throw notJson(text);
  return found;
}
