import { execFileSync, execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TransportError } from '@zhima/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeHttpTransport } from '../src/node-http/index.js';

// The gateway is HTTPS: these tests run the adapter against a real TLS server on 127.0.0.1 whose
// certificate openssl makes for this run, trusted only where the test says so.
const folder = mkdtempSync(join(tmpdir(), 'zhima-node-https-'));
const certFile = join(folder, 'cert.pem');
const keyFile = join(folder, 'key.pem');
const bodyBytes = 3 * 1024 * 1024 + 17;

let server: Server;
let url: string;
const seen: { bytes: number; sha256: string; complete: boolean }[] = [];

function patternBody(): Uint8Array {
  const bytes = new Uint8Array(bodyBytes);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31 + (i >> 11)) & 0xff;
  return bytes;
}

beforeAll(async () => {
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', keyFile, '-out', certFile,
  ], { stdio: 'ignore' });
  server = createServer({ key: readFileSync(keyFile), cert: readFileSync(certFile) }, (request, response) => {
    const hash = createHash('sha256');
    const record = { bytes: 0, sha256: '', complete: false };
    seen.push(record);
    request.on('data', (chunk: Buffer) => {
      record.bytes += chunk.length;
      hash.update(chunk);
    });
    request.on('end', () => {
      record.complete = true;
      record.sha256 = hash.digest('hex');
      response.setHeader('content-type', 'application/json;charset=utf-8');
      response.end(JSON.stringify({ bytes: record.bytes, sha256: record.sha256 }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/gateway.do`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(folder, { recursive: true, force: true });
});

describe('createNodeHttpTransport over HTTPS', () => {
  it('refuses a certificate nobody trusts: TransportError TLS, and no request reaches the server', async () => {
    const before = seen.length;
    const transport = createNodeHttpTransport({ timeoutMs: 5_000 });
    try {
      const sent = transport.send({ method: 'POST', url, headers: {}, body: patternBody() });
      await expect(sent).rejects.toBeInstanceOf(TransportError);
      await expect(sent).rejects.toMatchObject({ reason: 'TLS' });
    } finally {
      await transport.close();
    }
    expect(seen.length).toBe(before);
  });

  it('streams a body to a trusted server (NODE_EXTRA_CA_CERTS, in its own process) byte for byte', async () => {
    // Node reads extra CAs only at start-up, so the trusted send runs in a child that loads the source.
    const entry = fileURLToPath(new URL('../src/node-http/index.ts', import.meta.url));
    const script = `
      import { createNodeHttpTransport } from ${JSON.stringify(entry)};
      const size = ${bodyBytes};
      const bytes = new Uint8Array(size);
      for (let i = 0; i < size; i++) bytes[i] = (i * 31 + (i >> 11)) & 0xff;
      let at = 0;
      const body = new ReadableStream({ pull(c) { if (at >= size) return c.close(); const end = Math.min(size, at + 100_000); c.enqueue(bytes.slice(at, end)); at = end; } });
      const transport = createNodeHttpTransport({ timeoutMs: 10_000 });
      const response = await transport.send({ method: 'POST', url: ${JSON.stringify(url)}, headers: { 'content-length': String(size) }, body });
      await transport.close();
      process.stdout.write(JSON.stringify({ status: response.status, body: new TextDecoder().decode(response.body) }));
    `;
    const output = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        cwd: fileURLToPath(new URL('..', import.meta.url)),
        env: { ...process.env, NODE_EXTRA_CA_CERTS: certFile },
        timeout: 60_000,
      }, (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout)));
    });
    const answer = JSON.parse(output) as { status: number; body: string };
    const expected = createHash('sha256').update(patternBody()).digest('hex');
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ bytes: bodyBytes, sha256: expected });
    expect(seen.at(-1)).toEqual({ bytes: bodyBytes, sha256: expected, complete: true });
  });
});
