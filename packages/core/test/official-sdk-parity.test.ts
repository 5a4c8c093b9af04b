// Parity with the official `alipay-sdk` npm package (dev-only oracle) on the UTF-8 cases where it
// follows the gateway rule (it keeps `k=` for empty values and hashes UTF-8 for every charset, so
// those cases are left out on purpose).
import { AlipaySdk } from 'alipay-sdk';
import { describe, expect, it } from 'vitest';
import { signContent } from '../src/index.js';
import { buildSignContent, type SignType } from '../src/internal.js';
import { makeKeyFixture } from './fixtures/keys.js';

const keys = makeKeyFixture();

const cases: Record<string, Record<string, string>> = {
  'batch feedback params': {
    file_charset: 'UTF-8',
    columns: 'user_name,order_no,pay_month',
    file_type: 'json_data',
    records: '2',
    biz_ext_params: '{"extparam1":"中文值"}',
    primary_key_columns: 'order_no,pay_month',
    file_description: '文件描述 & = 😀',
  },
  'app auth token': { app_auth_token: '202401BBd0a6d5f7b1a44c4a8bb2d1e4', columns: 'order_no', records: '1' },
};

describe.each([
  ['RSA2', 'PKCS1', 'pkcs1-pem'],
  ['RSA2', 'PKCS8', 'pkcs8-base64'],
  ['RSA', 'PKCS1', 'pkcs1-base64'],
] as const)('sign parity with alipay-sdk: %s, %s key', (signType, keyType, format) => {
  it.each(Object.entries(cases))('%s', async (_name, params) => {
    const sdk = new AlipaySdk({ appId: '2021000000000001', privateKey: keys.privateKeys[format], alipayPublicKey: keys.publicKeys['spki-pem'], signType, keyType, gateway: 'http://127.0.0.1:9/gateway.do' });
    const query = new URLSearchParams(sdk.sdkExecute('zhima.data.batch.feedback', params));
    const officialSign = query.get('sign');
    query.delete('sign');
    const all = Object.fromEntries(query);
    expect(Object.keys(all)).toEqual(expect.arrayContaining(['app_id', 'method', 'charset', 'sign_type', 'timestamp', 'version', ...Object.keys(params)]));
    expect(await signContent({ content: buildSignContent(all), privateKey: keys.privateKeys[format], signType: signType as SignType, charset: 'utf-8' })).toBe(officialSign);
  });
});
