// The reliability scenario at the sandbox level: 200k records in several files, sent with
// @zhima/core's client over a real socket while the sandbox fails 30% of calls (20000 answers and
// answers cut after the records were stored) and delays others. Every key must be held exactly once.
import { createClient } from '@zhima/core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createSandbox, type Sandbox, type SandboxServer } from '../src/index.js';
import { makeKeyPair, type KeyPair } from './helpers/client.js';

const APP_ID = '2021000000000001';
const FILES = 8;
const PER_FILE = 25_000;
let app: KeyPair;
let sandbox: Sandbox;
let server: SandboxServer;

beforeAll(async () => {
  app = makeKeyPair();
  sandbox = await createSandbox({ apps: [{ appId: APP_ID, publicKey: app.publicKey }], faults: { seed: 7, unavailable: 0.2, cut: 0.1, delay: 0.3, maxDelayMs: 20 } });
  server = await sandbox.listen();
});

afterAll(async () => {
  await server?.close();
});

function file(index: number): Uint8Array {
  const records = Array.from({ length: PER_FILE }, (_, i) => ({ order_no: `F${index}-${String(i).padStart(6, '0')}`, pay_month: '2024-01', user_name: '张三', create_amt: '19000.00' }));
  return new TextEncoder().encode(JSON.stringify({ records }));
}

it('holds all 200k primary keys exactly once after retries through faults', async () => {
  const failures: string[] = [];
  const client = createClient({
    appId: APP_ID,
    privateKey: app.privateKey,
    alipayPublicKey: sandbox.alipayPublicKey,
    gateway: server.gatewayUrl,
    retry: { attempts: 15, baseDelayMs: 1, maxDelayMs: 10, onAttempt: (event) => event.outcome === 'retry' && failures.push(event.error?.subCode ?? event.error?.reason ?? 'other') },
  });
  for (let index = 0; index < FILES; index++) {
    await client.batchFeedback({ file: file(index), columns: 'order_no,pay_month,user_name,create_amt', primaryKeyColumns: 'order_no,pay_month', records: PER_FILE });
  }
  const held = sandbox.storedRecords({ appId: APP_ID });
  expect(held).toHaveLength(FILES * PER_FILE);
  expect(new Set(held.map((record) => `${record.order_no}|${record.pay_month}`)).size).toBe(FILES * PER_FILE);
  // Both kinds happened: answers refused before storing, and answers lost after storing.
  expect(failures).toContain('isp.unknow-error');
  expect(failures.some((failure) => failure !== 'isp.unknow-error')).toBe(true);
});
