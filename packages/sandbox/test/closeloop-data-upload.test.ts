// zhima.merchant.closeloop.data.upload (批量数据传入) through the independent test client: the same records
// file as batch feedback, per scene, answering a task_id.
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { loanTemplateRules } from '@zhima/validator';
import { createSandbox, type Sandbox } from '../src/index.js';
import { encode, makeKeyPair, recordsFile, type FilePart, type KeyPair, type TestCharset } from './helpers/client.js';
import { bizCall, uploadCall } from './helpers/family.js';

const APP_ID = '2021000000000001';
const METHOD = 'zhima.merchant.closeloop.data.upload';
const COLUMNS = 'order_no,pay_month,user_name';
const PRIMARY = 'order_no,pay_month';
const RIDING = { sceneCode: '32', columns: ['order_no', 'ride_date', 'fee'] };

let app: KeyPair;
let sandbox: Sandbox;

beforeAll(async () => {
  app = makeKeyPair();
  sandbox = await createSandbox({ apps: [{ appId: APP_ID, publicKey: app.publicKey }], scenes: [RIDING, { sceneCode: 'CAR_RENTING', columns: ['order_no', 'pay_month', 'user_name'] }] });
});

let sequence = 0;
function rows(count: number, prefix = `C${++sequence}`): Record<string, string>[] {
  return Array.from({ length: count }, (_, i) => ({ order_no: `${prefix}-${i}`, pay_month: '2024-01', user_name: i % 2 ? '张三' : '李四' }));
}

interface Upload {
  target?: Sandbox;
  records?: Record<string, string>[];
  fields?: Record<string, string | undefined>;
  files?: FilePart[];
  charset?: TestCharset;
}

function upload({ target = sandbox, records = rows(2), fields = {}, files, charset = 'utf-8' }: Upload = {}) {
  const fileCharset = fields.file_charset ?? (charset === 'gbk' ? 'GBK' : 'UTF-8');
  return uploadCall({
    sandbox: target,
    appId: APP_ID,
    privateKey: app.privateKey,
    method: METHOD,
    charset,
    fields: { scene_code: '8', columns: COLUMNS, primary_key_columns: PRIMARY, records: String(records.length), file_charset: fileCharset, ...fields },
    files: files ?? [{ name: 'file', filename: 'records.txt', content: recordsFile(records, fileCharset === 'GBK' ? 'gbk' : 'utf-8') }],
  });
}

