// The checks every runtime runs, written once against web APIs only (no node:*), so the same file
// runs on Node, Bun, Deno and workerd. It imports the packages by name: each runtime resolves them
// from a project where the packed tarballs were npm-installed, with its own export conditions.
import { signContent, verifySignature } from '@zhima/core';
import { validateRecords } from '@zhima/validator';
import { createFetchTransport } from '@zhima/transport';
import { CHECK_NAMES } from './check-names.mjs';
import { describeShape, isUploadShape, MIN_CHUNK_BYTES } from './wire-shape.mjs';

/**
 * @typedef {{ content: string, charset: string, signType: 'RSA2' | 'RSA', privateKey: string, publicKey: string, signature: string }} SignVector
 * @typedef {{ vectors: SignVector[], records: { valid: string, duplicate: string, columns: string, primaryKeyColumns: string, count: number }, echoUrl: string }} CheckInput
 * @typedef {{ check: string, ok: boolean, detail: string }} CheckResult
 */

// Larger than a 64 KiB slice and than the 2 MiB chunk floor, so the shape on the wire says something.
const UPLOAD_BYTES = 3 * 1024 * 1024 + 5;
const STREAM_CHUNK_BYTES = 64 * 1024;

function uploadBytes() {
  const bytes = new Uint8Array(UPLOAD_BYTES);
  for (let index = 0; index < bytes.length; index += 1) bytes[index] = (index * 31 + 7) & 255;
  return bytes;
}

/** @param {Uint8Array} bytes */
function streamOf(bytes) {
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(offset, offset + STREAM_CHUNK_BYTES));
      offset += STREAM_CHUNK_BYTES;
    },
  });
}


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
  const valid = await validateRecords({ input: new TextEncoder().encode(records.valid), ...options });
  if (!valid.ok || valid.recordCount !== records.count) throw new Error(`valid file reported ok=${valid.ok} records=${valid.recordCount}: ${JSON.stringify(valid.issues[0])}`);
  const duplicate = await validateRecords({ input: new TextEncoder().encode(records.duplicate), ...options });
  if (duplicate.ok || !duplicate.issues.some((issue) => issue.code === 'INVALID_PRIMARY_ARGUMENTS')) {
    throw new Error(`duplicate primary key not reported: ${JSON.stringify(duplicate.issues)}`);
  }
  return `${valid.recordCount} records ok, duplicate key caught`;
}

/**
 * Posts 3 MiB to the harness's echo server through the fetch transport, as bytes or as a stream of
 * 64 KiB chunks with a declared content-length, and checks what the server received: every byte, and a
 * shape the gateway takes (a content-length, or chunks of at least 2 MiB).
 * @param {{ echoUrl: string, stream: boolean }} options
 */
async function fetchRoundTrip({ echoUrl, stream }) {
  const body = uploadBytes();
  const transport = createFetchTransport({ timeoutMs: 20_000 });
  const response = await transport.send({
    method: 'POST',
    url: `${echoUrl}/echo?check=${encodeURIComponent(`transport fetch ${stream ? 'stream' : 'bytes'}`)}`,
    headers: { 'content-type': 'application/octet-stream', 'content-length': String(body.length) },
    body: stream ? streamOf(body) : body,
  });
  if (response.status !== 200) throw new Error(`status ${response.status}`);
  const echoed = JSON.parse(new TextDecoder().decode(response.body));
  const sum = body.reduce((total, byte) => (total + byte) % 65_521, 0);
  if (echoed.length !== body.length || echoed.checksum !== sum || echoed.method !== 'POST') {
    throw new Error(`server saw ${echoed.method} with ${echoed.length} bytes (checksum ${echoed.checksum}), sent POST with ${body.length} (checksum ${sum})`);
  }
  if (!isUploadShape(echoed)) throw new Error(`server saw ${describeShape(echoed)}: neither a content-length nor chunks of at least ${MIN_CHUNK_BYTES} bytes`);
  return `${echoed.length} bytes, ${describeShape(echoed)}`;
}

/**
 * What the runtime's own fetch does with the same stream and a content-length header (no SDK): sent
 * for the echo server to measure; never a failure of the matrix.
 * @param {{ echoUrl: string }} options
 */
async function rawFetchStream({ echoUrl }) {
  const body = uploadBytes();
  const response = await fetch(`${echoUrl}/echo?check=${encodeURIComponent('runtime fetch stream')}`, {
    method: 'POST',
    headers: { 'content-length': String(body.length) },
    body: streamOf(body),
    duplex: 'half',
    signal: AbortSignal.timeout(20_000),
  });
  await response.arrayBuffer();
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
 * Runs every check, each isolated so one failure does not hide the others, then the probe of the
 * runtime's own fetch (its outcome is what the echo server saw, or `probeError`).
 * @param {CheckInput} input
 * @returns {Promise<{ results: CheckResult[], probeError: string | null }>}
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
      results.push({ check, ok: false, detail: describeError(error) });
    }
  }
  let probeError = null;
  try {
    await withDeadline({ work: rawFetchStream({ echoUrl: input.echoUrl }).then(() => ''), ms: 20_000 });
  } catch (error) {
    probeError = describeError(error);
  }
  return { results, probeError };
}

/** @param {unknown} error */
function describeError(error) {
  const cause = /** @type {any} */ (error);
  return `${cause?.name ?? 'Error'}: ${cause?.message ?? String(error)}${cause?.code ? ` [${cause.code}${cause.reason ? ` ${cause.reason}` : ''}]` : ''}`;
}
