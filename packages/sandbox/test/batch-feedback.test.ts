import { createHash } from 'node:crypto';
import iconv from 'iconv-lite';
import { beforeAll, describe, expect, it } from 'vitest';
import { loanTemplateRules } from '@zhima/validator';
import { createSandbox, type Sandbox } from '../src/index.js';
import { chinaTimestamp, encode, gatewayCall, makeKeyPair, publicParams, readAnswer, recordsFile, type FilePart, type KeyPair, type TestCharset } from './helpers/client.js';

const APP_ID = '2021000000000001';
const OTHER_APP = '2021000000000002';
const METHOD = 'zhima.data.batch.feedback';
const NOW = new Date('2026-03-04T05:06:07Z');
const COLUMNS = 'order_no,pay_month,user_name';
const PRIMARY = 'order_no,pay_month';

let app: KeyPair;
let sandbox: Sandbox;

beforeAll(async () => {
  app = makeKeyPair();
  sandbox = await createSandbox({ apps: [{ appId: APP_ID, publicKey: app.publicKey }, { appId: OTHER_APP, publicKey: app.publicKey }], now: () => NOW });
});

interface UploadSpec {
  appId?: string;
  records?: Record<string, string>[];
  file?: Buffer | null;
  params?: Record<string, string | undefined>;
  charset?: TestCharset;
  javaStyle?: boolean;
  extraFiles?: FilePart[];
}

let sequence = 0;
function rows(count: number, prefix = `R${++sequence}`): Record<string, string>[] {
  return Array.from({ length: count }, (_, i) => ({ order_no: `${prefix}-${i}`, pay_month: '2024-01', user_name: i % 2 ? '张三' : '李四' }));
}

async function upload({ appId = APP_ID, records = rows(2), file, params = {}, charset = 'utf-8', javaStyle = false, extraFiles = [] }: UploadSpec = {}) {
  const fileCharset = params.file_charset ?? (charset === 'gbk' ? 'GBK' : 'UTF-8');
  const business: Record<string, string | undefined> = {
    columns: COLUMNS,
    primary_key_columns: PRIMARY,
    records: String(records.length),
    file_type: 'json_data',
    file_charset: fileCharset,
    biz_ext_params: '{"extparam1":"中文值"}',
    file_description: '文件描述信息',
    ...params,
  };
  const body = Object.fromEntries(Object.entries(business).filter((entry): entry is [string, string] => entry[1] !== undefined));
  const content = file === undefined ? recordsFile(records, fileCharset === 'GBK' ? 'gbk' : 'utf-8') : file;
  const files = content === null ? extraFiles : [{ name: 'file', filename: 'records.json', content, contentType: 'application/json' }, ...extraFiles];
  const request = gatewayCall({
    query: publicParams({ appId, method: METHOD, timestamp: chinaTimestamp(NOW), charset }),
    body,
    files,
    bodyKind: 'multipart',
    charset,
    javaStyle,
    privateKey: app.privateKey,
  });
  return readAnswer(await sandbox.fetch(request), { alipayPublicKey: sandbox.alipayPublicKey, charset });
}

function held(prefix: string, appId = APP_ID) {
  return sandbox.storedRecords({ appId }).filter((record) => String(record.order_no).startsWith(`${prefix}-`));
}

