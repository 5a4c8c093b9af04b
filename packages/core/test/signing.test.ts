import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importPrivateKey, importPublicKey, signContent, verifySignature } from '../src/index.js';
import { type SignType } from '../src/internal.js';
import { makeKeyFixture } from './fixtures/keys.js';
import { oracleBytes, oracleSign, oracleVerify } from './fixtures/oracle.js';

const keys = makeKeyFixture();

// Sign contents written by hand per the gateway rule (sorted keys, raw values), covering the cases
// that break naive signers: GBK Chinese, &, =, spaces, emoji, app_auth_token.
const contents: Record<string, { text: string; gbk: boolean }> = {
  'doc example': {
    text: 'app_id=2021000000000001&biz_ext_params={"extparam1":"中文值"}&charset=utf-8&columns=order_no,pay_month,user_name&file_charset=UTF-8&file_description=文件描述信息&file_type=json_data&method=zhima.data.batch.feedback&primary_key_columns=order_no,pay_month&records=1&sign_type=RSA2&timestamp=2024-01-02 03:04:05&version=1.0',
    gbk: true,
  },
  'reserved characters': { text: 'app_id=1&file_description=a&b=c d+e%20&method=m&timestamp=2024-01-02 03:04:05', gbk: true },
  'app auth token': { text: 'app_auth_token=202401BBd0a6d5f7b1a44c4a8bb2d1e4&app_id=1&method=m', gbk: true },
  emoji: { text: 'app_id=1&file_description=上报😀&method=m', gbk: false },
};

describe.each(['RSA2', 'RSA'] as SignType[])('signContent %s', (signType) => {
  describe.each(Object.keys(keys.privateKeys) as (keyof typeof keys.privateKeys)[])('with a %s private key', (format) => {
    it.each(Object.entries(contents))('matches node:crypto over UTF-8 bytes: %s', async (_name, { text }) => {
      const got = await signContent({ content: text, privateKey: keys.privateKeys[format], signType, charset: 'utf-8' });
      expect(got).toBe(oracleSign(text, keys.privateKeyObject, signType, 'utf-8'));
    });
  });

  it.each(Object.entries(contents).filter(([, c]) => c.gbk))('matches node:crypto over iconv-lite GBK bytes: %s', async (_name, { text }) => {
    const got = await signContent({ content: text, privateKey: keys.privateKeys['pkcs8-pem'], signType, charset: 'gbk' });
    expect(got).toBe(oracleSign(text, keys.privateKeyObject, signType, 'gbk'));
    // Chinese text makes GBK and UTF-8 signatures differ: a signer that ignores the charset fails here.
    if (/[^\x00-\x7f]/.test(text)) expect(got).not.toBe(oracleSign(text, keys.privateKeyObject, signType, 'utf-8'));
  });

  it('accepts JWK, DER bytes and CryptoKey private keys', async () => {
    const text = contents['doc example']!.text;
    const expected = oracleSign(text, keys.privateKeyObject, signType);
    expect(await signContent({ content: text, privateKey: keys.privateJwk, signType })).toBe(expected);
    expect(await signContent({ content: text, privateKey: keys.privateDer, signType })).toBe(expected);
    const cryptoKey = await crypto.subtle.importKey('pkcs8', keys.privateDer, { name: 'RSASSA-PKCS1-v1_5', hash: signType === 'RSA2' ? 'SHA-256' : 'SHA-1' }, false, ['sign']);
    expect(await signContent({ content: text, privateKey: cryptoKey, signType })).toBe(expected);
  });

  it.each(Object.keys(keys.publicKeys) as (keyof typeof keys.publicKeys)[])('verifies node:crypto signatures with a %s public key', async (format) => {
    const text = contents['doc example']!.text;
    const signature = oracleSign(text, keys.privateKeyObject, signType, 'gbk');
    expect(await verifySignature({ content: text, signature, publicKey: keys.publicKeys[format], signType, charset: 'gbk' })).toBe(true);
    expect(await verifySignature({ content: `${text}x`, signature, publicKey: keys.publicKeys[format], signType, charset: 'gbk' })).toBe(false);
    expect(await verifySignature({ content: text, signature, publicKey: keys.publicKeys[format], signType, charset: 'utf-8' })).toBe(false);
  });
});

describe('openssl agrees', () => {
  it('signs GBK content identically to `openssl dgst -sha256 -sign` (RSA2) and -sha1 (RSA)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zhima-openssl-'));
    const keyFile = join(dir, 'key.pem');
    const dataFile = join(dir, 'content.bin');
    writeFileSync(keyFile, keys.privateKeys['pkcs1-pem']);
    const text = contents['doc example']!.text;
    writeFileSync(dataFile, oracleBytes(text, 'gbk'));
    for (const [signType, digest] of [['RSA2', '-sha256'], ['RSA', '-sha1']] as const) {
      const expected = execFileSync('openssl', ['dgst', digest, '-sign', keyFile, dataFile]).toString('base64');
      expect(await signContent({ content: text, privateKey: keys.privateKeys['pkcs1-pem'], signType, charset: 'gbk' })).toBe(expected);
    }
  });
});

describe('signature round trip and failure modes', () => {
  it('our signature verifies with node:crypto', async () => {
    const key = await importPrivateKey({ key: keys.privateKeys['pkcs1-base64'] });
    const signature = await signContent({ content: 'a=中文', privateKey: key, charset: 'gbk' });
    expect(oracleVerify(oracleBytes('a=中文', 'gbk'), signature, keys.publicKeyObject)).toBe(true);
  });

  it('a malformed signature is a plain `false`, not an exception', async () => {
    const publicKey = await importPublicKey({ key: keys.publicKeys['spki-pem'] });
    expect(await verifySignature({ content: 'a=1', signature: '%%%not base64%%%', publicKey })).toBe(false);
    expect(await verifySignature({ content: 'a=1', signature: '', publicKey })).toBe(false);
  });

  it('rejects an unknown sign type with PARAM_INVALID', async () => {
    await expect(signContent({ content: 'a=1', privateKey: keys.privateKeys['pkcs8-pem'], signType: 'RSA256' as SignType })).rejects.toMatchObject({ code: 'PARAM_INVALID' });
  });

  it('refuses a character GBK cannot hold instead of signing a "?"', async () => {
    await expect(signContent({ content: 'a=😀', privateKey: keys.privateKeys['pkcs8-pem'], charset: 'gbk' })).rejects.toMatchObject({ code: 'PARAM_INVALID' });
  });
});