describe('zhima.merchant.closeloop.data.upload', () => {
  it.each(['utf-8', 'gbk'] as const)('accepts a file with charset %s, answers a signed task_id and stores the records under the scene', async (charset) => {
    const records = rows(3);
    const result = await upload({ records, charset, fields: { biz_ext_params: '{"batch":"夜间"}' } });
    expect(result.node).toBe('zhima_merchant_closeloop_data_upload_response');
    expect(result.answer).toMatchObject({ code: '10000', msg: 'Success', biz_ext_params: '{"batch":"夜间"}' });
    expect(result.answer.task_id).toMatch(/^[0-9a-f]{32}$/);
    expect(result.verified).toBe(true);
    expect(sandbox.storedRecords({ appId: APP_ID, sceneCode: '8' })).toEqual(expect.arrayContaining(records));
    // Per scene: neither the batch-feedback records nor another scene see them.
    expect(sandbox.storedRecords({ appId: APP_ID })).not.toEqual(expect.arrayContaining([records[0]]));
    expect(sandbox.storedRecords({ appId: APP_ID, sceneCode: 'CAR_RENTING' })).not.toEqual(expect.arrayContaining([records[0]]));
  });

  it('stores files and single uploads of a scene in arrival order, a later one replacing a key in place, whether or not the store was read in between', async () => {
    const target = await createSandbox({ apps: [{ appId: APP_ID, publicKey: app.publicKey }] });
    const single = (record: Record<string, string>) =>
      bizCall({ sandbox: target, appId: APP_ID, privateKey: app.privateKey, method: 'zhima.merchant.single.data.upload', bizContent: { scene_code: '8', data: JSON.stringify(record), primary_keys: PRIMARY } });
    const first = rows(3, 'ORD');
    const second: Record<string, string>[] = [{ ...first[2]!, user_name: '王五' }, { order_no: 'ORD-9', pay_month: '2024-01', user_name: '赵六' }];
    expect((await upload({ target, records: first })).answer.code).toBe('10000');
    expect((await single({ ...first[0]!, user_name: '周七' })).answer.code).toBe('10000');
    expect((await upload({ target, records: second })).answer.code).toBe('10000');
    // The oracle: each arrival applied at once to a Map by key.
    const expected = new Map<string, Record<string, string>>();
    for (const record of [...first, { ...first[0]!, user_name: '周七' }, ...second]) expected.set(`${record.order_no}/${record.pay_month}`, record);
    expect(target.storedRecords({ appId: APP_ID, sceneCode: '8' })).toEqual([...expected.values()]);
    expect((await single({ ...first[1]!, user_name: '吴八' })).answer.code).toBe('10000');
    expected.set(`${first[1]!.order_no}/${first[1]!.pay_month}`, { ...first[1]!, user_name: '吴八' });
    expect(target.storedRecords({ appId: APP_ID, sceneCode: '8' })).toEqual([...expected.values()]);
    expect(target.uploads({ appId: APP_ID }).map((one) => one.records)).toEqual([3, 2]);
  });

  it('gives every upload a new task_id, even the same file twice, and logs each with it', async () => {
    const target = await createSandbox({ apps: [{ appId: APP_ID, publicKey: app.publicKey }] });
    const records = rows(4);
    const content = recordsFile(records);
    const files = [{ name: 'file', filename: 'day.json', content }];
    const first = await upload({ target, records, files });
    const second = await upload({ target, records, files });
    expect(first.answer.task_id).not.toBe(second.answer.task_id);
    const sha256 = createHash('sha256').update(content).digest('hex');
    expect(target.uploads({ appId: APP_ID })).toEqual([
      { method: METHOD, sceneCode: '8', taskId: first.answer.task_id, fileName: 'day.json', records: 4, bytes: content.length, sha256 },
      { method: METHOD, sceneCode: '8', taskId: second.answer.task_id, fileName: 'day.json', records: 4, bytes: content.length, sha256 },
    ]);
    expect(target.storedRecords({ appId: APP_ID, sceneCode: '8' })).toHaveLength(4);
    expect(target.calls().map((call) => call.taskId)).toEqual([first.answer.task_id, second.answer.task_id]);
  });

  it('leaves biz_ext_params out of the answer when it was not sent', async () => {
    const result = await upload();
    expect(result.answer.code).toBe('10000');
    expect(result.text).not.toContain('biz_ext_params');
  });

  it('accepts the optional linked_merchant_id of a 二级商户 (16 characters)', async () => {
    expect((await upload({ fields: { linked_merchant_id: '2088102000000001' } })).answer.code).toBe('10000');
  });

  it('ignores file_type and file_description (not params of this method) and logs that they came', async () => {
    const target = await createSandbox({ apps: [{ appId: APP_ID, publicKey: app.publicKey }] });
    const result = await upload({ target, fields: { file_type: 'csv', file_description: '描述' } });
    expect(result.answer.code).toBe('10000');
    expect(target.calls()[0]!.paramNames).toEqual(expect.arrayContaining(['file_type', 'file_description']));
    const clean = await upload({ target });
    expect(clean.answer.code).toBe('10000');
    expect(target.calls()[1]!.paramNames).not.toContain('file_type');
  });

  it('checks records against the scene: columns of its template, its rules', async () => {
    const riding = [{ order_no: 'R-1', ride_date: '2024-01-02', fee: '3.50' }];
    const accepted = await upload({ records: riding, fields: { scene_code: '32', columns: 'order_no,ride_date,fee', primary_key_columns: 'order_no' } });
    expect(accepted.answer.code).toBe('10000');
    expect(sandbox.storedRecords({ appId: APP_ID, sceneCode: '32' })).toEqual(riding);
    const outside = await upload({ fields: { scene_code: '32' } });
    expect(outside.answer).toMatchObject({ code: '40004', sub_code: 'INVALID_PARAMETER' });
    expect(outside.answer.sub_msg).toContain('pay_month');

    const strict = await createSandbox({ apps: [{ appId: APP_ID, publicKey: app.publicKey }], rules: loanTemplateRules });
    const badMonth = await upload({ target: strict, records: [{ order_no: 'A', pay_month: '2024/01', user_name: '张三' }] });
    expect(badMonth.answer).toMatchObject({ code: '40004', sub_code: 'INVALID_PARAMETER' });
    expect(badMonth.answer.sub_msg).toContain('pay_month');
    expect(strict.storedRecords({ appId: APP_ID, sceneCode: '8' })).toEqual([]);
  });

  it.each([
    ['scene_code missing', { scene_code: undefined }, 'INVALID_PARAMETER', 'scene_code'],
    ['a scene without a template here', { scene_code: '99' }, 'INVALID_PARAMETER', '99'],
    ['linked_merchant_id over 16', { linked_merchant_id: '20881020000000011' }, 'INVALID_PARAMETER', 'linked_merchant_id'],
    ['biz_ext_params over 256', { biz_ext_params: JSON.stringify({ note: 'x'.repeat(250) }) }, 'INVALID_PARAMETER', 'biz_ext_params'],
    ['biz_ext_params not JSON', { biz_ext_params: 'note=1' }, 'INVALID_PARAMETER', 'biz_ext_params'],
    ['columns missing', { columns: undefined }, 'INVALID_DATA_ARGUMENTS', 'columns'],
    ['a primary key outside columns', { primary_key_columns: 'order_no,gmt_pay' }, 'INVALID_PRIMARY_ARGUMENTS', 'gmt_pay'],
    ['records disagreeing with the file', { records: '3' }, 'INVALID_DATA_ARGUMENTS', 'records'],
    ['file_charset not UTF-8/GBK', { file_charset: 'latin1' }, 'INVALID_PARAMETER', 'file_charset'],
  ])('answers a signed 40004 for %s', async (_label, fields, subCode, named) => {
    const before = sandbox.uploads({ appId: APP_ID }).length;
    const result = await upload({ fields });
    expect(result.node).toBe('zhima_merchant_closeloop_data_upload_response');
    expect(result.answer).toMatchObject({ code: '40004', msg: 'Business Failed', sub_code: subCode });
    expect(result.answer.sub_msg).toContain(named);
    expect(result.answer.task_id).toBeUndefined();
    expect(result.verified).toBe(true);
    expect(sandbox.uploads({ appId: APP_ID })).toHaveLength(before);
  });

  it('answers INVALID_DATA_ARGUMENTS without a file part and INVALID_PRIMARY_ARGUMENTS for a duplicate key', async () => {
    expect((await upload({ files: [] })).answer).toMatchObject({ code: '40004', sub_code: 'INVALID_DATA_ARGUMENTS' });
    const [first] = rows(1);
    const duplicate = await upload({ records: [first!, { ...first!, user_name: '王五' }] });
    expect(duplicate.answer).toMatchObject({ code: '40004', sub_code: 'INVALID_PRIMARY_ARGUMENTS' });
  });

  it.each([
    ['records.csv', false],
    ['records.xlsx', false],
    ['records.', false],
    ['records.json.gz', false],
    ['records.TXT', true],
    ['records.json', true],
    ['records', true],
    ['C:\\exports\\day.txt', true],
  ])('file name %s: accepted %s (INVALID_FILE_TYPE otherwise)', async (filename, accepted) => {
    const records = rows(1);
    const result = await upload({ records, files: [{ name: 'file', filename, content: recordsFile(records) }] });
    if (accepted) {
      expect(result.answer.code).toBe('10000');
    } else {
      expect(result.answer).toMatchObject({ code: '40004', sub_code: 'INVALID_FILE_TYPE' });
      expect(result.answer.sub_msg).toContain('目前只支持txt文件');
      expect(result.verified).toBe(true);
    }
  });

  it('refuses a file over 52428800 bytes and accepts one exactly at the bound', async () => {
    const target = await createSandbox({ apps: [{ appId: APP_ID, publicKey: app.publicKey }] });
    const bound = 52_428_800;
    // ~52k records of ~1000 bytes; the last one's padding makes the file exactly `bound` (or one over).
    const fileOf = (extra: number) => {
      const records = Array.from({ length: 52_000 }, (_, i) => ({ order_no: `BIG-${i}`, pay_month: '2024-01', user_name: 'x'.repeat(940) }));
      const base = Buffer.byteLength(JSON.stringify({ records }));
      records[records.length - 1]!.user_name += 'x'.repeat(bound - base + extra);
      return { records, content: Buffer.from(JSON.stringify({ records })) };
    };
    const atBound = fileOf(0);
    expect(atBound.content.length).toBe(bound);
    const ok = await upload({ target, records: atBound.records, files: [{ name: 'file', filename: 'big.txt', content: atBound.content }] });
    expect(ok.answer.code).toBe('10000');
    const over = fileOf(1);
    expect(over.content.length).toBe(bound + 1);
    const refused = await upload({ target, records: over.records, files: [{ name: 'file', filename: 'big.txt', content: over.content }] });
    expect(refused.answer.code).toBe('40004');
    expect(refused.answer.sub_msg).toMatch(/52428800|50 MiB|50MB/);
    expect(target.uploads({ appId: APP_ID })).toHaveLength(1);
  }, 120_000);
});

