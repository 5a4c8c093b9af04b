import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
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

  it('lets a client that reads only after uploading everything still read its 413 (no reset)', async () => {
    // The declared length is refused at once; this client writes 400 KB more, slowly, before it reads.
    // A socket closed with those bytes unread answers them with a reset, and the 413 is lost (EPIPE).
    const { hostname, port } = new URL(server.gatewayUrl);
    const answer = await new Promise<string>((resolve) => {
      const socket = connect({ host: hostname, port: Number(port) });
      socket.pause();
      let text = '';
      socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
      socket.on('error', (error: NodeJS.ErrnoException) => resolve(`${error.code}: ${text}`));
      socket.on('close', () => resolve(text));
      socket.write(`POST /gateway.do HTTP/1.1\r\nhost: ${hostname}\r\ncontent-type: multipart/form-data; boundary=x\r\ncontent-length: ${4 * 1024 * 1024}\r\n\r\n`);
      let sent = 0;
      const more = () => {
        if (sent >= 400_000) return void socket.resume();
        socket.write(Buffer.alloc(20_000, 0x61));
        sent += 20_000;
        setTimeout(more, 20);
      };
      setTimeout(more, 50);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(answer).toContain('isv.request-body-too-large');
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
