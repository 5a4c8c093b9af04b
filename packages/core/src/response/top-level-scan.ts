import { ZhimaError } from '../errors/zhima-error.js';

/** A member of the top-level JSON object: its decoded key and where its value sits in the raw text. */
export interface TopLevelMember {
  key: string;
  valueStart: number;
  valueEnd: number;
}

function malformed(message: string): ZhimaError<'RESPONSE_MALFORMED'> {
  return new ZhimaError({ code: 'RESPONSE_MALFORMED', message: `The gateway response is not a JSON object: ${message}.` });
}

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);

// Index just past the string that opens at `start` (a `"`), honouring backslash escapes.
function skipString(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    const char = text[i];
    if (char === '\\') i++;
    else if (char === '"') return i + 1;
  }
  throw malformed('unterminated string');
}

// Index just past the value that starts at `start`: strings and nesting are skipped whole, so braces
// inside strings (`"msg":"}"`) never end a node early.
function skipValue(text: string, start: number): number {
  const first = text[start];
  if (first === '"') return skipString(text, start);
  if (first === '{' || first === '[') {
    let depth = 0;
    for (let i = start; i < text.length; i++) {
      const char = text[i];
      if (char === '"') i = skipString(text, i) - 1;
      else if (char === '{' || char === '[') depth++;
      else if (char === '}' || char === ']') {
        depth--;
        if (depth === 0) return i + 1;
      }
    }
    throw malformed('unbalanced brackets');
  }
  let i = start;
  while (i < text.length && !WHITESPACE.has(text[i]!) && text[i] !== ',' && text[i] !== '}') i++;
  if (i === start) throw malformed(`unexpected character at ${start}`);
  return i;
}

function skipWhitespace(text: string, start: number): number {
  let i = start;
  while (i < text.length && WHITESPACE.has(text[i]!)) i++;
  return i;
}

/**
 * The members of the top-level object, in order, with each value's exact span in the raw text, so
 * the signed bytes are what the gateway sent and never a re-serialisation. Duplicate keys are kept:
 * the caller must see them (`JSON.parse` would silently keep the last).
 */
export function scanTopLevelMembers(text: string): TopLevelMember[] {
  try {
    JSON.parse(text);
  } catch (cause) {
    throw new ZhimaError({ code: 'RESPONSE_MALFORMED', message: `The gateway response is not valid JSON (${(cause as Error).message}).`, cause });
  }
  let i = skipWhitespace(text, 0);
  if (text[i] !== '{') throw malformed('it does not start with "{"');
  const members: TopLevelMember[] = [];
  i = skipWhitespace(text, i + 1);
  if (text[i] === '}') return members;
  for (;;) {
    const keyEnd = skipString(text, i);
    const key = JSON.parse(text.slice(i, keyEnd)) as string;
    i = skipWhitespace(text, keyEnd) + 1; // past ':'
    const valueStart = skipWhitespace(text, i);
    const valueEnd = skipValue(text, valueStart);
    members.push({ key, valueStart, valueEnd });
    i = skipWhitespace(text, valueEnd);
    if (text[i] === '}') return members;
    i = skipWhitespace(text, i + 1); // past ','
  }
}
