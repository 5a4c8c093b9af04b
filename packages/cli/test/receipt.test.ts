import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { maxLength } from '@zhima/validator';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { COLUMNS, PRIMARY_KEY, records, runZhima, startGateway, tempDir, writeRecords } from './support.js';

const FLAGS = ['--columns', COLUMNS, '--primary-key', PRIMARY_KEY];

// The receipt's documented shape (README "The run receipt"), written here independently of the code.
type Schema =
  | 'string'
  | 'integer'
  | 'number'
  | 'boolean'
  | { enum: readonly unknown[] }
  | { nullable: Schema }
  | { array: Schema }
  | { object: Record<string, Schema> }
  | { map: Schema }
  | 'any';

const ERROR: Schema = { object: { code: 'string', message: 'string', gatewayCode: { nullable: 'string' }, subCode: { nullable: 'string' }, subMsg: { nullable: 'string' }, reason: { nullable: 'string' } } };
const ISO = 'string';
const RECEIPT: Schema = {
  object: {
    kind: { enum: ['zhima-send-receipt'] },
    version: { enum: [1] },
    runId: 'string',
    zhimaVersion: 'string',
    startedAt: ISO,
    finishedAt: ISO,
    durationMs: 'integer',
    appId: 'string',
    gateway: 'string',
    method: { enum: ['zhima.data.batch.feedback'] },
    journal: 'string',
    restart: 'boolean',
    holdBack: 'boolean',
    quarantine: { nullable: 'string' },
    settings: {
      object: {
        attempts: 'integer',
        timeoutSeconds: 'number',
        answerTimeoutSeconds: { nullable: 'number' },
        retryDeadlineSeconds: 'number',
        maxFileBytes: 'integer',
        maxRecordsPerFile: { nullable: 'integer' },
        fileCharset: { enum: ['UTF-8', 'GBK'] },
        requestCharset: 'string',
      },
    },
    inputs: {
      array: {
        object: {
          name: 'string',
          bytes: 'integer',
          records: 'integer',
          heldBack: 'integer',
          repeatedKeys: { array: { object: { primaryKey: { map: 'string' }, recordNumbers: { array: 'integer' } } } },
          ok: 'boolean',
          errorCount: 'integer',
          warningCount: 'integer',
          issues: { array: 'any' },
          truncated: 'boolean',
          validationMs: 'integer',
          allPartsReached: 'boolean',
        },
      },
    },
    parts: {
      array: {
        object: {
          input: 'string',
          part: 'integer',
          fileName: 'string',
          sha256: 'string',
          records: 'integer',
          bytes: 'integer',
          firstPrimaryKey: { map: 'string' },
          lastPrimaryKey: { map: 'string' },
          outcome: { enum: ['accepted', 'refused', 'unverified', 'held-back', 'skipped', 'not-answered', 'not-sent'] },
          error: { nullable: ERROR },
          previous: { nullable: { object: { outcome: { enum: ['accepted', 'unverified', 'refused', 'not-answered'] }, at: ISO, runId: 'string' } } },
          traceId: { nullable: 'string' },
          requestId: { nullable: 'string' },
          attempts: 'integer',
          startedAt: { nullable: ISO },
          durationMs: { nullable: 'integer' },
        },
      },
    },
    totals: {
      object: Object.fromEntries(['inputs', 'parts', 'accepted', 'skipped', 'refused', 'unverified', 'heldBack', 'notAnswered', 'notSent', 'recordsAccepted', 'bytesAccepted', 'recordsHeldBack'].map((key) => [key, 'integer'])) as Record<string, Schema>,
    },
    result: { enum: ['success', 'failed', 'refused', 'nothing-sent', 'unverified', 'held-back'] },
    exitCode: { enum: [0, 1, 3, 4, 5, 6] },
    stoppedBy: { nullable: { object: { ...(ERROR as { object: Record<string, Schema> }).object, hint: { nullable: 'string' }, laterRunMaySucceed: 'boolean' } } },
  },
};

