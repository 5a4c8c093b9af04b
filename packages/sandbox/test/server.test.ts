import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox, type Sandbox, type SandboxServer } from '../src/index.js';
import { chinaTimestamp, gatewayCall, makeKeyPair, publicParams, readAnswer, type KeyPair } from './helpers/client.js';

const APP_ID = '2021000000000001';
let app: KeyPair;
let sandbox: Sandbox;
let server: SandboxServer;

beforeAll(async () => {
  app = makeKeyPair();
  sandbox = await createSandbox({ apps: [{ appId: APP_ID, publicKey: app.publicKey }], maxBodyBytes: 1024 * 1024 });
  server = await sandbox.listen();
});

afterAll(async () => {
  await server?.close();
});

function urlCall(base: string): Request {
  return gatewayCall({
    url: base,
    query: publicParams({ appId: APP_ID, method: 'zhima.data.feedbackurl.query', timestamp: chinaTimestamp(new Date()) }),
    body: { biz_content: '{"merchant_id":"2088102000000001"}' },
    privateKey: app.privateKey,
  });
}

// node:http directly, so the test sees exactly what reached the socket.
function rawPost({ url, headers, body }: { url: string; headers: Record<string, string>; body: Buffer }): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(url, { method: 'POST', headers }, (incoming) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('end', () => resolve({ status: incoming.statusCode!, text: Buffer.concat(chunks).toString('utf8') }));
      incoming.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

describe('listen', () => {
  it('serves on 127.0.0.1 and a free port', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.gatewayUrl).toBe(`${server.url}/gateway.do`);
  });

  it('answers a signed call over a real socket, with feedback_url on the server itself', async () => {
    const call = urlCall(server.gatewayUrl);
    const result = await readAnswer(await fetch(call), { alipayPublicKey: sandbox.alipayPublicKey });
    expect(result.answer).toMatchObject({ code: '10000', feedback_url: `${server.url}/__sandbox/templates/8.xlsx?app_id=${APP_ID}` });
    expect(result.verified).toBe(true);
    const template = await fetch(result.answer.feedback_url!);
    expect(template.status).toBe(200);
  });

  it('answers 413 to an oversized upload sent over the socket', async () => {
    const call = urlCall(server.gatewayUrl);
    const result = await rawPost({ url: call.url, headers: { 'content-type': 'multipart/form-data; boundary=x' }, body: Buffer.alloc(3 * 1024 * 1024, 0x61) });
    expect(result.status).toBe(413);
    expect(JSON.parse(result.text).error_response.sub_code).toBe('isv.request-body-too-large');
  });

  it('answers 413 to a chunked upload without a length once it passes the bound', async () => {
    const call = urlCall(server.gatewayUrl);
    const result = await rawPost({ url: call.url, headers: { 'content-type': 'multipart/form-data; boundary=x', 'transfer-encoding': 'chunked' }, body: Buffer.alloc(3 * 1024 * 1024, 0x61) });
    expect(result.status).toBe(413);
  });

  it('keeps serving after a malformed request', async () => {
    const call = urlCall(server.gatewayUrl);
    const bad = await rawPost({ url: call.url, headers: { 'content-type': 'multipart/form-data; boundary=x' }, body: Buffer.from('--x\r\nno headers end') });
    expect(JSON.parse(bad.text).error_response.sub_code).toBe('isv.malformed-multipart');
    expect((await readAnswer(await fetch(urlCall(server.gatewayUrl)), { alipayPublicKey: sandbox.alipayPublicKey })).answer.code).toBe('10000');
  });

  it('survives a client that hangs up mid-upload', async () => {
    const call = urlCall(server.gatewayUrl);
    await new Promise<void>((resolve) => {
      const outgoing = httpRequest(call.url, { method: 'POST', headers: { 'content-type': 'multipart/form-data; boundary=x', 'content-length': String(512 * 1024) } });
      outgoing.on('error', () => resolve());
      outgoing.write(Buffer.alloc(64 * 1024, 0x61), () => {
        outgoing.destroy();
        resolve();
      });
    });
    expect((await readAnswer(await fetch(urlCall(server.gatewayUrl)), { alipayPublicKey: sandbox.alipayPublicKey })).answer.code).toBe('10000');
  });

  it('destroys the socket mid-body for the cut fault', async () => {
    const cutting = await createSandbox({ apps: [{ appId: APP_ID, publicKey: app.publicKey }], alipayPrivateKey: sandbox.alipayPrivateKey, alipayPublicKey: sandbox.alipayPublicKey, faults: { seed: 9, cut: 1 } });
    const cutServer = await cutting.listen({ port: 0, host: '127.0.0.1' });
    try {
      const call = urlCall(cutServer.gatewayUrl);
      const received = await new Promise<{ declared: number; got: number; error: string }>((resolve) => {
        const outgoing = httpRequest(call.url, { method: 'POST', headers: Object.fromEntries([...(call.headers as unknown as Iterable<[string, string]>)]) }, (incoming) => {
          let got = 0;
          incoming.on('data', (chunk: Buffer) => (got += chunk.length));
          incoming.on('error', (error) => resolve({ declared: Number(incoming.headers['content-length']), got, error: (error as NodeJS.ErrnoException).code ?? error.message }));
          incoming.on('end', () => resolve({ declared: Number(incoming.headers['content-length']), got, error: 'none' }));
        });
        outgoing.on('error', (error) => resolve({ declared: Number.NaN, got: 0, error: `request: ${error.message}` }));
        void call.arrayBuffer().then((body) => outgoing.end(Buffer.from(body)));
      });
      expect(received.error).toBe('ECONNRESET');
      expect(received.got).toBeLessThan(received.declared);
    } finally {
      await cutServer.close();
    }
  });
});
