// The Node engine's answer reader: the same answer as src/response/answer-scan.ts, read in one pass
// without parsing the text whole (the signature is most of it, and on Node the rest of verification
// costs little beside the RSA check, see bench/RESULTS.md). Only the node is parsed; every other
// member is checked as it is skipped, so what is refused is exactly what JSON.parse refuses.
import { ANSWER_KEYS, answerNames, notJson, skipString, skipValue, skipWhitespace, type ScannedAnswer } from '../response/answer-scan.js';

const CONTROL = /[\u0000-\u001f]/;
// Base64 as signatures come (alphabet characters, then at most two `=` completing a group of four),
// which atob and Buffer read alike; it holds nothing JSON escapes or forbids.
const PLAIN_BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** A signature's bytes when its text is plain base64, decoded natively (Node's atob is a slow JavaScript loop); undefined for any other text. */
export function plainSignatureBytes(text: string): Uint8Array | undefined {
  return text.length % 4 === 0 && PLAIN_BASE64.test(text) ? Buffer.from(text, 'base64') : undefined;
}

// The value spanning `start`–`end`. A string without escapes is its own text: checked for control
// characters unless it is a signature in plain base64, whose bytes are then `decoded`. Anything else
// is read, and so checked, by JSON.parse.
function readValue(text: string, start: number, end: number, decoded?: ScannedAnswer): unknown {
  if (text.charCodeAt(start) === 0x22) {
    const content = text.slice(start + 1, end - 1);
    if (!content.includes('\\')) {
      if (decoded !== undefined && (decoded.signature = plainSignatureBytes(content)) !== undefined) return content;
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

// Which of `names` the key spanning `start`–`end` (quotes included) is, compared in place; a key
// that matches none as written is read (escapes decoded, control characters refused) and compared.
function keyIndex(text: string, start: number, end: number, names: string[]): number {
  for (let k = 0; k < names.length; k++) if (end - start - 2 === names[k]!.length && text.startsWith(names[k]!, start + 1)) return k;
  return names.indexOf(readValue(text, start, end) as string);
}

/** The answer reader behind `#rsa-engine` on Node; see src/response/answer-scan.ts for the contract. */
export function scanAnswer(text: string, nodeName: string): ScannedAnswer {
  let i = skipWhitespace(text, 0);
  if (text.charCodeAt(i) !== 0x7b) throw notJson(text);
  const names = answerNames(nodeName);
  const found: ScannedAnswer = {};
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
      const valueEnd = skipValue(text, valueStart);
      const name = ANSWER_KEYS[k];
      const member = name && found[name];
      // The first sign's bytes are decoded as it is read.
      const value = readValue(text, valueStart, valueEnd, name === 'sign' && !member ? found : undefined);
      if (member) member.count++;
      else if (name) found[name] = { valueStart, valueEnd, value, count: 1 };
      i = skipWhitespace(text, valueEnd);
      next = text.charCodeAt(i);
    }
  }
  if (i !== text.length) throw notJson(text);
  return found;
}