describe('accepted uploads', () => {
  it('accepts a valid file, answers signed 10000 and holds its records', async () => {
    const records = rows(3, 'OK');
    const result = await upload({ records });
    expect(result.node).toBe('zhima_data_batch_feedback_response');
    expect(result.answer).toEqual({ code: '10000', msg: 'Success' });
    expect(result.verified).toBe(true);
    expect(held('OK')).toEqual(records);
  });

  it('accepts a GBK request with a GBK file and holds the decoded text', async () => {
    const records = rows(2, 'GBK').map((record) => ({ ...record, user_name: '欧阳娜娜' }));
    const result = await upload({ records, charset: 'gbk' });
    expect(result.answer.code).toBe('10000');
    expect(result.verified).toBe(true);
    expect(held('GBK')).toEqual(records);
  });

  it('accepts the Java SDK multipart style (charset on the body and on each text part)', async () => {
    const result = await upload({ records: rows(1, 'JAVA'), charset: 'gbk', javaStyle: true });
    expect(result.answer.code).toBe('10000');
    expect(held('JAVA')).toHaveLength(1);
  });

  it('upserts by primary key: resending holds each key once, with the latest values', async () => {
    const records = rows(4, 'UPSERT');
    await upload({ records });
    await upload({ records });
    const changed = [{ ...records[1]!, user_name: '王五' }];
    await upload({ records: changed });
    const now = held('UPSERT');
    expect(now).toHaveLength(4);
    expect(now.find((record) => record.order_no === 'UPSERT-1')?.user_name).toBe('王五');
  });

  it('keeps each app its own records, also through GET /__sandbox/records', async () => {
    await upload({ appId: OTHER_APP, records: rows(2, 'OTHER') });
    expect(held('OTHER')).toHaveLength(0);
    expect(held('OTHER', OTHER_APP)).toHaveLength(2);
    const listed = (await (await sandbox.fetch(new Request(`http://sandbox.test/__sandbox/records?app_id=${OTHER_APP}`))).json()) as { count: number; records: unknown[] };
    expect(listed.count).toBe(listed.records.length);
    expect(listed.records).toEqual(expect.arrayContaining(held('OTHER', OTHER_APP)));
  });

  it('logs each accepted upload, a resend included, with its SHA-256 (checked with node:crypto); refusals are not logged', async () => {
    const separate = await createSandbox({ apps: [{ appId: APP_ID, publicKey: app.publicKey }], now: () => NOW });
    const content = recordsFile(rows(3, 'LOG'));
    const send = async (file: Buffer, records = '3') => {
      const request = gatewayCall({
        query: publicParams({ appId: APP_ID, method: METHOD, timestamp: chinaTimestamp(NOW) }),
        body: { columns: COLUMNS, primary_key_columns: PRIMARY, records, file_type: 'json_data', file_charset: 'UTF-8' },
        files: [{ name: 'file', filename: 'day.json', content: file }],
        privateKey: app.privateKey,
      });
      return readAnswer(await separate.fetch(request), { alipayPublicKey: separate.alipayPublicKey });
    };
    expect((await send(content)).answer.code).toBe('10000');
    expect((await send(content)).answer.code).toBe('10000');
    expect((await send(content, '4')).answer.code).toBe('40004');
    const sha256 = createHash('sha256').update(content).digest('hex');
    const expected = { method: METHOD, sceneCode: undefined, taskId: undefined, fileName: 'day.json', records: 3, bytes: content.length, sha256 };
    expect(separate.uploads({ appId: APP_ID })).toEqual([expected, expected]);
    expect(separate.storedRecords({ appId: APP_ID })).toHaveLength(3);
    const listed = (await (await separate.fetch(new Request(`http://sandbox.test/__sandbox/uploads?app_id=${APP_ID}`))).json()) as unknown;
    expect(listed).toEqual({ app_id: APP_ID, count: 2, uploads: [expected, expected] });
    await separate.fetch(new Request(`http://sandbox.test/__sandbox/records?app_id=${APP_ID}`, { method: 'DELETE' }));
    expect(separate.uploads({ appId: APP_ID })).toEqual([]);
  });

  it.each([
    ['compact UTF-8', 'utf-8', undefined],
    ['pretty GBK', 'gbk', 2],
  ] as const)('holds exactly what JSON.parse reads from a 100k-record %s file (values of every kind, one decode)', async (_label, charset, indent) => {
    const separate = await createSandbox({ apps: [{ appId: APP_ID, publicKey: app.publicKey }], now: () => NOW });
    // Mostly plain strings (the validator's fast path), with numbers, escapes and quotes mixed in (its exact path).
    const records = Array.from({ length: 100_000 }, (_, i) => ({ order_no: `BIG-${i}`, pay_month: '2024-01', user_name: i % 331 === 0 ? i : i % 97 === 0 ? `"欧阳"\\n\t${i}` : i % 2 ? '张三' : 'Li Si' }));
    const content = encode(JSON.stringify({ records }, null, indent), charset);
    const request = gatewayCall({
      query: publicParams({ appId: APP_ID, method: METHOD, timestamp: chinaTimestamp(NOW), charset }),
      body: { columns: COLUMNS, primary_key_columns: PRIMARY, records: String(records.length), file_type: 'json_data', file_charset: charset === 'gbk' ? 'GBK' : 'UTF-8' },
      files: [{ name: 'file', filename: 'day.json', content }],
      charset,
      privateKey: app.privateKey,
    });
    const result = await readAnswer(await separate.fetch(request), { alipayPublicKey: separate.alipayPublicKey, charset });
    expect(result.answer.code).toBe('10000');
    // The oracle: the whole file decoded by iconv-lite / Buffer and parsed at once.
    const oracle = (JSON.parse(charset === 'gbk' ? iconv.decode(content, 'gbk') : content.toString('utf8')) as { records: unknown[] }).records;
    expect(separate.storedRecords({ appId: APP_ID })).toEqual(oracle);
    expect(separate.uploads({ appId: APP_ID })).toMatchObject([{ records: 100_000, bytes: content.length }]);
  });

  it('clears records per app', async () => {
    const separate = await createSandbox({ apps: [{ appId: APP_ID, publicKey: app.publicKey }], alipayPrivateKey: sandbox.alipayPrivateKey, alipayPublicKey: sandbox.alipayPublicKey });
    expect(separate.storedRecords({ appId: APP_ID })).toEqual([]);
    const response = await separate.fetch(new Request(`http://sandbox.test/__sandbox/records?app_id=${APP_ID}`, { method: 'DELETE' }));
    expect(response.status).toBe(200);
  });
});

