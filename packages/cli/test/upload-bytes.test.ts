import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { readFile, utimes, writeFile } from 'node:fs/promises';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it, onTestFinished } from 'vitest';
import { keyCounts, runZhima, startGateway, tempDir, type TestGateway } from './support.js';

// The sha256 in a receipt is of the exact bytes the gateway received: checked with node:crypto over
// the file part cut here from the request bodies a proxy in front of the sandbox saw, against the
// sandbox's own record of each upload, and against the input on disk (or piped in) where it goes whole.

const COLUMNS = 'order_no,pay_month,user_name,memo';
const FLAGS = ['--columns', COLUMNS, '--primary-key', 'order_no,pay_month', '--json'];
const record = (k: number) => ({ order_no: `ORD${String(k).padStart(8, '0')}`, pay_month: '2025-01', user_name: `用户${k}`, memo: `备注 ${k % 97}` });
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/**
 * A proxy on 127.0.0.1 to the sandbox that keeps each request's file part (cut at the multipart
 * boundary); `onRequest` runs when a request has arrived whole, before it is forwarded. With `slow`,
 * it stops reading for a few ms after every 2 MiB or so, so the sender's socket fills and its writes wait.
 */
async function capturingProxy(
  gateway: TestGateway,
  onRequest?: (count: number) => Promise<void>,
  { slow = false, onFirstBytes }: { slow?: boolean; onFirstBytes?: () => void } = {},
): Promise<{ url: string; files: Buffer[] }> {
  const target = new URL(gateway.server.gatewayUrl);
  const files: Buffer[] = [];
  let requests = 0;
  const server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    let unpaused = 0;
    incoming.on('data', (chunk: Buffer) => {
      if (chunks.length === 0) onFirstBytes?.();
      chunks.push(chunk);
      unpaused += chunk.length;
      if (!slow || unpaused < 2 * 1024 * 1024) return;
      unpaused = 0;
      incoming.pause();
      setTimeout(() => incoming.resume(), 5);
    });
    incoming.on('end', async () => {
      await onRequest?.(++requests);
      const body = Buffer.concat(chunks);
      const boundary = /boundary=([^;]+)/.exec(String(incoming.headers['content-type']))?.[1];
      if (boundary !== undefined) {
        const header = body.indexOf('filename="');
        if (header >= 0) {
          const start = body.indexOf('\r\n\r\n', header) + 4;
          files.push(body.subarray(start, body.indexOf(`\r\n--${boundary}`, start)));
        }
      }
      const forward = httpRequest({ host: target.hostname, port: target.port, method: incoming.method, path: incoming.url, headers: incoming.headers }, (answer) => {
        outgoing.writeHead(answer.statusCode!, answer.headers);
        answer.pipe(outgoing);
      });
      forward.end(body);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}${target.pathname}${target.search}`, files };
}

interface Receipt {
  result: string;
  parts: { sha256: string; bytes: number; records: number; outcome: string }[];
}

async function sendThrough({ args, input, stdin, slow = false }: { args: string[]; input?: string; stdin?: Uint8Array; slow?: boolean }): Promise<{ receipt: Receipt; files: Buffer[]; stored: string[] }> {
  const dir = await tempDir();
  const gateway = await startGateway({ dir });
  const proxy = await capturingProxy(gateway, undefined, { slow });
  const result = await runZhima(['send', input ?? '-', ...FLAGS, ...args, '--journal', join(dir, 'journal')], {
    cwd: dir,
    env: { ...gateway.env, ZHIMA_GATEWAY: proxy.url },
    ...(stdin === undefined ? {} : { stdin }),
  });
  expect(result.code, result.stderr).toBe(0);
  const receipt = JSON.parse(result.stdout) as Receipt;
  expect(receipt.result).toBe('success');
  return { receipt, files: proxy.files, stored: gateway.sandbox.uploads({ appId: gateway.appId }).map((upload) => upload.sha256) };
}

describe('the receipt sha256 is of the bytes the gateway received (the built bin)', () => {
  it('a file within one part: the file as it is on disk', { timeout: 120_000 }, async () => {
    const dir = await tempDir();
    const path = join(dir, 'day.json');
    await writeFile(path, JSON.stringify({ records: Array.from({ length: 5000 }, (_, k) => record(k)) }, null, 2));
    const { receipt, files, stored } = await sendThrough({ args: [], input: path });
    expect(files).toHaveLength(1);
    expect(receipt.parts.map((part) => part.sha256)).toEqual([sha256(await readFile(path))]);
    expect(files.map(sha256)).toEqual(receipt.parts.map((part) => part.sha256));
    expect(stored).toEqual(receipt.parts.map((part) => part.sha256));
  });

  it('a compact one-line 100k-record file split with a small --max-file-bytes: every part, its records the file\'s in order', { timeout: 120_000 }, async () => {
    const dir = await tempDir();
    const path = join(dir, 'big.json');
    const all = Array.from({ length: 100_000 }, (_, k) => record(k));
    await writeFile(path, JSON.stringify({ records: all }));
    const { receipt, files, stored } = await sendThrough({ args: ['--max-file-bytes', '1000000'], input: path });
    expect(files.length).toBeGreaterThan(5);
    expect(files.map(sha256)).toEqual(receipt.parts.map((part) => part.sha256));
    expect(stored).toEqual(receipt.parts.map((part) => part.sha256));
    expect(receipt.parts.map((part) => part.bytes)).toEqual(files.map((file) => file.length));
    // The parts, parsed on their own and joined, are the file's records in order.
    const sent = files.flatMap((file) => (JSON.parse(file.toString('utf8')) as { records: unknown[] }).records);
    expect(sent).toEqual(all);
  });

  it('parts of many MiB through a slow link: every byte as validated, while the socket keeps the sender waiting', { timeout: 180_000 }, async () => {
    // Each part takes 15 reads of 1 MiB while the link stalls every 2 MiB: a read buffer reused while
    // the socket still held its bytes would send other records here.
    const dir = await tempDir();
    const path = join(dir, 'month.json');
    const all = Array.from({ length: 360_000 }, (_, k) => record(k));
    const text = JSON.stringify({ records: all });
    await writeFile(path, text);
    expect(Buffer.byteLength(text)).toBeGreaterThan(32_000_000);
    const { receipt, files, stored } = await sendThrough({ args: ['--max-file-bytes', '16000000'], input: path, slow: true });
    expect(files.length).toBe(3);
    expect(files.map(sha256)).toEqual(receipt.parts.map((part) => part.sha256));
    expect(stored).toEqual(receipt.parts.map((part) => part.sha256));
    expect(files.flatMap((file) => (JSON.parse(file.toString('utf8')) as { records: unknown[] }).records)).toEqual(all);
  });

  it('GBK, split: the GBK bytes as they are in the file', { timeout: 120_000 }, async () => {
    const dir = await tempDir();
    const path = join(dir, 'gbk.json');
    const all = Array.from({ length: 20_000 }, (_, k) => record(k));
    const bytes = iconv.encode(JSON.stringify({ records: all }, null, 2), 'gbk');
    await writeFile(path, bytes);
    const { receipt, files, stored } = await sendThrough({ args: ['--file-charset', 'GBK', '--max-file-bytes', '400000'], input: path });
    expect(files.length).toBeGreaterThan(2);
    expect(files.map(sha256)).toEqual(receipt.parts.map((part) => part.sha256));
    expect(stored).toEqual(receipt.parts.map((part) => part.sha256));
    expect(files.flatMap((file) => (JSON.parse(iconv.decode(file, 'gbk')) as { records: unknown[] }).records)).toEqual(all);
  });

  it('standard input, whole and split: the piped bytes', { timeout: 120_000 }, async () => {
    const bytes = new TextEncoder().encode(JSON.stringify({ records: Array.from({ length: 8000 }, (_, k) => record(k)) }));
    const whole = await sendThrough({ args: [], stdin: bytes });
    expect(whole.receipt.parts.map((part) => part.sha256)).toEqual([sha256(bytes)]);
    expect(whole.files.map(sha256)).toEqual([sha256(bytes)]);
    expect(whole.stored).toEqual([sha256(bytes)]);
    const split = await sendThrough({ args: ['--max-file-bytes', '200000'], stdin: bytes });
    expect(split.files.length).toBeGreaterThan(2);
    expect(split.files.map(sha256)).toEqual(split.receipt.parts.map((part) => part.sha256));
    expect(split.stored).toEqual(split.receipt.parts.map((part) => part.sha256));
  });

  it('a file changed after validation: the parts still to send are not read from it, each refused before a byte of it goes out', { timeout: 120_000 }, async () => {
    const dir = await tempDir();
    const path = join(dir, 'day.json');
    const all = Array.from({ length: 20_000 }, (_, k) => record(k));
    await writeFile(path, JSON.stringify({ records: all }));
    const gateway = await startGateway({ dir });
    // While the first part is on its way, the file is written again (other names, the same length).
    const proxy = await capturingProxy(gateway, async (count) => {
      if (count !== 1) return;
      await writeFile(path, JSON.stringify({ records: all.map((one) => ({ ...one, user_name: one.user_name.replace('用户', '客户') })) }));
      const later = new Date(Date.now() + 60_000);
      await utimes(path, later, later);
    });
    const result = await runZhima(['send', path, ...FLAGS, '--max-file-bytes', '300000', '--journal', join(dir, 'journal')], { cwd: dir, env: { ...gateway.env, ZHIMA_GATEWAY: proxy.url } });
    expect(result.code, result.stderr).not.toBe(0);
    const receipt = JSON.parse(result.stdout) as Receipt & { parts: { error: { code: string; message: string } | null }[] };
    expect(receipt.parts.length).toBeGreaterThan(3);
    expect(receipt.parts[0]).toMatchObject({ outcome: 'accepted' });
    // Every later part is refused here, before a byte of the changed file goes out.
    for (const part of receipt.parts.slice(1)) expect(part).toMatchObject({ outcome: 'not-sent', error: { code: 'PARAM_INVALID', message: expect.stringMatching(/changed after it was opened \(modified\)/) } });
    // The gateway holds the first part, as validated, and nothing of the rewritten file.
    expect(proxy.files).toHaveLength(1);
    const stored = gateway.sandbox.storedRecords({ appId: gateway.appId });
    expect(stored.length).toBe(receipt.parts[0]!.records);
    expect(stored.every((one) => String(one.user_name).startsWith('用户'))).toBe(true);
  });

  it('a file changed while a part is on its way: that part is cut short (the gateway gets no whole request), the rest are refused', { timeout: 120_000 }, async () => {
    // The upload checks the file is unchanged before its first read and after its last, before the
    // part's closing bytes, so a change while it is read stops the part before its last bytes go out.
    const dir = await tempDir();
    const path = join(dir, 'day.json');
    const all = Array.from({ length: 360_000 }, (_, k) => record(k));
    await writeFile(path, JSON.stringify({ records: all }));
    const gateway = await startGateway({ dir });
    let changed: Promise<void> | undefined;
    const proxy = await capturingProxy(gateway, undefined, {
      slow: true,
      onFirstBytes: () => {
        changed ??= (async () => {
          const later = new Date(Date.now() + 60_000);
          await utimes(path, later, later);
        })();
      },
    });
    const result = await runZhima(['send', path, ...FLAGS, '--max-file-bytes', '16000000', '--journal', join(dir, 'journal')], { cwd: dir, env: { ...gateway.env, ZHIMA_GATEWAY: proxy.url } });
    await changed;
    expect(result.code, result.stderr).not.toBe(0);
    const receipt = JSON.parse(result.stdout) as Receipt & { parts: { error: { code: string; message: string } | null }[] };
    expect(receipt.parts).toHaveLength(3);
    for (const part of receipt.parts) {
      expect(part.outcome).not.toBe('accepted');
      expect(part.error).toMatchObject({ code: 'PARAM_INVALID', message: expect.stringMatching(/changed after it was opened \(modified\)/) });
    }
    expect(proxy.files).toHaveLength(0);
    expect(gateway.sandbox.storedRecords({ appId: gateway.appId })).toHaveLength(0);
  });

  it('a file within one part is read once (validated and sent from the same bytes); a split one three times through read calls (validated, hashed beside the validation, sent), twice on one core', { timeout: 180_000 }, async () => {
    const dir = await tempDir();
    const path = join(dir, 'night.json');
    const all = Array.from({ length: 300_000 }, (_, k) => record(k));
    await writeFile(path, JSON.stringify({ records: all }));
    const size = (await readFile(path)).length;
    const readShare = async (args: string[], { oneCore = false } = {}) => {
      const gateway = await startGateway({ dir });
      const run = `${args.length}-${oneCore}`;
      const usage = join(dir, `usage-${run}.json`);
      const result = await runZhima(['send', path, ...FLAGS, ...args, '--journal', join(dir, `journal-${run}`)], { cwd: dir, env: { ...gateway.env, ZHIMA_TEST_USAGE_FILE: usage }, maxRssFile: join(dir, 'rss'), oneCore });
      expect(result.code, result.stderr).toBe(0);
      expect(keyCounts(gateway.sandbox.storedRecords({ appId: gateway.appId })).size).toBe(all.length);
      // Whichever thread hashed them, the receipt's hashes are those of the bytes the sandbox received.
      expect((JSON.parse(result.stdout) as Receipt).parts.map((part) => part.sha256)).toEqual(gateway.sandbox.uploads({ appId: gateway.appId }).map((upload) => upload.sha256));
      // rchar: every byte through read syscalls (the page cache's or the disk's), the bin's own files included.
      return (JSON.parse(await readFile(usage, 'utf8')) as { rchar: number }).rchar / size;
    };
    expect(size).toBeGreaterThan(20_000_000);
    const whole = await readShare([]);
    expect(whole).toBeGreaterThanOrEqual(1);
    expect(whole).toBeLessThan(1.3);
    // The hashing worker reads each part's ranges right behind the validation, from the page cache.
    const split = await readShare(['--max-file-bytes', '8000000']);
    expect(split).toBeGreaterThanOrEqual(3);
    expect(split).toBeLessThan(3.3);
    // On one core there is no worker: the parts are hashed as the validation reads them, and sent.
    const oneCore = await readShare(['--max-file-bytes', '8000000'], { oneCore: true });
    expect(oneCore).toBeGreaterThanOrEqual(2);
    expect(oneCore).toBeLessThan(2.3);
  });
});
