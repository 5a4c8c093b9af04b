import { createPrivateKey, createPublicKey, generateKeyPairSync, sign as nodeSign, verify } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { tempDir, zhima } from './support.js';

const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
const privatePkcs1 = pair.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
const publicPem = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();

const PARAMS = {
  app_id: '2021000000000001',
  method: 'zhima.data.batch.feedback',
  charset: 'utf-8',
  sign_type: 'RSA2',
  timestamp: '2024-01-02 03:04:05',
  version: '1.0',
  file_description: '文件描述信息',
  biz_ext_params: '{"extparam1":"中文值"}',
  columns: 'order_no,pay_month,user_name',
  empty: '',
};

function paramFlags(params: Record<string, string>): string[] {
  return Object.entries(params).flatMap(([key, value]) => ['--param', `${key}=${value}`]);
}

function printed(stdout: string): { content: string; signature: string } {
  const match = /sign content \([^)]*\):\n(.*)\n\nsign:\n(\S+)\n/.exec(stdout);
  if (match === null) throw new Error(`unexpected output: ${stdout}`);
  return { content: match[1]!, signature: match[2]! };
}

describe('zhima sign', () => {
  it('prints the gateway sign content and an RSA2 signature node:crypto verifies', async () => {
    const dir = await tempDir();
    const result = await zhima(['sign', ...paramFlags(PARAMS)], { cwd: dir, env: { ZHIMA_PRIVATE_KEY: privatePkcs1 } });
    expect(result.code).toBe(0);
    const { content, signature } = printed(result.stdout);
    // The protocol document's rule, written out independently: sorted keys, empties dropped, raw values.
    const expected = Object.entries(PARAMS)
      .filter(([, value]) => value !== '')
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([key, value]) => `${key}=${value}`)
      .join('&');
    expect(content).toBe(expected);
    expect(verify('RSA-SHA256', Buffer.from(expected, 'utf8'), pair.publicKey, Buffer.from(signature, 'base64'))).toBe(true);
    expect(nodeSign('RSA-SHA256', Buffer.from(expected, 'utf8'), pair.privateKey).toString('base64')).toBe(signature);
    expect(result.stdout + result.stderr).not.toContain(privatePkcs1.split('\n')[1]);
  });

  it('signs the GBK bytes with RSA (SHA-1) when asked', async () => {
    const dir = await tempDir();
    const keyFile = join(dir, 'key.txt');
    // Bare base64 PKCS#8, as Alipay's key tool prints it for Java.
    await writeFile(keyFile, pair.privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64'));
    const params = { ...PARAMS, charset: 'gbk', sign_type: 'RSA' };
    const result = await zhima(['sign', ...paramFlags(params), '--sign-type', 'RSA', '--request-charset', 'gbk', '--private-key-file', keyFile], { cwd: dir });
    expect(result.code).toBe(0);
    const { content, signature } = printed(result.stdout);
    expect(verify('RSA-SHA1', iconv.encode(content, 'gbk'), pair.publicKey, Buffer.from(signature, 'base64'))).toBe(true);
    expect(verify('RSA-SHA1', Buffer.from(content, 'utf8'), pair.publicKey, Buffer.from(signature, 'base64'))).toBe(false);
  });

  it('exits 2 on malformed params or a missing key', async () => {
    const dir = await tempDir();
    expect((await zhima(['sign', '--param', 'novalue'], { cwd: dir, env: { ZHIMA_PRIVATE_KEY: privatePkcs1 } })).code).toBe(2);
    expect((await zhima(['sign', '--param', 'a=1'], { cwd: dir })).code).toBe(2);
    const broken = await zhima(['sign', '--param', 'a=1'], { cwd: dir, env: { ZHIMA_PRIVATE_KEY: 'not a key' } });
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain('KEY_INVALID');
  });
});

describe('zhima verify-response', () => {
  const method = 'zhima.data.batch.feedback';
  const node = '{"code":"10000","msg":"Success"}';
  const signature = nodeSign('RSA-SHA256', Buffer.from(node), pair.privateKey).toString('base64');

  async function check(body: string, extra: string[] = []) {
    const dir = await tempDir();
    await writeFile(join(dir, 'answer.json'), body);
    await writeFile(join(dir, 'alipay.pem'), publicPem);
    return zhima(['verify-response', 'answer.json', '--method', method, '--alipay-public-key-file', 'alipay.pem', ...extra], { cwd: dir });
  }

  it('accepts a response signed over the raw node text, sign first or last', async () => {
    const last = await check(`{"zhima_data_batch_feedback_response":${node},"sign":"${signature}"}`);
    expect(last.code).toBe(0);
    expect(last.stdout).toContain('verified: the signature is valid');
    expect((await check(`{"sign":"${signature}","zhima_data_batch_feedback_response":${node}}`)).code).toBe(0);
  });

  it('rejects a tampered or duplicated node, and reports unsigned errors as unverified', async () => {
    const tampered = await check(`{"zhima_data_batch_feedback_response":{"code":"10000","msg":"Succes"},"sign":"${signature}"}`);
    expect(tampered.code).toBe(1);
    expect(tampered.stderr).toContain('SIGNATURE_INVALID');
    const doubled = await check(`{"zhima_data_batch_feedback_response":${node},"zhima_data_batch_feedback_response":{"code":"10000","msg":"x"},"sign":"${signature}"}`);
    expect(doubled.code).toBe(1);
    const unsigned = await check('{"error_response":{"code":"40002","msg":"Invalid Arguments","sub_code":"isv.missing-app-id"}}');
    expect(unsigned.code).toBe(0);
    expect(unsigned.stdout).toContain('unverified');
    expect(unsigned.stdout).toContain('sub_code: isv.missing-app-id');
    // The public key is checked against nothing else: an app key instead of Alipay's fails.
    const other = createPublicKey(createPrivateKey(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' })));
    const dir = await tempDir();
    await writeFile(join(dir, 'a.json'), `{"zhima_data_batch_feedback_response":${node},"sign":"${signature}"}`);
    const wrongKey = await zhima(['verify-response', 'a.json'], { cwd: dir, env: { ZHIMA_ALIPAY_PUBLIC_KEY: other.export({ type: 'spki', format: 'pem' }).toString() } });
    expect(wrongKey.code).toBe(1);
  });
});
