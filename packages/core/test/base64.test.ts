// base64ToBytes decodes what atob decodes, as the same bytes, and refuses what atob refuses (the
// forgiving base64 of the web platform): checked against atob and Buffer on random inputs.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { base64ToBytes } from '../src/encoding/base64.js';

function viaAtob(text: string): Uint8Array | 'refused' {
  try {
    return Uint8Array.from(atob(text.replace(/\s+/g, '')), (char) => char.charCodeAt(0));
  } catch {
    return 'refused';
  }
}

function ours(text: string): Uint8Array | 'refused' {
  try {
    return base64ToBytes({ text });
  } catch (error) {
    expect(error).toMatchObject({ code: 'PARAM_INVALID' });
    return 'refused';
  }
}

describe('base64ToBytes', () => {
  it('decodes any bytes Buffer encodes, wrapped in lines or not, padded or not', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.boolean(), fc.boolean(), (bytes, wrap, unpad) => {
        let text = Buffer.from(bytes).toString('base64');
        if (unpad) text = text.replace(/=+$/, '');
        if (wrap) text = text.replace(/.{1,64}/g, '$&\r\n');
        expect(ours(text)).toEqual(new Uint8Array(bytes));
      }),
      { numRuns: 2000 },
    );
  });

  it('agrees with atob on arbitrary text from the base64 alphabet, padding, white space and strays', () => {
    const char = fc.constantFrom(...'ABCZaz09+/=  \n\t-_.é'.split(''));
    fc.assert(
      fc.property(fc.array(char, { maxLength: 24 }).map((chars) => chars.join('')), (text) => {
        expect(ours(text)).toEqual(viaAtob(text));
      }),
      { numRuns: 20000 },
    );
  });
});
