// The Node engine's answer reader: the same answer as src/response/answer-scan.ts, read in one pass
// without parsing the text whole (the signature is most of it). Only the node is read; every other
// member is checked as it is skipped, so what is refused is exactly what JSON.parse refuses. Beside
// the RSA check every step costs several times what it costs alone (the check leaves the caches
// cold), so the usual answer takes the fewest steps: its node, a flat object of plain strings, is
// read here rather than by JSON.parse, and its sign is checked and decoded in one go.
import { isAscii } from 'node:buffer';
import { ANSWER_KEYS, answerNames, notJson, skipString, skipValue, skipWhitespace, type ScannedAnswer } from '../response/answer-scan.js';

const CONTROL = /[\u0000-\u001f]/;
/**
 * A signature's bytes when its text is plain base64 (alphabet characters, then at most two `=`
 * completing a group of four, as encoders write it), decoded natively (Node's atob is a slow
 * JavaScript loop); undefined for any other text. Buffer's decoder skips what it cannot read and
 * takes `-`, `_` and a character's low byte too, so the text is plain exactly when the bytes encode
 * back to it: one native step instead of a pattern over the whole text (measured 0.6 µs less). Such
 * text holds nothing JSON escapes or forbids; any other text (rare: white space, a non-zero last
 * bit) goes to atob, which reads plain base64 as Buffer does.
 */
export function plainSignatureBytes(text: string): Uint8Array | undefined {
  if (text.length % 4 !== 0) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : undefined;
}

/**
 * {@link plainSignatureBytes} for a text known to be ASCII, in one native step instead of two: Buffer's
 * decoder skips every ASCII character outside the alphabet (or stops at a `=`), so the decoding is one
 * byte short of the length the text's groups and final `=`s promise whenever the text holds any, except
 * `-` and `_`, which it takes as `+` and `/`. A group ending in non-zero bits decodes here as atob
 * decodes it (both drop them), so the bytes are atob's whenever they are given.
 */
function asciiSignatureBytes(text: string): Uint8Array | undefined {
  const { length } = text;
  if (length % 4 !== 0 || text.includes('-') || text.includes('_')) return undefined;
  const bytes = Buffer.from(text, 'base64');
  const padding = text.charCodeAt(length - 1) !== 0x3d ? 0 : text.charCodeAt(length - 2) !== 0x3d ? 1 : 2;
  return bytes.length === (length / 4) * 3 - padding ? bytes : undefined;
}

// Index of the `"` closing a string whose content starts at `start`, when that content is its own
// text (no escape, no control character); -1 otherwise, and at the end of the text (NaN fails `>=`).
function plainStringEnd(text: string, start: number): number {
  let i = start;
  for (let code = text.charCodeAt(i); code !== 0x22; code = text.charCodeAt(++i)) if (!(code >= 0x20) || code === 0x5c) return -1;
  return i;
}

// Keys of earlier nodes (`code`, `msg`, …: a gateway writes the same few), compared in place and
// reused, so the usual node's keys are neither sliced nor looked up anew as property names.
const knownKeys: string[] = [];

function keyAt(text: string, start: number, end: number): string {
  for (const key of knownKeys) if (key.length === end - start && text.startsWith(key, start)) return key;
  const key = text.slice(start, end);
  if (knownKeys.length < 16) knownKeys.push(key);
  return key;
}

/**
 * @internal The object that opens at `start` when it is written as `{"key":"value",…}`: no white
 * space, every key and value a plain string (see plainStringEnd), each key new to the object (an
 * inherited name such as `__proto__` or `toString`, which an assignment would not make an own
 * member, or a repeated key, is left to JSON.parse). Its end goes to `flatEnd`. Undefined for any
 * other text, which JSON.parse then reads; for this text it builds the same object.
 */
export function readFlatObject(text: string, start: number): Record<string, string> | undefined {
  const object: Record<string, string> = {};
  let i = start + 1;
  if (text.charCodeAt(i) !== 0x7d) {
    for (;;) {
      if (text.charCodeAt(i) !== 0x22) return undefined;
      const keyEnd = plainStringEnd(text, i + 1);
      if (keyEnd < 0 || text.charCodeAt(keyEnd + 1) !== 0x3a || text.charCodeAt(keyEnd + 2) !== 0x22) return undefined;
      const valueEnd = plainStringEnd(text, keyEnd + 3);
      if (valueEnd < 0) return undefined;
      const key = keyAt(text, i + 1, keyEnd);
      if (key in object) return undefined;
      object[key] = text.slice(keyEnd + 3, valueEnd);
      i = valueEnd + 1;
      if (text.charCodeAt(i) !== 0x2c) break;
      i++;
    }
    if (text.charCodeAt(i) !== 0x7d) return undefined;
  }
  flatEnd = i + 1;
  return object;
}
let flatEnd = 0;

