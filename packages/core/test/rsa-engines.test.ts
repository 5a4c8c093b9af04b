// Both RSA engines behind `#rsa-engine` (WebCrypto for other runtimes, node:crypto on Node) must give
// identical, independently checkable results.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as webEngine from '../src/crypto/rsa-engine.js';
import * as nodeEngine from '../src/node/rsa-engine.js';
import { importPrivateKey, importPublicKey } from '../src/index.js';
import { type SignType } from '../src/internal.js';
import { makeKeyFixture } from './fixtures/keys.js';
import { oracleBytes, oracleSign } from './fixtures/oracle.js';

const keys = makeKeyFixture();

describe.each([
  ['WebCrypto', webEngine],
  ['node:crypto', nodeEngine],
])('%s engine', (_name, engine) => {
  it.each(['RSA2', 'RSA'] as SignType[])('signs and verifies %s like node:crypto', async (signType) => {
    const text = 'app_id=1&file_description=中文&method=zhima.data.batch.feedback';
    const privateKey = await (await importPrivateKey({ key: keys.privateKeys['pkcs1-pem'] })).cryptoKey({ signType });
    const publicKey = await (await importPublicKey({ key: keys.publicKeys['spki-pem'] })).cryptoKey({ signType });
    const data = oracleBytes(text, 'gbk');
    const signature = await engine.rsaSign(privateKey, data);
    expect(Buffer.from(signature).toString('base64')).toBe(oracleSign(text, keys.privateKeyObject, signType, 'gbk'));
    expect(await engine.rsaVerify(publicKey, signature, data)).toBe(true);
    expect(await engine.rsaVerify(publicKey, signature, oracleBytes(`${text}!`, 'gbk'))).toBe(false);
  });

  it('reads a base64 signature exactly as atob does, and any text atob refuses as empty bytes', () => {
    // The oracle: the platform's atob after white space is dropped; what it refuses never verifies.
    const oracle = (text: string): Uint8Array => {
      try {
        return Uint8Array.from(atob(text.replace(/\s+/g, '')), (char) => char.charCodeAt(0));
      } catch {
        return new Uint8Array();
      }
    };
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.split('');
    const char = fc.oneof({ weight: 20, arbitrary: fc.constantFrom(...alphabet) }, fc.constantFrom('=', ' ', '\n', '\r\n', '\t', '\u000b', '\u00a0', '-', '_', '.', '*', '中', '\u2028'));
    const signatureLike = fc.uint8Array({ minLength: 0, maxLength: 300 }).map((bytes) => Buffer.from(bytes).toString('base64'));
    const texts = fc.oneof(
      signatureLike,
      fc.array(char, { maxLength: 40 }).map((chars) => chars.join('')),
      // A real signature with one character replaced, inserted or dropped, or its padding changed.
      fc.tuple(signatureLike, fc.nat(), char, fc.constantFrom('replace', 'insert', 'drop', 'pad')).map(([text, at, inserted, edit]) => {
        const i = text.length === 0 ? 0 : at % text.length;
        if (edit === 'replace') return text.slice(0, i) + inserted + text.slice(i + 1);
        if (edit === 'insert') return text.slice(0, i) + inserted + text.slice(i);
        if (edit === 'drop') return text.slice(0, i) + text.slice(i + 1);
        return text.replace(/=+$/, '') + '='.repeat(at % 4);
      }),
    );
    fc.assert(
      fc.property(texts, (text) => {
        expect(Buffer.from(engine.signatureBytes(text)).toString('hex')).toBe(Buffer.from(oracle(text)).toString('hex'));
      }),
      { numRuns: 3000 },
    );
  });
});

describe('the node:crypto engine\'s native base64 reading', () => {
  it('takes only canonical base64 from Buffer, which reads `-`, `_`, a character\'s low byte and stray bits that atob reads otherwise or refuses', () => {
    // Buffer reads the first three as three bytes each, where atob refuses them; the last (stray bits
    // after the data) both read alike, but it is not canonical, so it is left to atob.
    for (const text of ['AA-A', 'AA_A', 'A\u4e2dAA', 'AAB=']) {
      let atobBytes = '';
      try {
        atobBytes = Buffer.from(atob(text), 'latin1').toString('hex');
      } catch {
        // Refused by atob: never a signature.
      }
      expect(Buffer.from(nodeEngine.signatureBytes(text)).toString('hex')).toBe(atobBytes);
    }
  });
});
