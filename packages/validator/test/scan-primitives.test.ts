import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countChars, firstInvalidByte } from '../src/scan/charset-bytes.js';
import { findJsonError } from '../src/scan/json-syntax.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });
const gbk = new TextDecoder('gbk', { fatal: true });

function decodes(decoder: TextDecoder, bytes: Uint8Array): boolean {
  try {
    decoder.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

// Bytes biased towards multi-byte lead and trail ranges, where the interesting cases are.
const bytes = fc.array(fc.oneof(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0x80, max: 0xbf }), fc.constantFrom(0xe4, 0xed, 0xf0, 0xf4, 0xd5, 0x81, 0x5c)), { maxLength: 24 }).map((list) => Uint8Array.from(list));

describe('firstInvalidByte agrees with the runtime decoders', () => {
  it('UTF-8: -1 exactly when TextDecoder (fatal) accepts, and the prefix before the index decodes', () => {
    fc.assert(
      fc.property(bytes, (input) => {
        const at = firstInvalidByte({ bytes: input, start: 0, end: input.length, charset: 'UTF-8' });
        expect(at === -1).toBe(decodes(utf8, input));
        if (at >= 0) expect(decodes(utf8, input.subarray(0, at))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('GBK: anything it accepts the runtime GBK decoder accepts; it also rejects 0x80 and 0xFF', () => {
    fc.assert(
      fc.property(bytes, (input) => {
        const at = firstInvalidByte({ bytes: input, start: 0, end: input.length, charset: 'GBK' });
        if (at === -1) expect(decodes(gbk, input)).toBe(true);
        else if (decodes(gbk, input)) expect([0x80, 0xff]).toContain(input[at]);
      }),
      { numRuns: 2000 },
    );
  });

  it('countChars counts code points as the decoded string does', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 20 }), (text) => {
        const encoded = new TextEncoder().encode(text);
        expect(countChars({ bytes: encoded, start: 0, end: encoded.length, charset: 'UTF-8' })).toBe([...new TextDecoder().decode(encoded)].length);
      }),
    );
  });
});

describe('findJsonError agrees with JSON.parse', () => {
  const jsonish = fc.string({ unit: fc.constantFrom(...'{}[]:,"\\ u0d8eE.-+1tfnrlsaX \n'.split('')), maxLength: 24 });
  it('finds an error exactly when JSON.parse throws, except that it also rejects lone surrogates', () => {
    fc.assert(
      fc.property(fc.oneof(jsonish, fc.json().map((value) => value.slice(0, 30))), (text) => {
        const encoded = new TextEncoder().encode(text);
        const found = findJsonError({ bytes: encoded, start: 0, end: encoded.length, charset: 'UTF-8' });
        let parses = true;
        try {
          JSON.parse(text);
        } catch {
          parses = false;
        }
        if (!parses) expect(found).toBeDefined();
        else if (found !== undefined) expect(found.reason).toBe('lone-surrogate');
      }),
      { numRuns: 3000 },
    );
  });
});

describe('countChars over long UTF-8 ranges', () => {
  it('equals the code points of the decoded text at every alignment and length', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', '张', 'é', '😀', '\u0080', '\uffff'), maxLength: 2000 }), fc.nat(7), fc.nat(7), (text, head, tail) => {
        const encoded = new TextEncoder().encode(text);
        const bytes = new Uint8Array(head + encoded.length + tail);
        bytes.set(encoded, head);
        // A view at an odd offset of its buffer, as a chunk's subarray may be.
        const view = bytes.subarray(head);
        expect(countChars({ bytes: view, start: 0, end: encoded.length, charset: 'UTF-8' })).toBe([...text].length);
        expect(countChars({ bytes, start: head, end: head + encoded.length, charset: 'UTF-8' })).toBe([...text].length);
      }),
      { numRuns: 500 },
    );
  });
});