function problems(value: unknown, schema: Schema, path = '$'): string[] {
  if (schema === 'any') return [];
  if (schema === 'string') return typeof value === 'string' ? [] : [`${path}: expected a string, got ${JSON.stringify(value)}`];
  if (schema === 'integer') return Number.isSafeInteger(value) && (value as number) >= 0 ? [] : [`${path}: expected a non-negative integer, got ${JSON.stringify(value)}`];
  if (schema === 'number') return typeof value === 'number' && Number.isFinite(value) ? [] : [`${path}: expected a number, got ${JSON.stringify(value)}`];
  if (schema === 'boolean') return typeof value === 'boolean' ? [] : [`${path}: expected a boolean, got ${JSON.stringify(value)}`];
  if ('enum' in schema) return schema.enum.includes(value) ? [] : [`${path}: expected one of ${JSON.stringify(schema.enum)}, got ${JSON.stringify(value)}`];
  if ('nullable' in schema) return value === null ? [] : problems(value, schema.nullable, path);
  if ('array' in schema) return Array.isArray(value) ? value.flatMap((item, k) => problems(item, schema.array, `${path}[${k}]`)) : [`${path}: expected an array`];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [`${path}: expected an object`];
  const record = value as Record<string, unknown>;
  if ('map' in schema) return Object.entries(record).flatMap(([key, item]) => problems(item, schema.map, `${path}.${key}`));
  const extra = Object.keys(record).filter((key) => !(key in schema.object)).map((key) => `${path}.${key}: not in the documented shape`);
  return [...extra, ...Object.entries(schema.object).flatMap(([key, item]) => (key in record ? problems(record[key], item, `${path}.${key}`) : [`${path}.${key}: missing`]))];
}

