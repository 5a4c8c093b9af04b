// `node --expose-gc bench/part-cpu.mjs [other-build/index.js …]` (after `pnpm build`): the sandbox's CPU for one
// uploaded 100k-record part (the whole `zhima.data.batch.feedback` request, answered in-process) ÷
// `validateRecords` of the same bytes, in paired rounds, median ratio. Other sandbox builds given as
// arguments (say a copy of dist/ from before a change) run in the same rounds. A measurement, not a
// test: the machine is shared, so only ratios are quoted.
import { generateKeyPairSync } from 'node:crypto';
import { createClient } from '@zhima/core';
import { validateRecords } from '@zhima/validator';

const RECORDS = Number(process.env.PART_RECORDS ?? 100_000);
const ROUNDS = Number(process.env.PART_ROUNDS ?? 7);
const APP_ID = '2021000000000001';
const COLUMNS = 'order_no,pay_month,user_name,user_credentials_no,create_amt,overdue_cnt';
const KEY = 'order_no,pay_month';

const builds = [];
for (const path of process.argv.slice(2)) builds.push({ name: path, module: await import(new URL(path, `file://${process.cwd()}/`).href) });
builds.push({ name: 'current', module: await import(new URL('../dist/index.js', import.meta.url).href) });

const NAMES = '王李张刘陈杨黄赵吴周';
const records = Array.from({ length: RECORDS }, (_, i) => ({
  order_no: `LN${String(Math.floor(i / 12)).padStart(10, '0')}`,
  pay_month: `2025-${String(1 + (i % 12)).padStart(2, '0')}`,
  user_name: NAMES[i % 10] + NAMES[(i * 7) % 10],
  user_credentials_no: `1101051949123${String(i % 10000).padStart(4, '0')}X`,
  create_amt: `${1000 + (i % 90000)}.00`,
  overdue_cnt: String(i % 3),
}));
const file = new TextEncoder().encode(JSON.stringify({ records }));

const app = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
const alipay = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });

function cpuMs(start) {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

/** CPU inside the sandbox's fetch handler for one upload of `file` (the client's signing not counted). */
async function sandboxCpu(module) {
  const sandbox = await module.createSandbox({ apps: [{ appId: APP_ID, publicKey: app.publicKey }], alipayPrivateKey: alipay.privateKey, alipayPublicKey: alipay.publicKey });
  let ms = 0;
  const transport = {
    async send(request) {
      const start = process.cpuUsage();
      const response = await sandbox.fetch(new Request(request.url, { method: request.method, headers: request.headers, body: request.body, duplex: 'half' }));
      const body = new Uint8Array(await response.arrayBuffer());
      ms += cpuMs(start);
      const headers = {};
      response.headers.forEach((value, name) => (headers[name] = value));
      return { status: response.status, headers, body };
    },
  };
  const client = createClient({ appId: APP_ID, privateKey: app.privateKey, alipayPublicKey: alipay.publicKey, transport, gateway: 'http://sandbox.test/gateway.do', retry: false });
  const result = await client.batchFeedback({ file, columns: COLUMNS, primaryKeyColumns: KEY, records: RECORDS });
  if (result.code !== '10000' || sandbox.storedRecords({ appId: APP_ID }).length !== RECORDS) throw new Error(`upload not accepted: ${JSON.stringify(result)}`);
  return ms;
}

async function validatorCpu() {
  const start = process.cpuUsage();
  const report = await validateRecords({ input: file, columns: COLUMNS, primaryKeyColumns: KEY, records: RECORDS });
  const ms = cpuMs(start);
  if (!report.ok) throw new Error(`invalid file: ${JSON.stringify(report.issues.slice(0, 2))}`);
  return ms;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const ratios = Object.fromEntries(builds.map(({ name }) => [name, []]));
// One warm-up round, then paired rounds; the order rotates so no contender always runs first.
for (let round = -1; round < ROUNDS; round++) {
  const jobs = [['validateRecords', validatorCpu], ...builds.map(({ name, module }) => [name, () => sandboxCpu(module)])];
  const order = jobs.map((_, i) => jobs[(i + Math.max(round, 0)) % jobs.length]);
  const ms = {};
  for (const [name, run] of order) {
    // Run with --expose-gc: the last contender's garbage (a store of 100k records) is not charged to the next.
    globalThis.gc?.();
    ms[name] = await run();
  }
  if (round < 0) continue;
  for (const { name } of builds) ratios[name].push(ms[name] / ms.validateRecords);
  console.log(`round ${round + 1}: ${Object.entries(ms).map(([name, value]) => `${name} ${value.toFixed(0)} ms`).join(', ')}`);
}
console.log(`${RECORDS} records, ${file.length} bytes, ${ROUNDS} paired rounds; sandbox CPU per part ÷ validateRecords CPU, median:`);
for (const { name } of builds) console.log(`  ${name}: ${median(ratios[name]).toFixed(2)}× (rounds: ${ratios[name].map((ratio) => ratio.toFixed(2)).join(' ')})`);
