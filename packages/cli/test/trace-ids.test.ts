// The ids Alipay support asks for: each receipt part's trace id and request id are the ones the
// sandbox logged for that call (the trace id it answered with, the alipay-request-id it received).
import { generateKeyPairSync } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { maxLength } from '@zhima/validator';
import { describe, expect, it } from 'vitest';
import { COLUMNS, PRIMARY_KEY, records, runZhima, startGateway, tempDir, writeRecords } from './support.js';

const FLAGS = ['--columns', COLUMNS, '--primary-key', PRIMARY_KEY];

interface Part {
  fileName: string;
  outcome: string;
  traceId: string | null;
  requestId: string | null;
}

describe('trace and request ids in the receipt and the output (the built bin against the sandbox)', () => {
  it("an accepted and a refused part carry the sandbox's trace id and request id of their call; the refusal prints both", { timeout: 120_000 }, async () => {
    const dir = await tempDir();
    // user_name of at most 3 characters at the gateway; the CLI is not told, so b.json passes validation and is refused.
    const gateway = await startGateway({ dir, options: { rules: { user_name: maxLength({ max: 3 }) } } });
    await writeRecords(join(dir, 'a.json'), records(0, 20).map((record) => ({ ...record, user_name: '张三' })));
    await writeRecords(join(dir, 'b.json'), records(20, 20));
    const result = await runZhima(['send', '.', ...FLAGS, '--json'], { cwd: dir, env: gateway.env });
    expect(result.code, result.stderr).toBe(3);
    const parts = (JSON.parse(result.stdout) as { parts: Part[] }).parts;
    expect(parts.map((part) => [part.fileName, part.outcome])).toEqual([
      ['a.json', 'accepted'],
      ['b.json', 'refused'],
    ]);
    const calls = gateway.sandbox.calls().filter((call) => call.method === 'zhima.data.batch.feedback');
    expect(calls.map((call) => call.code)).toEqual(['10000', '40004']);
    for (const [k, part] of parts.entries()) {
      expect(part.requestId).toMatch(/^[0-9a-f]{32}$/);
      expect(part.traceId).toEqual(expect.any(String));
      expect({ traceId: part.traceId, requestId: part.requestId }).toEqual({ traceId: calls[k]!.traceId, requestId: calls[k]!.requestId });
    }
    expect(parts[0]!.traceId).not.toBe(parts[1]!.traceId);
    // What a person reads on the refusal: both ids, for Alipay support.
    expect(result.stderr).toContain(`trace_id ${calls[1]!.traceId}, alipay-request-id ${calls[1]!.requestId} (give both to Alipay support)`);
    expect(result.stderr).not.toContain(calls[0]!.traceId);
  });

  it('a part whose answer cannot be verified keeps the ids of the call (the gateway may hold the file)', { timeout: 120_000 }, async () => {
    const dir = await tempDir();
    const gateway = await startGateway({ dir });
    await writeRecords(join(dir, 'day.json'), records(0, 10));
    // A real public key that is not the sandbox's: the file is stored, the answer's signature fails.
    await writeFile(join(dir, 'wrong.pem'), generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }));
    const result = await runZhima(['send', 'day.json', ...FLAGS, '--json', '--alipay-public-key-file', 'wrong.pem'], { cwd: dir, env: gateway.env });
    expect(result.code).toBe(5);
    const [part] = (JSON.parse(result.stdout) as { parts: Part[] }).parts;
    const call = gateway.sandbox.calls().at(-1)!;
    expect(part).toMatchObject({ outcome: 'unverified', traceId: call.traceId, requestId: call.requestId });
    expect(result.stderr).toContain(`trace_id ${call.traceId}`);
  });
});
