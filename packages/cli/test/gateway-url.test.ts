import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COLUMNS, PRIMARY_KEY, records, runZhima, startGateway, tempDir, writeRecords } from './support.js';

const FLAGS = ['--columns', COLUMNS, '--primary-key', PRIMARY_KEY];

describe('the gateway URL and the size bound are checked before any work (the built bin)', () => {
  it.each([
    ['no scheme', (url: string) => url.replace('http://', ''), /has no scheme/],
    ['a trailing space', (url: string) => `${url} `, /starts or ends with whitespace/],
    ['a wrong path', (url: string) => url.replace('/gateway.do', '/gateway'), /has the path \/gateway, and the gateway's path is \/gateway\.do/],
    ['a query', (url: string) => `${url}?charset=utf-8`, /has a query/],
  ])('%s: a usage error (exit 2) naming the URL and where it came from; nothing validated, locked or sent', { timeout: 90_000 }, async (_, spoil, message) => {
    const dir = await tempDir();
    const gateway = await startGateway({ dir });
    await writeRecords(join(dir, 'day.json'), records(0, 10));
    const bad = spoil(gateway.server.gatewayUrl);
    const result = await runZhima(['send', 'day.json', ...FLAGS, '--attempts', '5'], { cwd: dir, env: { ...gateway.env, ZHIMA_GATEWAY: bad } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`usage error: The gateway URL ${JSON.stringify(bad)} (from ZHIMA_GATEWAY)`);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/attempt \d failed|Invalid URL/);
    expect(result.stdout).toBe('');
    expect(await readdir(dir)).not.toContain('.zhima-journal');
    expect(gateway.sandbox.uploads({ appId: gateway.appId })).toEqual([]);
  });

  it('an HTTP 404 answer says to check the gateway URL; it is not retried', { timeout: 90_000 }, async () => {
    const dir = await tempDir();
    const gateway = await startGateway({ dir });
    await writeRecords(join(dir, 'day.json'), records(0, 10));
    const result = await runZhima(['send', 'day.json', ...FLAGS, '--gateway', `${gateway.server.url}/alipay/gateway.do`], { cwd: dir, env: gateway.env });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('HTTP 404');
    expect(result.stderr).toMatch(/hint: Nothing answers at http:\/\/127\.0\.0\.1:\d+\/alipay\/gateway\.do: check the gateway URL \(--gateway/);
    expect(result.stderr).not.toMatch(/attempt \d failed/);
  });

  it('an HTTP 413 answer says to lower --max-file-bytes; it is not retried; --max-file-bytes above the gateway limit is refused', { timeout: 120_000 }, async () => {
    const dir = await tempDir();
    const gateway = await startGateway({ dir, options: { maxBodyBytes: 6_000 } });
    // 20k records (~1 MB): the sandbox answers 413 long before the upload ends, and closes the socket only
    // once the client has stopped sending, so the client reads the 413 rather than a reset. A short retry
    // deadline: were the 413 retried, this test fails on the retries instead of timing out.
    await writeRecords(join(dir, 'day.json'), records(0, 20_000));
    const result = await runZhima(['send', 'day.json', ...FLAGS, '--retry-deadline', '20'], { cwd: dir, env: gateway.env });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('HTTP 413');
    expect(result.stderr).toMatch(/hint: The server refused day\.json as too large\. The gateway takes files up to 52428800 bytes .*--max-file-bytes 52428800/);
    expect(result.stderr).not.toMatch(/attempt \d failed/);

    await writeRecords(join(dir, 'day.json'), records(0, 120));
    const lowered = await runZhima(['send', 'day.json', ...FLAGS, '--max-file-bytes', '4000', '--retry-deadline', '20'], { cwd: dir, env: gateway.env });
    expect(lowered.code, lowered.stderr).toBe(0);
    expect(gateway.sandbox.storedRecords({ appId: gateway.appId })).toHaveLength(120);

    const over = await runZhima(['send', 'day.json', ...FLAGS, '--max-file-bytes', '52428801'], { cwd: dir, env: gateway.env });
    expect(over.code).toBe(2);
    expect(over.stderr).toContain("--max-file-bytes 52428801 is over the gateway's limit of 52428800 bytes");
  });
});
