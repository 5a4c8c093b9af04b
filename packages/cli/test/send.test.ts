import { createPublicKey, verify } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { COLUMNS, PRIMARY_KEY, keyCounts, records, startGateway, tempDir, writeRecords, zhima } from './support.js';

const FLAGS = ['--columns', COLUMNS, '--primary-key', PRIMARY_KEY];

async function body(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * An HTTP relay in front of the sandbox that can break calls the way a dying process or network does:
 * `refuse` drops the connection before the sandbox sees the call, `lose-answer` lets the sandbox
 * accept the file and then drops the connection before the answer arrives.
 */
async function startRelay(target: string) {
  let decide: (call: number) => 'pass' | 'refuse' | 'lose-answer' = () => 'pass';
  let forwarded = 0;
  let calls = 0;
  const server = createServer(async (request, response) => {
    const payload = await body(request);
    const action = decide(++calls);
    if (action === 'refuse') return request.socket.destroy();
    forwarded++;
    try {
      const answer = await fetch(new URL(request.url!, target), { method: request.method, headers: { 'content-type': request.headers['content-type']! }, body: new Uint8Array(payload) });
      const bytes = Buffer.from(await answer.arrayBuffer());
      if (action === 'lose-answer') return request.socket.destroy();
      response.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
      response.end(bytes);
    } catch {
      request.socket.destroy();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/gateway.do`,
    set: (rule: typeof decide) => {
      decide = rule;
      calls = 0;
      forwarded = 0;
    },
    forwarded: () => forwarded,
  };
}

describe('zhima send against the sandbox', () => {
  it('uploads a file, prints a summary and journals it', async () => {
    const dir = await tempDir();
    const gateway = await startGateway({ dir });
    const file = await writeRecords(join(dir, 'day.json'), records(0, 500));
    const result = await zhima(['send', file, ...FLAGS], { cwd: dir, env: gateway.env });
    expect(result.stderr).not.toContain('error');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Summary: 1 parts: 1 sent, 0 already accepted \(journal\), 0 refused, 0 unverified, 0 failed; 500 records/);
    const stored = gateway.sandbox.storedRecords({ appId: gateway.appId });
    expect(stored).toHaveLength(500);
    expect(stored[7]).toEqual(records(7, 1)[0]);
    const journal = JSON.parse(await readFile(join(dir, '.zhima-journal', 'journal.json'), 'utf8'));
    expect(Object.values(journal.parts)).toEqual([expect.objectContaining({ outcome: 'accepted', records: 500, appId: gateway.appId, gateway: gateway.server.gatewayUrl })]);

    // Sending again skips the accepted file.
    const again = await zhima(['send', file, ...FLAGS], { cwd: dir, env: gateway.env });
    expect(again.stdout).toMatch(/0 sent, 1 already accepted/);
  });

  it('shows upload progress on a terminal, and sends standard input', async () => {
    const dir = await tempDir();
    const gateway = await startGateway({ dir });
    const file = await writeRecords(join(dir, 'day.json'), records(0, 20_000));
    const terminal = await zhima(['send', file, ...FLAGS], { cwd: dir, env: gateway.env, tty: true });
    expect(terminal.code).toBe(0);
    expect(terminal.stderr, JSON.stringify(terminal.stderr)).toMatch(/upload day\.json \[#+-*\] +\d+%/);
    const stdin = new TextEncoder().encode(JSON.stringify({ records: records(20_000, 30) }));
    const piped = await zhima(['send', '-', ...FLAGS, '--journal', join(dir, 'stdin-journal')], { cwd: dir, env: gateway.env, stdin });
    expect(piped.code).toBe(0);
    expect(piped.stdout).toContain('sent     records.json (30 records');
    expect(gateway.sandbox.storedRecords({ appId: gateway.appId })).toHaveLength(20_030);
  });

  it('splits files over the bound into several uploads, each key stored once', async () => {
    const dir = await tempDir();
    const gateway = await startGateway({ dir });
    await writeRecords(join(dir, 'a.json'), records(0, 3000));
    await writeRecords(join(dir, 'b.json'), records(3000, 100));
    const result = await zhima(['send', dir, ...FLAGS, '--max-file-bytes', '40000'], { cwd: dir, env: gateway.env });
    expect(result.code).toBe(0);
    const sentLines = result.stdout.split('\n').filter((line) => line.startsWith('sent '));
    expect(sentLines.length).toBeGreaterThan(3);
    expect(sentLines.some((line) => line.includes('a.part-001.json'))).toBe(true);
    expect(result.stdout).toContain('b.json');
    const counts = keyCounts(gateway.sandbox.storedRecords({ appId: gateway.appId }));
    expect(counts.size).toBe(3100);
    expect([...counts.values()].every((count) => count === 1)).toBe(true);
  });

  it('splits a GBK file keeping its bytes GBK; the sandbox decodes every name', async () => {
    const dir = await tempDir();
    const gateway = await startGateway({ dir });
    const iconv = (await import('iconv-lite')).default;
    const list = records(0, 1500);
    const { writeFile } = await import('node:fs/promises');
    await writeFile(join(dir, 'gbk.json'), iconv.encode(JSON.stringify({ records: list }), 'gbk'));
    const result = await zhima(['send', join(dir, 'gbk.json'), ...FLAGS, '--file-charset', 'GBK', '--max-file-bytes', '20000'], { cwd: dir, env: gateway.env });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.split('\n').filter((line) => line.startsWith('sent ')).length).toBeGreaterThan(3);
    expect(gateway.sandbox.storedRecords({ appId: gateway.appId })).toEqual(list);
  });

  it('resumes an interrupted run without re-sending accepted files', async () => {
    const dir = await tempDir();
    const gateway = await startGateway({ dir });
    const relay = await startRelay(gateway.server.url);
    for (let k = 0; k < 5; k++) await writeRecords(join(dir, `part-${k}.json`), records(k * 200, 200));
    const env = { ...gateway.env, ZHIMA_GATEWAY: relay.url };

    // Run 1: two files go through, the third is accepted but its answer is lost, then the line dies.
    relay.set((call) => (call <= 2 ? 'pass' : call === 3 ? 'lose-answer' : 'refuse'));
    const first = await zhima(['send', dir, ...FLAGS, '--attempts', '2'], { cwd: dir, env });
    expect(first.code).toBe(1);
    expect(first.stdout).toMatch(/2 sent, 0 already accepted \(journal\), 0 refused, 0 unverified, 1 failed/);
    expect(first.stderr).toContain('TRANSPORT_ERROR');
    expect(gateway.sandbox.storedRecords({ appId: gateway.appId })).toHaveLength(600);

    // Run 2: only the three unconfirmed files are sent.
    relay.set(() => 'pass');
    const second = await zhima(['send', dir, ...FLAGS], { cwd: dir, env });
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/3 sent, 2 already accepted \(journal\), 0 refused, 0 unverified, 0 failed/);
    // The part whose answer was lost is sent again, and the run says why.
    expect(second.stdout).toMatch(/resend +part-2\.json .*no answer came/);
    expect(relay.forwarded()).toBe(3);
    const counts = keyCounts(gateway.sandbox.storedRecords({ appId: gateway.appId }));
    expect(counts.size).toBe(1000);
    expect([...counts.values()].every((count) => count === 1)).toBe(true);
  });

  it('retries transient gateway failures', async () => {
    const dir = await tempDir();
    const gateway = await startGateway({ dir, faults: { seed: 3, unavailable: 0.5 } });
    for (let k = 0; k < 4; k++) await writeRecords(join(dir, `f${k}.json`), records(k * 50, 50));
    const result = await zhima(['send', dir, ...FLAGS, '--attempts', '8'], { cwd: dir, env: gateway.env });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('isp.unknow-error');
    expect(gateway.sandbox.storedRecords({ appId: gateway.appId })).toHaveLength(200);
  });

  it('--dry-run shows signed requests and sends nothing', async () => {
    const dir = await tempDir();
    const gateway = await startGateway({ dir });
    const file = await writeRecords(join(dir, 'day.json'), records(0, 10));
    const { ZHIMA_ALIPAY_PUBLIC_KEY_FILE: _unused, ...env } = gateway.env;
    const result = await zhima(['send', file, ...FLAGS, '--dry-run'], { cwd: dir, env });
    expect(result.code).toBe(0);
    expect(gateway.sandbox.storedRecords({ appId: gateway.appId })).toHaveLength(0);
    expect(result.stdout).toContain(`POST ${gateway.server.gatewayUrl}?`);
    expect(result.stdout).toContain('content-type: multipart/form-data');
    const content = /sign content: (.*)/.exec(result.stdout)![1]!;
    expect(content).toContain('columns=order_no,pay_month,user_name');
    expect(content).toContain('records=10');
    expect(content).toContain(`app_id=${gateway.appId}`);
    expect(result.stdout).not.toContain('PRIVATE KEY');
  });

  it('sends nothing when any input is invalid, and never prints the private key on errors', async () => {
    const dir = await tempDir();
    const gateway = await startGateway({ dir });
    await writeRecords(join(dir, 'ok.json'), records(0, 10));
    await writeRecords(join(dir, 'zbad.json'), [...records(10, 2), ...records(10, 1)]);
    const result = await zhima(['send', dir, ...FLAGS], { cwd: dir, env: gateway.env });
    expect(result.code).toBe(4);
    expect(result.stdout).toContain('REJECTED');
    expect(gateway.sandbox.storedRecords({ appId: gateway.appId })).toHaveLength(0);

    // A private key in the Alipay public key slot: refused before any upload; the message says what to check.
    const keyBody = gateway.privateKeyPem.split('\n')[1]!;
    const wrong = await zhima(['send', join(dir, 'ok.json'), ...FLAGS], { cwd: dir, env: { ...gateway.env, ZHIMA_ALIPAY_PUBLIC_KEY_FILE: gateway.env.ZHIMA_PRIVATE_KEY_FILE! } });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('KEY_INVALID');
    expect(gateway.sandbox.uploads({ appId: gateway.appId })).toEqual([]);
    for (const text of [wrong.stdout, wrong.stderr, result.stdout, result.stderr]) expect(text).not.toContain(keyBody);

    // A private key that does not match the registered app key: the gateway's answer and what to do.
    const { generateKeyPairSync } = await import('node:crypto');
    const { writeFile } = await import('node:fs/promises');
    await writeFile(join(dir, 'other.pem'), generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const badSignature = await zhima(['send', join(dir, 'ok.json'), ...FLAGS, '--private-key-file', 'other.pem'], { cwd: dir, env: gateway.env });
    expect(badSignature.code).toBe(1);
    expect(badSignature.stderr).toContain('error GATEWAY_ERROR');
    expect(badSignature.stderr).toContain('sub_code isv.invalid-signature');
    expect(badSignature.stderr).toMatch(/hint: .*zhima sign/);

    const missing = await zhima(['send', join(dir, 'ok.json'), ...FLAGS], { cwd: dir, env: { ZHIMA_APP_ID: gateway.appId } });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('ZHIMA_PRIVATE_KEY_FILE');
  });

  it('takes settings from zhima.config.json, with flags winning', async () => {
    const dir = await tempDir();
    const gateway = await startGateway({ dir });
    const { writeFile } = await import('node:fs/promises');
    await writeFile(
      join(dir, 'zhima.config.json'),
      JSON.stringify({ appId: gateway.appId, privateKeyFile: 'app_private_key.pem', alipayPublicKeyFile: 'alipay_public_key.pem', gateway: 'http://127.0.0.1:9/unused', columns: COLUMNS, primaryKeyColumns: PRIMARY_KEY }),
    );
    const file = await writeRecords(join(dir, 'day.json'), records(0, 5));
    const result = await zhima(['send', file, '--gateway', gateway.server.gatewayUrl], { cwd: dir });
    expect(result.code).toBe(0);
    expect(gateway.sandbox.storedRecords({ appId: gateway.appId })).toHaveLength(5);
    await writeFile(join(dir, 'zhima.config.json'), JSON.stringify({ privateKey: 'inline' }));
    const refused = await zhima(['send', file], { cwd: dir });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('must not hold a private key');
  });
});

describe('dry-run signature', () => {
  it('the URL carries a valid RSA2 signature of the printed sign content (checked with node:crypto)', async () => {
    const dir = await tempDir();
    const gateway = await startGateway({ dir });
    const file = await writeRecords(join(dir, 'day.json'), records(0, 3));
    const result = await zhima(['send', file, ...FLAGS, '--dry-run'], { cwd: dir, env: gateway.env });
    const content = /sign content: (.*)/.exec(result.stdout)![1]!;
    const url = new URL(/^POST (\S+)/m.exec(result.stdout)![1]!);
    const publicKey = createPublicKey(gateway.sandbox.apps[0]!.publicKey!);
    expect(verify('RSA-SHA256', Buffer.from(content, 'utf8'), publicKey, Buffer.from(url.searchParams.get('sign')!, 'base64'))).toBe(true);
    // The sign content is exactly the query's public params plus the body's business params.
    for (const [key, value] of url.searchParams) if (key !== 'sign') expect(content).toContain(`${key}=${value}`);

    // `zhima sign --url` with the body's params re-creates the same signature and says so.
    const bodyParams = content.split('&').filter((pair) => !url.searchParams.has(pair.slice(0, pair.indexOf('='))));
    const flags = bodyParams.flatMap((pair) => ['--param', pair]);
    const same = await zhima(['sign', '--url', url.href, ...flags], { cwd: dir, env: gateway.env });
    expect(same.code).toBe(0);
    expect(same.stdout).toContain('equals this signature');
    const other = await zhima(['sign', '--url', url.href, ...flags.slice(2)], { cwd: dir, env: gateway.env });
    expect(other.code).toBe(1);
    expect(other.stdout).toContain('DIFFERS');
  });
});
