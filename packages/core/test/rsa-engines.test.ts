// Both RSA engines behind `#rsa-engine` (WebCrypto for other runtimes, node:crypto on Node) must give
// identical, independently checkable results.
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
});
