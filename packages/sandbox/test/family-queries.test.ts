// The biz_content queries of the family: zhima.merchant.data.upload.initialize and
// zhima.data.feedbackurl.query (its own tests are in gateway.test.ts), their documented failures and
// the signed answers.
import { beforeAll, describe, expect, it } from 'vitest';
import { createSandbox, type Sandbox } from '../src/index.js';
import { makeKeyPair, type KeyPair } from './helpers/client.js';
import { bizCall } from './helpers/family.js';

const APP_ID = '2021000000000001';
const INITIALIZE = 'zhima.merchant.data.upload.initialize';

let app: KeyPair;
let sandbox: Sandbox;

beforeAll(async () => {
  app = makeKeyPair();
  sandbox = await createSandbox({ apps: [{ appId: APP_ID, publicKey: app.publicKey }], scenes: [{ sceneCode: '32', columns: ['order_no', 'ride_date'] }] });
});

const initialize = (bizContent: string | Record<string, unknown>, charset: 'utf-8' | 'gbk' = 'utf-8') => bizCall({ sandbox, appId: APP_ID, privateKey: app.privateKey, method: INITIALIZE, bizContent, charset });

describe('zhima.merchant.data.upload.initialize', () => {
  it.each(['8', '32'])('answers a signed template_url for scene %s', async (sceneCode) => {
    const result = await initialize({ scene_code: sceneCode, linked_merchant_id: '2088102000000001' });
    expect(result.node).toBe('zhima_merchant_data_upload_initialize_response');
    expect(result.answer).toMatchObject({ code: '10000', msg: 'Success', template_url: `http://sandbox.test/__sandbox/templates/${sceneCode}.xlsx?app_id=${APP_ID}` });
    expect(result.verified).toBe(true);
    expect(result.text).toContain('http:\\/\\/sandbox.test\\/__sandbox');
  });

  it('signs the answer over GBK bytes for a GBK request', async () => {
    const result = await initialize({ scene_code: '8', memo: '中文' }, 'gbk');
    expect(result.answer.code).toBe('10000');
    expect(result.verified).toBe(true);
  });

  it.each([
    ['biz_content that is not JSON', 'scene_code=8', 'biz_content'],
    ['no scene_code', {}, 'scene_code'],
    ['a scene without a template here', { scene_code: 'CAR_RENTING' }, 'CAR_RENTING'],
    ['scene_code that is an object', { scene_code: { code: '8' } }, 'scene_code'],
    ['linked_merchant_id over 16 characters', { scene_code: '8', linked_merchant_id: '20881020000000012' }, 'linked_merchant_id'],
  ])('answers a signed 40004 INVALID_PARAMETER for %s', async (_label, bizContent, named) => {
    const result = await initialize(bizContent);
    expect(result.node).toBe('zhima_merchant_data_upload_initialize_response');
    expect(result.answer).toMatchObject({ code: '40004', msg: 'Business Failed', sub_code: 'INVALID_PARAMETER' });
    expect(result.answer.sub_msg).toContain(named);
    expect(result.verified).toBe(true);
  });
});

describe('zhima.data.feedbackurl.query', () => {
  it('answers INVALID_PARAMETER for a blank merchant_id', async () => {
    const result = await bizCall({ sandbox, appId: APP_ID, privateKey: app.privateKey, method: 'zhima.data.feedbackurl.query', bizContent: { merchant_id: '  ' } });
    expect(result.answer).toMatchObject({ code: '40004', sub_code: 'INVALID_PARAMETER' });
    expect(result.verified).toBe(true);
  });
});
