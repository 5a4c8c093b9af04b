import { beforeAll, describe, expect, it } from 'vitest';
import { ZhimaError } from '@zhima/core';
import { createSandbox, type Sandbox } from '../src/index.js';
import { chinaTimestamp, gatewayCall, makeKeyPair, publicParams, readAnswer, type KeyPair } from './helpers/client.js';

const APP_ID = '2021000000000001';
const NOW = new Date('2026-03-04T05:06:07Z');
let app: KeyPair;

beforeAll(() => {
  app = makeKeyPair();
});

function urlCall(): Request {
  return gatewayCall({
    query: publicParams({ appId: APP_ID, method: 'zhima.data.feedbackurl.query', timestamp: chinaTimestamp(NOW) }),
    body: { biz_content: '{"merchant_id":"2088102000000001"}' },
    privateKey: app.privateKey,
  });
}

function sandboxWith(options: Parameters<typeof createSandbox>[0] = {}): Promise<Sandbox> {
  return createSandbox({ apps: [{ appId: APP_ID, publicKey: app.publicKey }], now: () => NOW, ...options });
}

// A body of endless 64 KiB chunks that counts how many were pulled.
function endlessBody(): { stream: ReadableStream<Uint8Array>; pulled: () => number } {
  let pulled = 0;
  const chunk = new Uint8Array(64 * 1024).fill(0x61);
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulled++;
      controller.enqueue(chunk);
    },
  });
  return { stream, pulled: () => pulled };
}

describe('bounded request bodies', () => {
  it('refuses a body whose declared length is over the bound without reading it', async () => {
    const sandbox = await sandboxWith({ maxBodyBytes: 1024 * 1024 });
    const { stream, pulled } = endlessBody();
    const request = new Request(urlCall().url, { method: 'POST', headers: { 'content-length': String(2 * 1024 * 1024), 'content-type': 'multipart/form-data; boundary=x' }, body: stream, duplex: 'half' } as RequestInit);
    const response = await sandbox.fetch(request);
    expect(response.status).toBe(413);
    const result = await readAnswer(response, { alipayPublicKey: sandbox.alipayPublicKey });
    expect(result.answer).toMatchObject({ code: '40002', sub_code: 'isv.request-body-too-large' });
    expect(result.answer.sub_msg).toContain('1 MiB');
    // A ReadableStream pulls once ahead to fill its queue; nothing more was read.
    expect(pulled()).toBeLessThanOrEqual(1);
  });

  it('stops reading an undeclared body as soon as it passes the bound', async () => {
    const sandbox = await sandboxWith({ maxBodyBytes: 1024 * 1024 });
    const { stream, pulled } = endlessBody();
    const request = new Request(urlCall().url, { method: 'POST', headers: { 'content-type': 'multipart/form-data; boundary=x' }, body: stream, duplex: 'half' } as RequestInit);
    const response = await sandbox.fetch(request);
    expect(response.status).toBe(413);
    expect((await readAnswer(response, { alipayPublicKey: sandbox.alipayPublicKey })).answer.sub_code).toBe('isv.request-body-too-large');
    expect(pulled()).toBeLessThanOrEqual(1024 / 64 + 2);
  });

  it('accepts a body exactly at the bound', async () => {
    const request = urlCall();
    const body = new Uint8Array(await request.arrayBuffer());
    const sandbox = await sandboxWith({ maxBodyBytes: body.length });
    const response = await sandbox.fetch(new Request(request.url, { method: 'POST', headers: request.headers, body }));
    expect((await readAnswer(response, { alipayPublicKey: sandbox.alipayPublicKey })).answer.code).toBe('10000');
  });
});

describe('option checks', () => {
  it.each([{ maxBodyBytes: 0 }, { maxBodyBytes: Number.NaN }, { maxClockSkewMs: -1 }])('refuses %o', async (options) => {
    await expect(sandboxWith(options)).rejects.toSatisfy((error) => ZhimaError.isInstance(error, 'PARAM_INVALID'));
  });
});

describe('fault injection', () => {
  it('answers a signed 20000 isp.unknow-error in the method node', async () => {
    const sandbox = await sandboxWith({ faults: { seed: 1, unavailable: 1 } });
    const result = await readAnswer(await sandbox.fetch(urlCall()), { alipayPublicKey: sandbox.alipayPublicKey });
    expect(result.node).toBe('zhima_data_feedbackurl_query_response');
    expect(result.answer).toMatchObject({ code: '20000', msg: 'Service Currently Unavailable', sub_code: 'isp.unknow-error' });
    expect(result.verified).toBe(true);
  });

  it('still answers gateway errors as such when a fault is drawn', async () => {
    const sandbox = await sandboxWith({ faults: { seed: 1, unavailable: 1 } });
    const request = urlCall();
    const broken = new Request(request.url.replace(/sign=[^&]*/, 'sign=AAAA'), { method: 'POST', headers: request.headers, body: await request.text() });
    const result = await readAnswer(await sandbox.fetch(broken), { alipayPublicKey: sandbox.alipayPublicKey });
    expect(result.answer.sub_code).toBe('isv.invalid-signature');
  });

  it('cuts the answer midway: the declared length is never delivered', async () => {
    const sandbox = await sandboxWith({ faults: { seed: 1, cut: 1 } });
    const response = await sandbox.fetch(urlCall());
    expect(response.status).toBe(200);
    expect(Number(response.headers.get('content-length'))).toBeGreaterThan(0);
    await expect(response.arrayBuffer()).rejects.toThrow(/cut/);
  });

  it('delays answers without changing them', async () => {
    const sandbox = await sandboxWith({ faults: { seed: 3, delay: 1, maxDelayMs: 20 } });
    const result = await readAnswer(await sandbox.fetch(urlCall()), { alipayPublicKey: sandbox.alipayPublicKey });
    expect(result.answer.code).toBe('10000');
  });

  it('draws the same faults from the same seed, in arrival order', async () => {
    const outcomes = async (seed: number) => {
      const sandbox = await sandboxWith({ faults: { seed, unavailable: 0.5 } });
      const codes: string[] = [];
      for (let i = 0; i < 24; i++) codes.push((await readAnswer(await sandbox.fetch(urlCall()), { alipayPublicKey: sandbox.alipayPublicKey })).answer.code);
      return codes;
    };
    const first = await outcomes(42);
    expect(await outcomes(42)).toEqual(first);
    expect(first).toContain('20000');
    expect(first).toContain('10000');
    expect(await outcomes(43)).not.toEqual(first);
  });

  it.each([{ seed: 1, unavailable: 1.5 }, { seed: 1, cut: -0.1 }, { seed: 1, unavailable: 0.6, cut: 0.6 }])('refuses shares outside 0..1: %o', async (faults) => {
    await expect(sandboxWith({ faults })).rejects.toSatisfy((error) => ZhimaError.isInstance(error, 'PARAM_INVALID'));
  });
});
