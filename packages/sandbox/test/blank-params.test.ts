// Whitespace-only param values, as the gateway reads them (Java `StringUtils.isEmpty`: a value made only
// of `Character.isWhitespace` characters is absent). The requests are built by hand here, byte by byte,
// so the test controls exactly what is sent and what is signed, independently of the sandbox and core.
import { beforeAll, describe, expect, it } from 'vitest';
import { createSandbox, type Sandbox } from '../src/index.js';
import { chinaTimestamp, makeKeyPair, multipartBody, percentEncode, publicParams, readAnswer, recordsFile, rsaSign, type KeyPair } from './helpers/client.js';

const APP_ID = '2021000000000001';
const NOW = new Date('2026-03-04T05:06:07Z');
// Java whitespace: space, tab, CR/LF, the ideographic space U+3000, an en quad U+2000.
const BLANKS = ['   ', '\t', ' \r\n ', '\u3000', '\u2000 '];

let app: KeyPair;
let sandbox: Sandbox;

beforeAll(async () => {
  app = makeKeyPair();
  sandbox = await createSandbox({ apps: [{ appId: APP_ID, publicKey: app.publicKey }], now: () => NOW });
});

let sequence = 0;

/**
 * A multipart `zhima.data.batch.feedback` call. `query` and `body` are sent as given (a value of
 * `undefined` is left out); the signature covers `signed` keys only: the params a client put in its
 * sign content. Keys are sorted and joined as `k=v&…` by this test, not by the code under test.
 */
function rawUpload({ query = {}, body = {}, unsigned = [] }: { query?: Record<string, string | undefined>; body?: Record<string, string | undefined>; unsigned?: string[] }) {
  const orderNo = `BLANK-${++sequence}`;
  const sent = {
    query: drop({ ...publicParams({ appId: APP_ID, method: 'zhima.data.batch.feedback', timestamp: chinaTimestamp(NOW) }), ...query }),
    body: drop({ columns: 'order_no,pay_month', primary_key_columns: 'order_no,pay_month', records: '1', file_type: 'json_data', file_charset: 'UTF-8', ...body }),
  };
  const all = { ...sent.query, ...sent.body };
  const content = Object.keys(all)
    .filter((key) => !unsigned.includes(key))
    .sort()
    .map((key) => `${key}=${all[key]}`)
    .join('&');
  const search = Object.entries({ ...sent.query, sign: rsaSign(content, { privateKey: app.privateKey }) })
    .map(([key, value]) => `${key}=${percentEncode(value, 'utf-8')}`)
    .join('&');
  const boundary = 'blank-params-boundary';
  const file = { name: 'file', filename: 'records.json', content: recordsFile([{ order_no: orderNo, pay_month: '2024-01' }]), contentType: 'application/json' };
  const request = new Request(`http://sandbox.test/gateway.do?${search}`, {
    method: 'POST',
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    body: new Uint8Array(multipartBody({ fields: sent.body, files: [file], boundary, charset: 'utf-8', javaStyle: false })),
  });
  return { request, orderNo };
}

function drop(params: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(params).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

async function answer(request: Request) {
  return readAnswer(await sandbox.fetch(request), { alipayPublicKey: sandbox.alipayPublicKey });
}

const stored = (orderNo: string) => sandbox.storedRecords({ appId: APP_ID }).filter((record) => record.order_no === orderNo);

describe('whitespace-only params are absent, as the gateway reads them', () => {
  it.each(['sign_type', 'timestamp', 'version', 'method'])('a blank %s in the query is answered exactly as a missing one', async (key) => {
    const missing = await answer(rawUpload({ query: { [key]: undefined } }).request);
    expect(missing.answer.code).toBe('40001');
    for (const blank of BLANKS) {
      // A Java client never signs a blank value, so it is left out of the sign content here too.
      const result = await answer(rawUpload({ query: { [key]: blank }, unsigned: [key] }).request);
      expect({ node: result.node, answer: result.answer }, JSON.stringify(blank)).toEqual({ node: missing.node, answer: missing.answer });
    }
  });

  it('a blank sign is a missing signature', async () => {
    const { request } = rawUpload({});
    const url = new URL(request.url);
    url.searchParams.set('sign', ' \u3000 ');
    const result = await answer(new Request(url, { method: 'POST', headers: request.headers, body: await request.arrayBuffer() }));
    expect(result.answer).toMatchObject({ code: '40001', sub_code: 'isv.missing-signature' });
  });

  it.each(['records', 'columns', 'file_charset'])('a blank %s in the multipart body is answered exactly as a missing one', async (key) => {
    const missing = await answer(rawUpload({ body: { [key]: undefined } }).request);
    expect(missing.answer.code).toBe('40004');
    for (const blank of BLANKS) {
      const result = await answer(rawUpload({ body: { [key]: blank }, unsigned: [key] }).request);
      expect(result.answer, JSON.stringify(blank)).toEqual(missing.answer);
      expect(result.verified).toBe(true);
    }
  });

  it('blank optional params (biz_ext_params, file_description in the body; charset in the query) are ignored and the file is accepted', async () => {
    for (const blank of BLANKS) {
      const { request, orderNo } = rawUpload({
        query: { charset: blank },
        body: { biz_ext_params: blank, file_description: blank },
        unsigned: ['charset', 'biz_ext_params', 'file_description'],
      });
      const result = await answer(request);
      expect(result.answer, JSON.stringify(blank)).toEqual({ code: '10000', msg: 'Success' });
      expect(stored(orderNo)).toHaveLength(1);
    }
  });

  it('a request that signed a blank value (a buggy SDK) is refused as invalid signature; the sign content shown leaves it out', async () => {
    for (const [where, key] of [['body', 'file_description'], ['query', 'format']] as const) {
      const { request, orderNo } = rawUpload({ [where]: { [key]: '   ' } });
      const result = await answer(request);
      expect(result.answer).toMatchObject({ code: '40002', sub_code: 'isv.invalid-signature' });
      expect(result.answer.sub_msg).not.toContain(`${key}=`);
      expect(stored(orderNo)).toHaveLength(0);
    }
  });

  it('no-break spaces are not Java whitespace: such a value is sent, signed and kept', async () => {
    for (const value of ['\u00a0', ' \u2007 ', '\u202f']) {
      const signed = rawUpload({ body: { file_description: value } });
      expect((await answer(signed.request)).answer.code, JSON.stringify(value)).toBe('10000');
      const unsigned = rawUpload({ body: { file_description: value }, unsigned: ['file_description'] });
      expect((await answer(unsigned.request)).answer.sub_code).toBe('isv.invalid-signature');
    }
  });
});
