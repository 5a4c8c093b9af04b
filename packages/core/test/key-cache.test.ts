// A key given as text is parsed once per process: the same PEM (or base64, or JWK text) on every call
// resolves the same parsed key, up to a bound of recently used texts; failures are never remembered.
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { importPrivateKey, importPublicKey, signContent } from '../src/index.js';
import { makeKeyFixture } from './fixtures/keys.js';
import { rejectionOf } from './fixtures/caught.js';

const keys = makeKeyFixture();

describe('parsed keys cached by their text', () => {
  it('the same text resolves the same parsed key; another text or role does not share it', async () => {
    const pem = keys.publicKeys['spki-pem'];
    const first = await importPublicKey({ key: pem });
    expect(await importPublicKey({ key: pem })).toBe(first);
    expect(await importPublicKey({ key: keys.publicKeys['spki-base64'] })).not.toBe(first);
    const privatePem = keys.privateKeys['pkcs8-pem'];
    expect(await importPrivateKey({ key: privatePem })).toBe(await importPrivateKey({ key: privatePem }));
    // A private key given where a public one is expected is refused every time, not served from the cache.
    for (let i = 0; i < 2; i++) expect(await rejectionOf(importPublicKey({ key: privatePem }))).toMatchObject({ code: 'KEY_INVALID' });
  });

  it('holds at most 16 texts, least recently used out first', async () => {
    const texts = Array.from({ length: 17 }, () => generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }) as string);
    const parsed = [];
    for (const text of texts.slice(0, 16)) parsed.push(await importPublicKey({ key: text }));
    // Touch the first so that the second is now the least recently used.
    expect(await importPublicKey({ key: texts[0]! })).toBe(parsed[0]);
    await importPublicKey({ key: texts[16]! });
    expect(await importPublicKey({ key: texts[0]! })).toBe(parsed[0]);
    expect(await importPublicKey({ key: texts[1]! })).not.toBe(parsed[1]);
  });

  it('holds 16 texts per role: private keys never push the public one out, nor the reverse', async () => {
    const pairs = Array.from({ length: 16 }, () => generateKeyPairSync('rsa', { modulusLength: 1024 }));
    const publicPem = pairs[0]!.publicKey.export({ type: 'spki', format: 'pem' }) as string;
    const privatePem = pairs[0]!.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    const publicKey = await importPublicKey({ key: publicPem });
    const privateKey = await importPrivateKey({ key: privatePem });
    for (const pair of pairs.slice(1)) {
      await importPrivateKey({ key: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string });
      await importPublicKey({ key: pair.publicKey.export({ type: 'spki', format: 'pem' }) as string });
    }
    expect(await importPublicKey({ key: publicPem })).toBe(publicKey);
    expect(await importPrivateKey({ key: privatePem })).toBe(privateKey);
  });

  it('a failed parse is not remembered', async () => {
    // Eight characters (six bytes) cut from the start of the DER: still base64, no longer a key.
    const broken = keys.publicKeys['spki-pem'].replace(/(-----\n).{8}/, '$1');
    expect(broken).not.toBe(keys.publicKeys['spki-pem']);
    const one = await rejectionOf(importPublicKey({ key: broken }));
    const two = await rejectionOf(importPublicKey({ key: broken }));
    expect(one).toMatchObject({ code: 'KEY_INVALID' });
    expect(two).not.toBe(one);
  });

  it('signing with a PEM string signs what node:crypto verifies', async () => {
    const { createVerify } = await import('node:crypto');
    for (let i = 0; i < 2; i++) {
      const signature = await signContent({ content: `a=1&b=${i}`, privateKey: keys.privateKeys['pkcs1-pem'] });
      expect(createVerify('RSA-SHA256').update(`a=1&b=${i}`).verify(keys.publicKeyObject, signature, 'base64')).toBe(true);
    }
  });
});