// The value spanning `start`–`end`. A string without escapes is its own text: checked for control
// characters. Anything else is read, and so checked, by JSON.parse.
function readValue(text: string, start: number, end: number): unknown {
  if (text.charCodeAt(start) === 0x22) {
    const content = text.slice(start + 1, end - 1);
    if (!content.includes('\\')) {
      if (!CONTROL.test(content)) return content;
      throw notJson(text);
    }
  }
  try {
    return JSON.parse(text.slice(start, end));
  } catch {
    throw notJson(text);
  }
}

// The first sign, its bytes decoded into `found` as it is read when it is plain base64, which then
// needs no other check (it holds nothing JSON escapes or forbids).
function readSign(text: string, start: number, end: number, found: ScannedAnswer, ascii: boolean): unknown {
  if (text.charCodeAt(start) === 0x22) {
    const content = text.slice(start + 1, end - 1);
    if ((found.signature = ascii ? asciiSignatureBytes(content) : plainSignatureBytes(content)) !== undefined) return content;
  }
  return readValue(text, start, end);
}

// Which of `names` the key spanning `start`–`end` (quotes included) is, compared in place; a key
// that matches none as written is read (escapes decoded, control characters refused) and compared.
function keyIndex(text: string, start: number, end: number, names: string[]): number {
  for (let k = 0; k < names.length; k++) if (end - start - 2 === names[k]!.length && text.startsWith(names[k]!, start + 1)) return k;
  return names.indexOf(readValue(text, start, end) as string);
}

// The names for the last node asked for: a client asks for one or two.
let namesOf = '';
let names: string[] = [];

/**
 * The answer reader behind `#rsa-engine` on Node; see src/response/answer-scan.ts for the contract.
 * `ascii` says the text is known to hold ASCII only (see readAnswerBytes).
 */
export function scanAnswer(text: string, nodeName: string, ascii = false): ScannedAnswer {
  let i = skipWhitespace(text, 0);
  if (text.charCodeAt(i) !== 0x7b) throw notJson(text);
  if (namesOf !== nodeName) {
    names = answerNames(nodeName);
    namesOf = nodeName;
  }
  // One shape whatever the answer holds, so the stores below stay monomorphic.
  const found: ScannedAnswer = { method: undefined, error: undefined, sign: undefined, certSn: undefined, signature: undefined };
  i = skipWhitespace(text, i + 1);
  if (text.charCodeAt(i) === 0x7d) i = skipWhitespace(text, i + 1);
  else {
    // `next` is what follows a member: `,` then another, or the closing `}`.
    for (let next = 0x2c; next !== 0x7d; i = skipWhitespace(text, i + 1)) {
      if (next !== 0x2c || text.charCodeAt(i) !== 0x22) throw notJson(text);
      const keyEnd = skipString(text, i);
      const k = keyIndex(text, i, keyEnd, names);
      i = skipWhitespace(text, keyEnd);
      if (text.charCodeAt(i) !== 0x3a) throw notJson(text);
      const valueStart = skipWhitespace(text, i + 1);
      const name = ANSWER_KEYS[k];
      const member = name && found[name];
      // A member read (not repeated) that is a flat object is read as it is skipped.
      let value: unknown = name && !member && text.charCodeAt(valueStart) === 0x7b ? readFlatObject(text, valueStart) : undefined;
      const valueEnd = value === undefined ? skipValue(text, valueStart) : flatEnd;
      if (value === undefined) value = name === 'sign' && !member ? readSign(text, valueStart, valueEnd, found, ascii) : readValue(text, valueStart, valueEnd);
      if (member) member.count++;
      else if (name) found[name] = { valueStart, valueEnd, value, count: 1 };
      i = skipWhitespace(text, valueEnd);
      next = text.charCodeAt(i);
    }
  }
  if (i !== text.length) throw notJson(text);
  return found;
}

/**
 * An answer given as bytes, read without a text decoder when every byte is ASCII (the usual answer):
 * such bytes are the same text in each charset the gateway uses (UTF-8, GBK, GB 2312: no BOM, nothing
 * to reject), one character a byte, so its text is their Latin-1 reading and every span of the text is
 * the same span of the bytes. Undefined for any other bytes, which are decoded as before.
 */
export function readAnswerBytes(bytes: Uint8Array, nodeName: string): { text: string; scanned: ScannedAnswer } | undefined {
  if (!isAscii(bytes)) return undefined;
  const text = latin1Slice.call(bytes, 0, bytes.byteLength);
  return { text, scanned: scanAnswer(text, nodeName, true) };
}

// The native step behind `buffer.toString('latin1')`, called on the bytes themselves: no Buffer made
// over them and none of toString's JavaScript (measured at a quarter of the call). Undocumented, so a
// Node without it gets toString.
const latin1Slice: (this: Uint8Array, start: number, end: number) => string =
  (Buffer.prototype as unknown as { latin1Slice?: (this: Uint8Array, start: number, end: number) => string }).latin1Slice ??
  function (this: Uint8Array, start: number, end: number) {
    return Buffer.from(this.buffer, this.byteOffset, this.byteLength).toString('latin1', start, end);
  };
