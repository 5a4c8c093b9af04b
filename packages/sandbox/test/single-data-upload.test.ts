// zhima.merchant.single.data.upload (单条数据传入): one record as JSON in biz_content, checked as a
// one-record file and upserted under its scene.
import { beforeAll, describe, expect, it } from 'vitest';
import { loanTemplate } from '@zhima/validator';
import { createSandbox, type Sandbox } from '../src/index.js';
import { makeKeyPair, type KeyPair, type TestCharset } from './helpers/client.js';
import { bizCall } from './helpers/family.js';

const APP_ID = '2021000000000001';
const METHOD = 'zhima.merchant.single.data.upload';

let app: KeyPair;
let sandbox: Sandbox;

beforeAll(async () => {
  app = makeKeyPair();
  sandbox = await createSandbox({ apps: [{ appId: APP_ID, publicKey: app.publicKey }], scenes: [{ sceneCode: 'LOAN', ...loanTemplate }] });
});

function single(bizContent: string | Record<string, unknown>, { target = sandbox, charset = 'utf-8' }: { target?: Sandbox; charset?: TestCharset } = {}) {
  return bizCall({ sandbox: target, appId: APP_ID, privateKey: app.privateKey, method: METHOD, bizContent, charset });
}

const record = (overrides: Record<string, string> = {}) => ({ order_no: 'S-1', pay_month: '2024-01', user_name: '张三', ...overrides });

// A full, valid record of the loan template (a real PRC ID number check character).
const LOAN_RECORD = {
  user_name: '张三', user_credentials_type: '0', user_credentials_no: '11010519491231002X', order_no: 'L-1', biz_type: '1', order_status: '04',
  create_amt: '19000.00', pay_month: '2024-01', gmt_ovd_date: '', overdue_days: '0', overdue_amt: '0.00', gmt_pay: '2024-01-15', memo: '',
};

