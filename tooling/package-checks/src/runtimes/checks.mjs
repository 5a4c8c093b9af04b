// The checks every runtime runs, written once against web APIs only (no node:*), so the same file
// runs on Node, Bun, Deno and workerd. It imports the packages by name: each runtime resolves them
// from a project where the packed tarballs were npm-installed, with its own export conditions.
import { signContent, verifySignature } from '@zhima/core';
import { validateRecords } from '@zhima/validator';
import { createFetchTransport } from '@zhima/transport';
import { CHECK_NAMES } from './check-names.mjs';

/**
 * @typedef {{ content: string, charset: string, signType: 'RSA2' | 'RSA', privateKey: string, publicKey: string, signature: string }} SignVector
 * @typedef {{ vectors: SignVector[], records: { valid: string, duplicate: string, columns: string, primaryKeyColumns: string, count: number }, echoUrl: string }} CheckInput
 * @typedef {{ check: string, ok: boolean, detail: string }} CheckResult
 */


/**
 * Signs and verifies every vector of one charset; the expected signatures come from node:crypto over
 * iconv-lite bytes (RSA PKCS#1 v1.5 is deterministic), made by the harness, not by this SDK.
 * @param {{ vectors: SignVector[] }} options
 */
async function signVectors({ vectors }) {
  if (vectors.length === 0) throw new Error('no vectors');
  for (const vector of vectors) {
    const options = { signType: vector.signType, charset: vector.charset };
    const signature = await signContent({ content: vector.content, privateKey: vector.privateKey, ...options });
    if (signature !== vector.signature) throw new Error(`${vector.signType} ${vector.charset}: signature differs from node:crypto's`);
    if (!(await verifySignature({ content: vector.content, signature: vector.signature, publicKey: vector.publicKey, ...options }))) {
      throw new Error(`${vector.signType} ${vector.charset}: a good signature did not verify`);
    }
    if (await verifySignature({ content: `${vector.content}x`, signature: vector.signature, publicKey: vector.publicKey, ...options })) {
      throw new Error(`${vector.signType} ${vector.charset}: a signature verified over changed content`);
    }
  }
  return `${vectors.length} vectors`;
}

/** @param {{ records: CheckInput['records'] }} options */
async function validateSmallFile({ records }) {
  const options = { columns: records.columns, primaryKeyColumns: records.primaryKeyColumns, records: records.count };
  const valid = await validateRecords(new TextEncoder().encode(records.valid), options);
  if (!valid.ok || valid.recordCount !== records.count) throw new Error(`valid file reported ok=${valid.ok} records=${valid.recordCount}: ${JSON.stringify(valid.issues[0])}`);
  const duplicate = await validateRecords(new TextEncoder().encode(records.duplicate), options);
  if (duplicate.ok || !duplicate.issues.some((issue) => issue.code === 'INVALID_PRIMARY_ARGUMENTS')) {
    throw new Error(`duplicate primary key not reported: ${JSON.stringify(duplicate.issues)}`);
  }
  return `${valid.recordCount} records ok, duplicate key caught`;
}

/**
 * Posts to the harness's echo server, which answers with what it received, and compares.
 * @param {{ echoUrl: string, stream: boolean }} options
 */
async function fetchRoundTrip({ echoUrl, stream }) {
  const body = new TextEncoder().encode('biz_content=芝麻&'.repeat(2000));
  const transport = createFetchTransport({ timeoutMs: 20_000 });
  const requestBody = stream
    ? new ReadableStream({
        start(controller) {
          for (let offset = 0; offset < body.length; offset += 4096) controller.enqueue(body.slice(offset, offset + 4096));
          controller.close();
        },
      })
    : body;
  const response = await transport.send({
    method: 'POST',
    url: `${echoUrl}/echo?check=${stream ? 'stream' : 'bytes'}`,
    headers: { 'content-type': 'application/x-www-form-urlencoded;charset=utf-8', 'content-length': String(body.length) },
    body: requestBody,
  });
  if (response.status !== 200) throw new Error(`status ${response.status}`);
  const echoed = JSON.parse(new TextDecoder().decode(response.body));
  if (echoed.length !== body.length || echoed.contentLength !== String(body.length) || echoed.method !== 'POST') {
    throw new Error(`server saw ${JSON.stringify(echoed)}, sent ${body.length} bytes`);
  }
  const sum = body.reduce((total, byte) => (total + byte) % 65_521, 0);
  if (echoed.checksum !== sum) throw new Error(`body checksum ${echoed.checksum} != ${sum}`);
  return `${echoed.length} bytes, content-length ${echoed.contentLength}`;
}

/**
 * Fails a check that hangs instead of hanging the runtime.
 * @param {{ work: Promise<string>, ms: number }} options
 */
export function withDeadline({ work, ms }) {
  let timer;
  const deadline = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

/**
 * Runs every check, each isolated so one failure does not hide the others.
 * @param {CheckInput} input
 * @returns {Promise<CheckResult[]>}
 */
export async function runChecks(input) {
  /** @type {Record<string, () => Promise<string>>} */
  const checks = {
    'core sign/verify utf-8': () => signVectors({ vectors: input.vectors.filter((vector) => vector.charset === 'utf-8') }),
    'core sign/verify gbk': () => signVectors({ vectors: input.vectors.filter((vector) => vector.charset === 'gbk') }),
    'validator small file': () => validateSmallFile({ records: input.records }),
    'transport fetch bytes': () => fetchRoundTrip({ echoUrl: input.echoUrl, stream: false }),
    'transport fetch stream': () => fetchRoundTrip({ echoUrl: input.echoUrl, stream: true }),
  };
  const results = [];
  for (const check of CHECK_NAMES.filter((name) => name in checks)) {
    try {
      results.push({ check, ok: true, detail: await withDeadline({ work: checks[check](), ms: 20_000 }) });
    } catch (error) {
      const cause = /** @type {any} */ (error);
      results.push({ check, ok: false, detail: `${cause?.name ?? 'Error'}: ${cause?.message ?? String(error)}${cause?.code ? ` [${cause.code}${cause.reason ? ` ${cause.reason}` : ''}]` : ''}` });
    }
  }
  return results;
}
