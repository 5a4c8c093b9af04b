import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ZhimaError, importPrivateKey, importPublicKey, signContent, verifySignature } from '../src/index.js';
import { derivePublicKey } from '../src/internal.js';
import { makeCertificateFixture } from './fixtures/certificates.js';
import { makeKeyFixture } from './fixtures/keys.js';
import { rejectionOf } from './fixtures/caught.js';

const keys = makeKeyFixture();
const secretFragments = [keys.privateKeys['pkcs8-base64'].slice(40, 80), keys.privateKeys['pkcs1-base64'].slice(40, 80)];

async function keyError(run: () => Promise<unknown>): Promise<ZhimaError> {
  const error = await rejectionOf(run());
  expect(ZhimaError.isInstance(error, 'KEY_INVALID')).toBe(true);
  const { message, hint } = error as ZhimaError;
  for (const fragment of secretFragments) {
    expect(message).not.toContain(fragment);
    expect(hint ?? '').not.toContain(fragment);
  }
  return error as ZhimaError;
}

describe('importPrivateKey detects the format', () => {
  it.each(Object.entries(keys.privateKeys))('%s', async (format, text) => {
    const key = await importPrivateKey({ key: text });
    expect(key.format).toBe(format);
    expect(key.type).toBe('private');
    expect(key.modulusLength).toBe(2048);
  });

  it('a PKCS#1 body under a PKCS#8 label (a common copy-paste mix-up) still works', async () => {
    const mislabeled = `-----BEGIN PRIVATE KEY-----\n${keys.privateKeys['pkcs1-base64'].match(/.{1,64}/g)!.join('\n')}\n-----END PRIVATE KEY-----`;
    expect((await importPrivateKey({ key: mislabeled })).format).toBe('pkcs1-pem');
  });

  it('tolerates Windows line endings and surrounding white space', async () => {
    const key = await importPrivateKey({ key: `\r\n  ${keys.privateKeys['pkcs8-pem'].replace(/\n/g, '\r\n')}  ` });
    expect(key.format).toBe('pkcs8-pem');
  });

  it('reads a JWK given as text', async () => {
    expect((await importPrivateKey({ key: JSON.stringify(keys.privateJwk) })).format).toBe('jwk');
  });

  it('parses once: an imported key is reused as is', async () => {
    const key = await importPrivateKey({ key: keys.privateKeys['pkcs1-pem'] });
    expect(await importPrivateKey({ key })).toBe(key);
  });
});

describe('importPublicKey detects the format', () => {
  it.each(Object.entries(keys.publicKeys))('%s', async (format, text) => {
    expect((await importPublicKey({ key: text })).format).toBe(format);
  });

  it('takes the public key out of an X.509 certificate (made by openssl)', async () => {
    const { appCertPem, appKeyPem } = makeCertificateFixture();
    const key = await importPublicKey({ key: appCertPem });
    expect(key.format).toBe('certificate-pem');
    const signature = await signContent({ content: 'a=1', privateKey: appKeyPem });
    expect(await verifySignature({ content: 'a=1', signature, publicKey: key })).toBe(true);
  });
});

describe('bad keys give KEY_INVALID errors that say what was found and never echo the key', () => {
  it('a public key where a private key is needed', async () => {
    const error = await keyError(() => importPrivateKey({ key: keys.publicKeys['spki-pem'] }));
    expect(error.message).toMatch(/public key \(spki-pem\)/);
    expect(error.hint).toMatch(/alipayPublicKey/);
  });

  it('a private key where Alipay\'s public key is needed', async () => {
    const error = await keyError(() => importPublicKey({ key: keys.privateKeys['pkcs8-base64'] }));
    expect(error.message).toMatch(/private key \(pkcs8-base64\)/);
  });

  it('an encrypted PKCS#8 key', async () => {
    const encrypted = keys.privateKeyObject.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'secret' }) as string;
    expect((await keyError(() => importPrivateKey({ key: encrypted }))).message).toMatch(/encrypted/);
  });

  it('an encrypted legacy PEM key', async () => {
    const encrypted = keys.privateKeyObject.export({ type: 'pkcs1', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'secret' }) as string;
    expect((await keyError(() => importPrivateKey({ key: encrypted }))).message).toMatch(/encrypted/);
  });

  it('an EC key', async () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    expect((await keyError(() => importPrivateKey({ key: ec }))).message).toMatch(/not an RSA key/);
  });

  it('a truncated base64 key', async () => {
    const error = await keyError(() => importPrivateKey({ key: keys.privateKeys['pkcs8-base64'].slice(0, 600) }));
    expect(error.message).toMatch(/base64 text/);
  });

  it('a file path instead of a key', async () => {
    const error = await keyError(() => importPrivateKey({ key: './keys/app_private_key.pem' }));
    expect(error.hint).toMatch(/not a file path/);
  });

  it('a PEM block with no END line', async () => {
    await keyError(() => importPrivateKey({ key: keys.privateKeys['pkcs1-pem'].split('-----END')[0]! }));
  });

  it('a JWK of another key type', async () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });
    expect((await keyError(() => importPublicKey({ key: ec as JsonWebKey }))).message).toMatch(/EC/);
  });

  it('a non-extractable CryptoKey imported for the other hash', async () => {
    const sha1Key = await crypto.subtle.importKey('pkcs8', keys.privateDer, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-1' }, false, ['sign']);
    await keyError(() => signContent({ content: 'a=1', privateKey: sha1Key, signType: 'RSA2' }));
  });
});

describe('derivePublicKey', () => {
  it.each([...Object.entries(keys.privateKeys), ['jwk', keys.privateJwk] as const])('gives the SPKI node:crypto derives, from a %s private key', async (_format, privateKey) => {
    const publicKey = await derivePublicKey({ privateKey });
    expect(Buffer.from(publicKey.spki!).toString('base64')).toBe(keys.publicKeys['spki-base64']);
    expect(publicKey.modulusLength).toBe(2048);
  });

  it('refuses a CryptoKey, whose public half it cannot see', async () => {
    const cryptoKey = await crypto.subtle.importKey('pkcs8', keys.privateDer, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['sign']);
    await keyError(() => derivePublicKey({ privateKey: cryptoKey }));
  });
});