describe('closeloop uploads at a merchant scale', () => {
  // 100k records, compact one-line JSON and pretty-printed, GBK and UTF-8; the oracle is JSON.parse + a Map.
  it.each([
    ['one-line UTF-8', 'utf-8', (records: unknown) => JSON.stringify({ records })],
    ['pretty GBK', 'gbk', (records: unknown) => JSON.stringify({ records }, null, 2)],
  ] as const)('stores exactly the records of a 100k-record %s file', async (_label, charset, serialise) => {
    const target = await createSandbox({ apps: [{ appId: APP_ID, publicKey: app.publicKey }] });
    const records = Array.from({ length: 100_000 }, (_, i) => ({ order_no: `N${i}`, pay_month: `2024-${String((i % 12) + 1).padStart(2, '0')}`, user_name: i % 3 ? '欧阳娜娜' : 'Li' }));
    const content = encode(serialise(records), charset);
    const result = await upload({ target, records, charset, files: [{ name: 'file', filename: 'night.txt', content }] });
    expect(result.answer.code).toBe('10000');
    const oracle = new Map((JSON.parse(serialise(records)) as { records: typeof records }).records.map((record) => [`${record.order_no}|${record.pay_month}`, record]));
    const stored = target.storedRecords({ appId: APP_ID, sceneCode: '8' });
    expect(stored).toHaveLength(oracle.size);
    for (const record of stored) expect(oracle.get(`${record.order_no}|${record.pay_month}`)).toEqual(record);
  }, 120_000);

  it('refuses a 100k-record file whose duplicate key sits near the end, storing nothing', async () => {
    const target = await createSandbox({ apps: [{ appId: APP_ID, publicKey: app.publicKey }] });
    const records = Array.from({ length: 100_000 }, (_, i) => ({ order_no: `D${i}`, pay_month: '2024-01', user_name: 'Li' }));
    records[99_990] = { ...records[17]!, user_name: 'Wang' };
    // The oracle sees the duplicate too.
    expect(new Set(records.map((record) => record.order_no)).size).toBe(99_999);
    const result = await upload({ target, records });
    expect(result.answer).toMatchObject({ code: '40004', sub_code: 'INVALID_PRIMARY_ARGUMENTS' });
    expect(target.storedRecords({ appId: APP_ID, sceneCode: '8' })).toEqual([]);
  }, 120_000);
});