describe('the run receipt of zhima send (the built bin)', () => {
  it('--json prints one receipt of the documented shape; the same receipt is in <journal>/receipts/, one file per run', { timeout: 90_000 }, async () => {
    const dir = await tempDir();
    const gateway = await startGateway({ dir, options: { rules: { user_name: maxLength({ max: 12 }) } } });
    await writeRecords(join(dir, 'a-big.json'), records(0, 3000));
    await writeRecords(join(dir, 'b-small.json'), records(3000, 10));
    await writeRecords(join(dir, 'c-refused.json'), records(4000, 5).map((one) => ({ ...one, user_name: '名'.repeat(13) })));

    const first = await runZhima(['send', '.', ...FLAGS, '--max-file-bytes', '100000', '--json'], { cwd: dir, env: gateway.env });
    expect(first.code, first.stderr).toBe(3);
    const receipt = JSON.parse(first.stdout);
    expect(problems(receipt, RECEIPT)).toEqual([]);
    expect(receipt).toMatchObject({ result: 'refused', exitCode: 3, appId: gateway.appId, gateway: gateway.server.gatewayUrl, journal: join(dir, '.zhima-journal'), stoppedBy: null });
    const parts = receipt.parts as { fileName: string; outcome: string; records: number; sha256: string; firstPrimaryKey: Record<string, string>; lastPrimaryKey: Record<string, string>; attempts: number }[];
    expect(parts.filter((part) => part.fileName.startsWith('a-big.part-')).length).toBeGreaterThanOrEqual(3);
    expect(parts.map((part) => part.outcome)).toEqual([...parts.slice(0, -1).map(() => 'accepted'), 'refused']);
    expect(parts.reduce((sum, part) => sum + part.records, 0)).toBe(3015);
    expect(receipt.totals).toMatchObject({ inputs: 3, parts: parts.length, accepted: parts.length - 1, refused: 1, skipped: 0, recordsAccepted: 3010 });
    // The gateway holds exactly the parts the receipt calls accepted (same bytes).
    expect(gateway.sandbox.uploads({ appId: gateway.appId }).map((upload) => upload.sha256)).toEqual(parts.filter((part) => part.outcome === 'accepted').map((part) => part.sha256));
    // First and last primary key of the first part, masked (3 + stars + last 4 for long values; first + stars for short).
    expect(parts[0]!.firstPrimaryKey).toEqual({ order_no: 'ORD****0000', pay_month: '2******' });
    expect(parts.at(-2)!.lastPrimaryKey).toEqual({ order_no: 'ORD****3009', pay_month: '2******' });
    expect(first.stdout).not.toContain('ORD00000000');
    expect(parts.every((part) => part.attempts === 1)).toBe(true);

    const files = await readdir(join(dir, '.zhima-journal', 'receipts'));
    expect(files).toEqual([`${receipt.runId}.json`]);
    expect(JSON.parse(await readFile(join(dir, '.zhima-journal', 'receipts', files[0]!), 'utf8'))).toEqual(receipt);

    // A second run: accepted parts skipped (with what the journal held), the refused one sent again.
    const second = JSON.parse((await runZhima(['send', '.', ...FLAGS, '--max-file-bytes', '100000', '--json'], { cwd: dir, env: gateway.env })).stdout);
    expect(problems(second, RECEIPT)).toEqual([]);
    expect(second.parts.map((part: { outcome: string }) => part.outcome)).toEqual([...parts.slice(0, -1).map(() => 'skipped'), 'refused']);
    expect(second.parts[0].previous).toEqual({ outcome: 'accepted', at: expect.any(String), runId: receipt.runId });
    expect(second.parts.at(-1).previous).toMatchObject({ outcome: 'refused', runId: receipt.runId });
    expect((await readdir(join(dir, '.zhima-journal', 'receipts'))).sort()).toEqual([`${receipt.runId}.json`, `${second.runId}.json`].sort());
  });

  it('each part names its first and last record by primary key, masked: a pretty-printed GBK file and a compact stream on stdin, checked against JSON.parse of the inputs', { timeout: 90_000 }, async () => {
    // The oracle, written here: every value masked whole (1 character → '*'; up to 8 → the first and stars; longer → the first 3, stars, the last 4).
    const mask = (value: string): string => {
      const chars = [...value];
      if (chars.length <= 1) return '*';
      if (chars.length <= 8) return chars[0] + '*'.repeat(chars.length - 1);
      return chars.slice(0, 3).join('') + '*'.repeat(chars.length - 7) + chars.slice(-4).join('');
    };
    const dir = await tempDir();
    const gateway = await startGateway({ dir });
    // Keys with CJK text, and an ID-number-shaped order number (masked by the validator already, and whole here).
    const list: Record<string, string>[] = records(0, 2500).map((one, i) => ({ ...one, order_no: i % 500 === 7 ? `11010519491231${String(1000 + i).slice(-4)}` : `订单号${one.order_no}` }));
    await writeFile(join(dir, 'day.json'), iconv.encode(JSON.stringify({ records: list }, null, 2), 'gbk'));
    const stdinList = records(5000, 4000);
    for (const [args, stdin, inputs] of [
      [['day.json', '--file-charset', 'GBK'], undefined, list],
      [['-'], new TextEncoder().encode(JSON.stringify({ records: stdinList })), stdinList],
    ] as const) {
      const run = await runZhima(['send', ...args, ...FLAGS, '--max-file-bytes', '60000', '--journal', 'j', '--json'], { cwd: dir, env: gateway.env, ...(stdin === undefined ? {} : { stdin }) });
      expect(run.code, run.stderr).toBe(0);
      const receipt = JSON.parse(run.stdout) as { parts: { records: number; sha256: string; firstPrimaryKey: Record<string, string>; lastPrimaryKey: Record<string, string> }[] };
      expect(problems(receipt, RECEIPT)).toEqual([]);
      expect(receipt.parts.length).toBeGreaterThan(2);
      let first = 0;
      for (const part of receipt.parts) {
        const [head, tail] = [inputs[first]!, inputs[first + part.records - 1]!];
        expect(part.firstPrimaryKey).toEqual({ order_no: mask(head.order_no!), pay_month: mask(head.pay_month!) });
        expect(part.lastPrimaryKey).toEqual({ order_no: mask(tail.order_no!), pay_month: mask(tail.pay_month!) });
        first += part.records;
      }
      expect(first).toBe(inputs.length);
      // What landed in the sandbox is what the receipt lists.
      expect(gateway.sandbox.uploads({ appId: gateway.appId }).slice(-receipt.parts.length).map((upload) => upload.sha256)).toEqual(receipt.parts.map((part) => part.sha256));
    }
  });

  it('--hold-back: held-back entries and counts of the documented shape; the quarantine keeps a GBK file\'s exact bytes and reads back from a stdin spool', { timeout: 90_000 }, async () => {
    const QUARANTINE_LINE: Schema = {
      object: {
        input: 'string',
        recordNumber: 'integer',
        recordIndex: 'integer',
        byteOffset: 'integer',
        byteLength: 'integer',
        primaryKey: { nullable: { map: 'string' } },
        issues: { array: 'any' },
        record: 'string',
        recordBase64: 'string',
      },
    };
    const dir = await tempDir();
    const gateway = await startGateway({ dir });
    // GBK, pretty: record 3 has a blank key, record 40 a nested value.
    const list: Record<string, unknown>[] = records(0, 60).map((one) => ({ ...one, user_name: `张三${one.order_no}` }));
    list[2] = { ...list[2], order_no: ' ' };
    list[39] = { ...list[39], user_name: { first: '李' } };
    const gbkText = JSON.stringify({ records: list }, null, 2);
    await writeFile(join(dir, 'day.json'), iconv.encode(gbkText, 'gbk'));
    const run = await runZhima(['send', 'day.json', ...FLAGS, '--file-charset', 'GBK', '--hold-back', '--journal', 'j', '--json'], { cwd: dir, env: gateway.env });
    expect(run.code, run.stderr).toBe(6);
    const receipt = JSON.parse(run.stdout);
    expect(problems(receipt, RECEIPT)).toEqual([]);
    expect(receipt.parts.map((part: { outcome: string }) => part.outcome)).toEqual(['held-back', 'accepted']);
    expect(receipt.totals).toMatchObject({ parts: 2, accepted: 1, heldBack: 1, recordsAccepted: 58, recordsHeldBack: 2 });
    expect(gateway.sandbox.storedRecords({ appId: gateway.appId })).toHaveLength(58);
    const lines = (await readFile(receipt.quarantine, 'utf8')).trimEnd().split('\n').map((line) => JSON.parse(line));
    const withoutBase64 = { object: Object.fromEntries(Object.entries((QUARANTINE_LINE as { object: Record<string, Schema> }).object).filter(([key]) => key !== 'recordBase64')) } as Schema;
    for (const line of lines) expect(problems(line, QUARANTINE_LINE)).toEqual([]);
    expect(lines.map((line) => line.recordNumber)).toEqual([3, 40]);
    const fileBytes = await readFile(join(dir, 'day.json'));
    for (const line of lines) {
      // The exact bytes of the file, and the text they decode to.
      expect(Buffer.from(line.recordBase64, 'base64')).toEqual(fileBytes.subarray(line.byteOffset, line.byteOffset + line.byteLength));
      expect(JSON.parse(line.record)).toEqual(list[line.recordNumber - 1]);
    }

    // Standard input, compact UTF-8: a key held twice (numbers 5 and 30) is found by reading the spool again.
    const stdinList = records(1000, 30);
    stdinList[29] = { ...stdinList[4]!, user_name: '王五' };
    const stdin = new TextEncoder().encode(JSON.stringify({ records: stdinList }));
    const piped = await runZhima(['send', '-', ...FLAGS, '--hold-back', '--journal', 'j2', '--json'], { cwd: dir, env: gateway.env, stdin });
    expect(piped.code, piped.stderr).toBe(6);
    const pipedReceipt = JSON.parse(piped.stdout);
    expect(problems(pipedReceipt, RECEIPT)).toEqual([]);
    expect(pipedReceipt.inputs[0]).toMatchObject({ name: '<stdin>', heldBack: 2, repeatedKeys: [{ recordNumbers: [5, 30] }] });
    const pipedLines = (await readFile(pipedReceipt.quarantine, 'utf8')).trimEnd().split('\n').map((line) => JSON.parse(line));
    for (const line of pipedLines) expect(problems(line, withoutBase64)).toEqual([]);
    expect(pipedLines.map((line) => [line.recordNumber, line.record])).toEqual([
      [5, JSON.stringify(stdinList[4])],
      [30, JSON.stringify(stdinList[29])],
    ]);
  });
});
