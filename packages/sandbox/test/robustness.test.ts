import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { createSandbox, type Sandbox } from '../src/index.js';
import { chinaTimestamp, gatewayCall, makeKeyPair, publicParams, recordsFile, type KeyPair } from './helpers/client.js';

const APP_ID = '2021000000000001';
let app: KeyPair;
let sandbox: Sandbox;
let valid: { url: string; contentType: string; body: Uint8Array<ArrayBuffer> };

beforeAll(async () => {
  app = makeKeyPair();
  sandbox = await createSandbox({ apps: [{ appId: APP_ID, publicKey: app.publicKey }], maxBodyBytes: 64 * 1024 });
  const request = gatewayCall({
    query: publicParams({ appId: APP_ID, method: 'zhima.data.batch.feedback', timestamp: chinaTimestamp(new Date()), charset: 'gbk' }),
    body: { columns: 'order_no,user_name', primary_key_columns: 'order_no', records: '1', file_type: 'json_data', file_charset: 'GBK' },
    files: [{ name: 'file', filename: 'r.json', content: recordsFile([{ order_no: '1', user_name: '张三' }], 'gbk') }],
    charset: 'gbk',
    privateKey: app.privateKey,
  });
  valid = { url: request.url, contentType: request.headers.get('content-type')!, body: new Uint8Array(await request.arrayBuffer()) };
});

// Every answer is a gateway answer (or a plain 404/405/413 for the HTTP layer), never a 500.
async function expectGatewayAnswer(response: Response): Promise<void> {
  expect([200, 413]).toContain(response.status);
  const charset = /charset=([\w-]+)/.exec(response.headers.get('content-type') ?? '')?.[1] ?? 'missing';
  const text = new TextDecoder(charset, { fatal: true }).decode(await response.arrayBuffer());
  const parsed = JSON.parse(text) as Record<string, { code?: string }>;
  const node = Object.keys(parsed).find((key) => key.endsWith('_response'));
  expect(node).toBeDefined();
  expect(parsed[node!]!.code).toMatch(/^\d{5}$/);
}

describe('odd requests get gateway answers, never a crash', () => {
  it('accepts the unmutated request (the baseline the mutations start from)', async () => {
    const response = await sandbox.fetch(new Request(valid.url, { method: 'POST', headers: { 'content-type': valid.contentType }, body: valid.body }));
    const text = new TextDecoder('gbk').decode(await response.arrayBuffer());
    expect(JSON.parse(text).zhima_data_batch_feedback_response.code).toBe('10000');
  });

  it('mutated multipart bodies', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 64 }), fc.nat(), fc.nat(), async (noise, from, length) => {
        const at = from % (valid.body.length + 1);
        const body = new Uint8Array([...valid.body.subarray(0, at), ...noise, ...valid.body.subarray(Math.min(valid.body.length, at + (length % 64)))]);
        await expectGatewayAnswer(await sandbox.fetch(new Request(valid.url, { method: 'POST', headers: { 'content-type': valid.contentType }, body })));
      }),
      { numRuns: 300 },
    );
  });

  it('arbitrary query strings and content types', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 120 }), fc.string({ maxLength: 60 }), async (query, contentType) => {
        const url = `http://sandbox.test/gateway.do?${encodeURI(query).replaceAll('%25', '%')}`;
        let request: Request;
        try {
          request = new Request(url, { method: 'POST', headers: { 'content-type': contentType }, body: valid.body });
        } catch {
          return; // not a URL or header value fetch would let through
        }
        await expectGatewayAnswer(await sandbox.fetch(request));
      }),
      { numRuns: 300 },
    );
  });

  it('arbitrary params of a signed-looking query', async () => {
    const base = new URL(valid.url);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...[...base.searchParams.keys()]), fc.uint8Array({ maxLength: 12 }), async (key, bytes) => {
        const url = new URL(valid.url);
        const encoded = [...bytes].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('');
        const search = url.search.replace(new RegExp(`([?&]${key}=)[^&]*`), `$1${encoded}`);
        await expectGatewayAnswer(await sandbox.fetch(new Request(`${url.origin}${url.pathname}${search}`, { method: 'POST', headers: { 'content-type': valid.contentType }, body: valid.body })));
      }),
      { numRuns: 200 },
    );
  });
});
