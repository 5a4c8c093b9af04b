import { ZhimaError } from '../errors/zhima-error.js';

/** A member of the top-level JSON object: its decoded key and where its value sits in the raw text. */
export interface TopLevelMember {
  key: string;
  valueStart: number;
  valueEnd: number;
}

// Space, tab, line feed, carriage return: JSON's whitespace.
const isWhitespace = (code: number): boolean => code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

// The scanners below run on text JSON.parse accepted, so every string ends and every bracket closes.

// Index just past the string that opens at `start` (a `"`): jumps from quote to quote, and a quote
// after an odd run of backslashes is escaped.
function skipString(text: string, start: number): number {
  for (let from = start + 1; ; ) {
    const quote = text.indexOf('"', from);
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote + 1;
    from = quote + 1;
  }
}

// Index just past the value that starts at `start`: strings and nesting are skipped whole, so braces
// inside strings (`"msg":"}"`) never end a node early.
function skipValue(text: string, start: number): number {
  const first = text.charCodeAt(start);
  if (first === QUOTE) return skipString(text, start);
  if (first === 0x7b || first === 0x5b) {
    let depth = 0;
    for (let i = start; ; i++) {
      const code = text.charCodeAt(i);
      if (code === QUOTE) i = skipString(text, i) - 1;
      else if (code === 0x7b || code === 0x5b) depth++;
      else if (code === 0x7d || code === 0x5d) {
        depth--;
        if (depth === 0) return i + 1;
      }
    }
  }
  let i = start;
  for (let code = text.charCodeAt(i); i < text.length && !isWhitespace(code) && code !== 0x2c && code !== 0x7d; code = text.charCodeAt(++i));
  return i;
}

function skipWhitespace(text: string, start: number): number {
  let i = start;
  while (i < text.length && isWhitespace(text.charCodeAt(i))) i++;
  return i;
}

/**
 * The members of the top-level object, in order, with each value's exact span in the raw text, so
 * the signed bytes are what the gateway sent and never a re-serialisation, and the object as
 * `JSON.parse` reads it (`value`). Duplicate keys are kept in `members`: the caller must see them
 * (`value` keeps only the last).
 */
export function scanTopLevelMembers(text: string): { members: TopLevelMember[]; value: Record<string, unknown> } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new ZhimaError({ code: 'RESPONSE_MALFORMED', message: `The gateway response is not valid JSON (${(cause as Error).message}).`, cause });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ZhimaError({ code: 'RESPONSE_MALFORMED', message: 'The gateway response is not a JSON object: it does not start with "{".' });
  }
  // Valid JSON whose value is an object: from here the text is known to be well formed.
  let i = skipWhitespace(text, 0);
  const members: TopLevelMember[] = [];
  const object = value as Record<string, unknown>;
  i = skipWhitespace(text, i + 1);
  if (text.charCodeAt(i) === 0x7d) return { members, value: object };
  for (;;) {
    const keyEnd = skipString(text, i);
    const raw = text.slice(i + 1, keyEnd - 1);
    const key = raw.includes('\\') ? (JSON.parse(text.slice(i, keyEnd)) as string) : raw;
    i = skipWhitespace(text, keyEnd) + 1; // past ':'
    const valueStart = skipWhitespace(text, i);
    const valueEnd = skipValue(text, valueStart);
    members.push({ key, valueStart, valueEnd });
    i = skipWhitespace(text, valueEnd);
    if (text.charCodeAt(i) === 0x7d) return { members, value: object };
    i = skipWhitespace(text, i + 1); // past ','
  }
}
