import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Transport } from '@zhima/core';
import type { UploadProgress } from '@zhima/core/internal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFetchTransport } from '../src/index.js';
import { createFileBody, startContractServer, type ReceivedRequest } from '../src/node/testing.js';
import { patternBytes, patternStream } from '../src/testing/index.js';
import { createUndiciTransport } from '../src/undici/index.js';
import { firstChunksAliveMidUpload } from './support/chunk-retention.js';

const UPLOAD_BYTES = 60 * 1024 * 1024;
// Kernel socket buffers on loopback hold a few MB; a transport that buffered the body would run 60 MB ahead.
const MAX_READ_AHEAD_BYTES = 16 * 1024 * 1024;

function expectedSha256(length: number): string {
  const hash = createHash('sha256');
  const step = 1024 * 1024;
  for (let offset = 0; offset < length; offset += step) hash.update(patternBytes({ offset, length: Math.min(step, length - offset) }));
  return hash.digest('hex');
}

const adapters: Array<[string, () => Transport & { close?: () => Promise<void> }]> = [
  ['fetch', () => createFetchTransport()],
  ['undici', () => createUndiciTransport()],
];

describe.each(adapters)('%s adapter, large uploads', (_name, makeTransport) => {
  let workDir: string;
  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'zhima-transport-'));
  });
  afterAll(() => rm(workDir, { recursive: true, force: true }));

  it('streams 60 MB generated on the fly with an exact content-length, never reading far ahead of the server', async () => {
    const server = await startContractServer();
    const transport = makeTransport();
    let maxReadAhead = 0;
    const progress: UploadProgress[] = [];
    try {
      const body = patternStream({
        length: UPLOAD_BYTES,
        onProduce: (produced) => {
          maxReadAhead = Math.max(maxReadAhead, produced - server.receivedBytes());
        },
      });
      const response = await transport.send(
        { method: 'POST', url: `${server.url}/echo`, headers: { 'content-length': String(UPLOAD_BYTES), 'content-type': 'application/octet-stream' }, body },
        { onUploadProgress: (event) => progress.push(event) },
      );
      const seen = JSON.parse(new TextDecoder().decode(response.body)) as ReceivedRequest;
      expect(seen.receivedBytes).toBe(UPLOAD_BYTES);
      expect(seen.sha256).toBe(expectedSha256(UPLOAD_BYTES));
      expect(seen.headers['content-length']).toBe(String(UPLOAD_BYTES));
      expect(seen.headers['transfer-encoding']).toBeUndefined();
      expect(maxReadAhead).toBeLessThan(MAX_READ_AHEAD_BYTES);
      expect(progress.length).toBeGreaterThan(100);
      expect(progress.at(-1)).toEqual({ sentBytes: UPLOAD_BYTES, totalBytes: UPLOAD_BYTES });
    } finally {
      await transport.close?.();
      await server.close();
    }
  });

  it('keeps no chunk it has sent (a forced GC mid-upload frees them)', async () => {
    const server = await startContractServer();
    const transport = makeTransport();
    try {
      expect(await firstChunksAliveMidUpload({ transport, url: `${server.url}/echo` })).toBe(0);
    } finally {
      await transport.close?.();
      await server.close();
    }
  });

  it('uploads a file streamed from disk byte for byte', async () => {
    const path = join(workDir, 'upload.bin');
    const bytes = patternBytes({ offset: 99, length: 3 * 1024 * 1024 + 17 });
    await writeFile(path, bytes);
    const server = await startContractServer();
    const transport = makeTransport();
    try {
      const { body, contentLength } = await createFileBody({ path });
      expect(contentLength).toBe(bytes.byteLength);
      const response = await transport.send({ method: 'POST', url: `${server.url}/echo`, headers: { 'content-length': String(contentLength) }, body });
      const seen = JSON.parse(new TextDecoder().decode(response.body)) as ReceivedRequest;
      expect(seen).toMatchObject({ receivedBytes: bytes.byteLength, sha256: createHash('sha256').update(bytes).digest('hex') });
    } finally {
      await transport.close?.();
      await server.close();
    }
  });
});