describe('zhima.merchant.single.data.upload', () => {
  it('upserts one record under its scene and answers a signed task_id, a new one each time', async () => {
    const target = await createSandbox({ apps: [{ appId: APP_ID, publicKey: app.publicKey }] });
    const first = await single({ scene_code: '8', data: JSON.stringify(record()), primary_keys: 'order_no,pay_month' }, { target });
    expect(first.node).toBe('zhima_merchant_single_data_upload_response');
    expect(first.answer).toMatchObject({ code: '10000', msg: 'Success' });
    expect(first.answer.task_id).toMatch(/^[0-9a-f]{32}$/);
    expect(first.verified).toBe(true);
    const corrected = await single({ scene_code: 8, data: JSON.stringify(record({ user_name: '李四' })), primary_keys: 'order_no,pay_month' }, { target });
    expect(corrected.answer.code).toBe('10000');
    expect(corrected.answer.task_id).not.toBe(first.answer.task_id);
    // A correction between T+1 runs replaces the record with the same key.
    expect(target.storedRecords({ appId: APP_ID, sceneCode: '8' })).toEqual([record({ user_name: '李四' })]);
    expect(target.storedRecords({ appId: APP_ID })).toEqual([]);
    expect(target.uploads({ appId: APP_ID })).toEqual([]);
    expect(target.calls().map((call) => call.taskId)).toEqual([first.answer.task_id, corrected.answer.task_id]);
  });

  it('checks the record with the scene template rules, masking personal data in the message', async () => {
    const good = await single({ scene_code: 'LOAN', data: JSON.stringify(LOAN_RECORD), primary_keys: 'order_no,pay_month' });
    expect(good.answer.code).toBe('10000');
    const wrongId = { ...LOAN_RECORD, order_no: 'L-2', user_credentials_no: '110105194912310021' };
    const bad = await single({ scene_code: 'LOAN', data: JSON.stringify(wrongId), primary_keys: 'order_no,pay_month' });
    expect(bad.answer).toMatchObject({ code: '40004', sub_code: 'INVALID_PARAMETER' });
    expect(bad.answer.sub_msg).toContain('user_credentials_no');
    expect(bad.answer.sub_msg).not.toContain('110105194912310021');
    expect(sandbox.storedRecords({ appId: APP_ID, sceneCode: 'LOAN' }).map((stored) => stored.order_no)).toEqual(['L-1']);
  });

  it('measures data in characters and in bytes of the request charset: 1500 Chinese characters pass in GBK, not in UTF-8', async () => {
    const target = await createSandbox({ apps: [{ appId: APP_ID, publicKey: app.publicKey }] });
    const data = JSON.stringify(record({ user_name: '张'.repeat(1500) }));
    expect(data.length).toBeLessThan(4096);
    expect(Buffer.byteLength(data, 'utf8')).toBeGreaterThan(4096); // 3 bytes a character
    const gbk = await single({ scene_code: '8', data, primary_keys: 'order_no' }, { target, charset: 'gbk' }); // 2 bytes a character
    expect(gbk.answer.code).toBe('10000');
    const utf8 = await single({ scene_code: '8', data, primary_keys: 'order_no' }, { target });
    expect(utf8.answer).toMatchObject({ code: '40004', sub_code: 'INVALID_PARAMETER' });
    expect(utf8.answer.sub_msg).toContain('4096');
  });

  it('accepts data of exactly 4096 characters and refuses 4097', async () => {
    // ASCII only, so characters and UTF-8 bytes agree.
    const frame = JSON.stringify(record({ user_name: 'Zhang San', memo: '' }));
    const at = JSON.stringify(record({ user_name: 'Zhang San', memo: 'm'.repeat(4096 - frame.length) }));
    expect(at.length).toBe(4096);
    expect(Buffer.byteLength(at)).toBe(4096);
    const target = await createSandbox({ apps: [{ appId: APP_ID, publicKey: app.publicKey }], scenes: [{ sceneCode: '8', columns: ['order_no', 'pay_month', 'user_name', 'memo'] }] });
    expect((await single({ scene_code: '8', data: at, primary_keys: 'order_no' }, { target })).answer.code).toBe('10000');
    const over = JSON.stringify(record({ user_name: 'Zhang San', memo: 'm'.repeat(4097 - frame.length) }));
    expect((await single({ scene_code: '8', data: over, primary_keys: 'order_no' }, { target })).answer).toMatchObject({ code: '40004', sub_code: 'INVALID_PARAMETER' });
  });

  it.each([
    ['biz_content that is not JSON', 'scene_code=8', 'INVALID_PARAMETER', 'biz_content'],
    ['biz_content that is an array', '[]', 'INVALID_PARAMETER', 'biz_content'],
    ['no scene_code', { data: JSON.stringify(record()), primary_keys: 'order_no' }, 'INVALID_PARAMETER', 'scene_code'],
    ['an unknown scene', { scene_code: '77', data: JSON.stringify(record()), primary_keys: 'order_no' }, 'INVALID_PARAMETER', '77'],
    ['no data', { scene_code: '8', primary_keys: 'order_no' }, 'INVALID_PARAMETER', 'data'],
    ['data given as an object, not a JSON string', { scene_code: '8', data: record(), primary_keys: 'order_no' }, 'INVALID_PARAMETER', 'data'],
    ['data that is not JSON', { scene_code: '8', data: '{order_no:S-1}', primary_keys: 'order_no' }, 'JSON_PARSE_ERROR', 'data'],
    ['data that is a list', { scene_code: '8', data: JSON.stringify([record()]), primary_keys: 'order_no' }, 'JSON_PARSE_ERROR', 'data'],
    ['no primary_keys', { scene_code: '8', data: JSON.stringify(record()) }, 'INVALID_PARAMETER', 'primary_keys'],
    ['a stray comma in primary_keys', { scene_code: '8', data: JSON.stringify(record()), primary_keys: 'order_no,,pay_month' }, 'INVALID_PRIMARY_ARGUMENTS', 'primary_keys'],
    ['a primary key that is not a field', { scene_code: '8', data: JSON.stringify(record()), primary_keys: 'order_no,bill_month' }, 'INVALID_PRIMARY_ARGUMENTS', 'bill_month'],
    ['an empty primary key value', { scene_code: '8', data: JSON.stringify(record({ order_no: '' })), primary_keys: 'order_no' }, 'INVALID_PRIMARY_ARGUMENTS', 'order_no'],
    ['a field outside the template', { scene_code: '8', data: JSON.stringify({ ...record(), ride_date: '2024-01-02' }), primary_keys: 'order_no' }, 'INVALID_PARAMETER', 'ride_date'],
    ['linked_merchant_id over 16', { scene_code: '8', data: JSON.stringify(record()), primary_keys: 'order_no', linked_merchant_id: '2'.repeat(17) }, 'INVALID_PARAMETER', 'linked_merchant_id'],
    ['biz_ext_params that is not a JSON object', { scene_code: '8', data: JSON.stringify(record()), primary_keys: 'order_no', biz_ext_params: 'a=1' }, 'INVALID_PARAMETER', 'biz_ext_params'],
    ['biz_ext_params over 256', { scene_code: '8', data: JSON.stringify(record()), primary_keys: 'order_no', biz_ext_params: JSON.stringify({ a: 'b'.repeat(260) }) }, 'INVALID_PARAMETER', 'biz_ext_params'],
  ])('answers a signed 40004 for %s, storing nothing', async (_label, bizContent, subCode, named) => {
    const target = await createSandbox({ apps: [{ appId: APP_ID, publicKey: app.publicKey }], alipayPrivateKey: sandbox.alipayPrivateKey });
    const result = await single(bizContent, { target });
    expect(result.node).toBe('zhima_merchant_single_data_upload_response');
    expect(result.answer).toMatchObject({ code: '40004', msg: 'Business Failed', sub_code: subCode });
    expect(result.answer.sub_msg).toContain(named);
    expect(result.verified).toBe(true);
    expect(target.storedRecords({ appId: APP_ID, sceneCode: '8' })).toEqual([]);
  });
});