describe('business failures (40004 with the documented sub_code)', () => {
  it.each([
    ['file_type is not json_data', { params: { file_type: 'excel' } }, 'INVALID_FILE_TYPE', 'file_type'],
    ['a primary key column is not among columns', { params: { primary_key_columns: 'order_no,id_no' } }, 'INVALID_PRIMARY_ARGUMENTS', 'id_no'],
    ['records disagrees with the file', { params: { records: '5' } }, 'INVALID_DATA_ARGUMENTS', 'records'],
    ['records is missing', { params: { records: undefined } }, 'INVALID_DATA_ARGUMENTS', 'records'],
    ['columns is missing', { params: { columns: undefined } }, 'INVALID_DATA_ARGUMENTS', 'columns'],
    ['a record lacks a declared column', { file: recordsFile([{ order_no: 'X', pay_month: '2024-01' }]), params: { records: '1' } }, 'INVALID_DATA_ARGUMENTS', 'user_name'],
    ['the file is truncated', { file: Buffer.from('{"records":[{"order_no":"A","pay_month":"2024-01","user_name":"x"}'), params: { records: '1' } }, 'JSON_PARSE_ERROR', ''],
    ['the file does not start with {"records":', { file: Buffer.from('[{"order_no":"A","pay_month":"2024-01","user_name":"x"}]'), params: { records: '1' } }, 'JSON_PARSE_ERROR', 'records'],
    ['biz_ext_params is not JSON', { params: { biz_ext_params: '{extparam1:1}' } }, 'INVALID_PARAMETER', 'biz_ext_params'],
  ])('%s', async (_label, spec: UploadSpec, subCode, named) => {
    const before = sandbox.storedRecords({ appId: APP_ID }).length;
    const result = await upload(spec);
    expect(result.node).toBe('zhima_data_batch_feedback_response');
    expect(result.answer).toMatchObject({ code: '40004', msg: 'Business Failed', sub_code: subCode });
    expect(result.answer.sub_msg).toContain(named);
    expect(result.verified).toBe(true);
    expect(sandbox.storedRecords({ appId: APP_ID })).toHaveLength(before);
  });

  it('names the duplicated primary key and holds nothing of the file', async () => {
    const records = rows(3, 'DUP');
    records[2] = { ...records[0]!, user_name: '另一个' };
    const result = await upload({ records });
    expect(result.answer.code).toBe('40004');
    expect(['INVALID_PRIMARY_ARGUMENTS', 'INVALID_DATA_ARGUMENTS']).toContain(result.answer.sub_code);
    expect(held('DUP')).toHaveLength(0);
  });

  it('rejects a GBK file declared UTF-8', async () => {
    const records = rows(1, 'MISLABEL').map((record) => ({ ...record, user_name: '张三' }));
    const result = await upload({ records, file: encode(JSON.stringify({ records }), 'gbk'), params: { file_charset: 'UTF-8' } });
    expect(result.answer.code).toBe('40004');
    expect(held('MISLABEL')).toHaveLength(0);
  });

  it('answers INVALID_DATA_ARGUMENTS without a file part, or with file sent as text', async () => {
    const missing = await upload({ file: null });
    expect(missing.answer).toMatchObject({ code: '40004', sub_code: 'INVALID_DATA_ARGUMENTS' });
    expect(missing.answer.sub_msg).toContain('file');
    const asText = await upload({ file: null, params: { file: '{"records":[]}' } });
    expect(asText.answer).toMatchObject({ code: '40004', sub_code: 'INVALID_DATA_ARGUMENTS' });
    expect(asText.answer.sub_msg).toContain('file part');
  });

  it('refuses a second file part of the same name as malformed', async () => {
    const result = await upload({ extraFiles: [{ name: 'file', filename: 'again.json', content: recordsFile(rows(2)) }] });
    expect(result.answer).toMatchObject({ code: '40002', sub_code: 'isv.malformed-multipart' });
  });
});

describe('template rules', () => {
  it('answers INVALID_PARAMETER naming the field when the sandbox checks the loan template', async () => {
    const strict = await createSandbox({ apps: [{ appId: APP_ID, publicKey: app.publicKey }], alipayPrivateKey: sandbox.alipayPrivateKey, alipayPublicKey: sandbox.alipayPublicKey, now: () => NOW, rules: loanTemplateRules });
    const records = [{ order_no: 'T-1', pay_month: '2024/01', user_name: '张三' }];
    const request = gatewayCall({
      query: publicParams({ appId: APP_ID, method: METHOD, timestamp: chinaTimestamp(NOW) }),
      body: { columns: COLUMNS, primary_key_columns: PRIMARY, records: '1', file_type: 'json_data', file_charset: 'UTF-8' },
      files: [{ name: 'file', filename: 'records.json', content: recordsFile(records) }],
      privateKey: app.privateKey,
    });
    const result = await readAnswer(await strict.fetch(request), { alipayPublicKey: strict.alipayPublicKey });
    expect(result.answer).toMatchObject({ code: '40004', sub_code: 'INVALID_PARAMETER' });
    expect(result.answer.sub_msg).toContain('pay_month');
    expect(strict.storedRecords({ appId: APP_ID })).toEqual([]);
  });
});

describe('the file name of the file part', () => {
  // The API page's INVALID_FILE_TYPE row: 上传文件格式不支持,目前只支持txt文件. Public integrations used .json.
  it.each([
    ['records.csv', false],
    ['records.xlsx', false],
    ['records.txt.zip', false],
    ['records.txt', true],
    ['RECORDS.JSON', true],
    ['records', true],
    ['/var/exports/day.txt', true],
  ])('%s: accepted %s', async (filename, accepted) => {
    const records = rows(1, 'NAME');
    const request = gatewayCall({
      query: publicParams({ appId: APP_ID, method: METHOD, timestamp: chinaTimestamp(NOW) }),
      body: { columns: COLUMNS, primary_key_columns: PRIMARY, records: '1', file_type: 'json_data', file_charset: 'UTF-8' },
      files: [{ name: 'file', filename, content: recordsFile(records) }],
      privateKey: app.privateKey,
    });
    const before = sandbox.uploads({ appId: APP_ID }).length;
    const result = await readAnswer(await sandbox.fetch(request), { alipayPublicKey: sandbox.alipayPublicKey });
    if (accepted) {
      expect(result.answer.code).toBe('10000');
      expect(sandbox.uploads({ appId: APP_ID }).at(-1)?.fileName).toBe(filename);
    } else {
      expect(result.node).toBe('zhima_data_batch_feedback_response');
      expect(result.answer).toMatchObject({ code: '40004', msg: 'Business Failed', sub_code: 'INVALID_FILE_TYPE' });
      expect(result.answer.sub_msg).toContain('目前只支持txt文件');
      expect(result.answer.sub_msg).toContain(filename);
      expect(result.verified).toBe(true);
      expect(sandbox.uploads({ appId: APP_ID })).toHaveLength(before);
    }
  });
});

describe('faults on uploads', () => {
  it('stores nothing for a 20000 answer, and everything once when the answer is cut and the file re-sent', async () => {
    const faulty = await createSandbox({ apps: [{ appId: APP_ID, publicKey: app.publicKey }], alipayPrivateKey: sandbox.alipayPrivateKey, alipayPublicKey: sandbox.alipayPublicKey, now: () => NOW, faults: { seed: 5, unavailable: 0.4, cut: 0.4 } });
    const records = rows(10, 'FAULT');
    const outcomes: string[] = [];
    for (let attempt = 0; attempt < 40 && outcomes.at(-1) !== '10000'; attempt++) {
      const request = gatewayCall({
        query: publicParams({ appId: APP_ID, method: METHOD, timestamp: chinaTimestamp(NOW) }),
        body: { columns: COLUMNS, primary_key_columns: PRIMARY, records: '10', file_type: 'json_data', file_charset: 'UTF-8' },
        files: [{ name: 'file', filename: 'records.json', content: recordsFile(records) }],
        privateKey: app.privateKey,
      });
      const response = await faulty.fetch(request);
      const outcome = await readAnswer(response, { alipayPublicKey: faulty.alipayPublicKey }).then(
        (result) => result.answer.code,
        () => 'cut',
      );
      // Until a call got through (even one whose answer was cut), nothing may be held.
      if (!outcomes.includes('cut') && outcome === '20000') expect(faulty.storedRecords({ appId: APP_ID })).toEqual([]);
      outcomes.push(outcome);
    }
    expect(outcomes.at(-1)).toBe('10000');
    expect(outcomes).toContain('cut');
    expect(faulty.storedRecords({ appId: APP_ID })).toEqual(records);
  });
});
