// One benchmark contender in its own process, so its peak RSS is its own.
// Usage: node bench/contender.mjs <contender> <path> <UTF-8|GBK> <records>
// Prints one JSON line: { ms, cpuMs, maxRssMB, records, ok, note? }.
import { createReadStream, openAsBlob, readFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { JSONParser } from '@streamparser/json';
import { COLUMNS, PRIMARY_KEY } from './generate.mjs';

// run.mjs points this at a private copy of dist/, so a concurrent rebuild of the package cannot break a run.
const dist = process.env.VALIDATOR_DIST ?? new URL('../dist/', import.meta.url).href;
const { loanTemplateRules, validateRecords } = await import(`${dist}index.js`);
const { createSha256, validateFile } = await import(`${dist}node.js`);

const require = createRequire(import.meta.url);
const [contender, path, charset, declared] = process.argv.slice(2);
const expected = Number(declared);

/** The straightforward check a merchant would write after parsing: columns, primary keys (a JS Set), count. */
function straightforwardChecker() {
  const keys = new Set();
  let problems = 0;
  let count = 0;
  return {
    check(record) {
      count++;
      const names = Object.keys(record);
      if (names.length !== COLUMNS.length || COLUMNS.some((column) => typeof record[column] !== 'string')) problems++;
      const key = PRIMARY_KEY.map((column) => record[column]).join('\u0000');
      if (keys.has(key)) problems++;
      keys.add(key);
    },
    result: () => ({ records: count, ok: problems === 0 && count === expected }),
  };
}

/**
 * A web byte stream (`type: 'bytes'`) of the file in 1 MiB positioned reads: into the reader's own buffer
 * for a BYOB read, else into a fresh 1 MiB chunk (`autoAllocateChunkSize`).
 */
async function fileByteStream(path) {
  const handle = await open(path);
  const { size } = await handle.stat();
  let position = 0;
  const stream = new ReadableStream({
    type: 'bytes',
    autoAllocateChunkSize: 1 << 20,
    async pull(controller) {
      const request = controller.byobRequest;
      const view = request.view;
      const { bytesRead } = await handle.read(view, 0, view.byteLength, position);
      position += bytesRead;
      if (bytesRead === 0) {
        await handle.close();
        controller.close();
        request.respond(0);
      } else request.respond(bytesRead);
    },
    cancel: () => handle.close(),
  });
  return { stream, size };
}

/** Portable `validateRecords` of the loan columns, given its input (and its size), reported as every validator contender is. */
async function validatePortable(source) {
  const report = await validateRecords({ ...source, columns: COLUMNS, primaryKeyColumns: PRIMARY_KEY, records: expected, fileCharset: charset, maxFileBytes: Number.MAX_SAFE_INTEGER });
  return { records: report.recordCount, ok: report.ok, issues: report.issues.map((issue) => issue.rule).join(',') };
}

/** What a read-only contender reports. */
const bytesRead = (bytes) => ({ records: 0, ok: bytes > 0, issues: `${bytes} bytes read` });

/** Reads a web stream to its end, checking nothing. */
async function readAll(stream) {
  let bytes = 0;
  for await (const chunk of stream) bytes += chunk.byteLength;
  return bytesRead(bytes);
}

async function run() {
  switch (contender) {
    case 'json-parse': {
      const text = new TextDecoder(charset === 'GBK' ? 'gbk' : 'utf-8', { fatal: true }).decode(readFileSync(path));
      const document = JSON.parse(text);
      return { records: document.records.length, ok: true };
    }
    case 'json-parse+check': {
      const text = new TextDecoder(charset === 'GBK' ? 'gbk' : 'utf-8', { fatal: true }).decode(readFileSync(path));
      const checker = straightforwardChecker();
      for (const record of JSON.parse(text).records) checker.check(record);
      return checker.result();
    }
    case 'streamparser': {
      const checker = straightforwardChecker();
      const parser = new JSONParser({ paths: ['$.records.*'], keepStack: false });
      parser.onValue = ({ value }) => checker.check(value);
      for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) parser.write(chunk);
      return checker.result();
    }
    case 'stream-json': {
      const { parser } = require('stream-json');
      const { pick } = require('stream-json/filters/Pick');
      const { streamArray } = require('stream-json/streamers/StreamArray');
      const checker = straightforwardChecker();
      await new Promise((resolve, reject) => {
        const stream = createReadStream(path, { highWaterMark: 1 << 20 }).pipe(parser()).pipe(pick({ filter: 'records' })).pipe(streamArray());
        stream.on('data', ({ value }) => checker.check(value));
        stream.on('end', resolve);
        stream.on('error', reject);
      });
      return checker.result();
    }
    case 'validator-shared-key': {
      // Every record holds user_credentials_type "0": all but the first repeat the key.
      const report = await validateFile({ path, columns: COLUMNS, primaryKeyColumns: ['user_credentials_type'], records: expected, fileCharset: charset, maxFileBytes: Number.MAX_SAFE_INTEGER });
      return { records: report.recordCount, ok: report.errorCount === expected - 1, issues: `${report.errorCount} duplicates counted, ${report.issues.length} kept` };
    }
    case 'validator-web-stream': {
      // The portable path as a browser or an edge runtime runs it: a web ReadableStream, no random access.
      const blob = await openAsBlob(path);
      return validatePortable({ input: blob.stream(), totalBytes: blob.size });
    }
    case 'validator-byte-stream': {
      // The validator apart from Node's Blob reader: a minimal byte stream of 1 MiB positioned reads, as a
      // runtime's own file stream (Deno's file.readable) or a fetch body hands bytes over.
      const { stream, size } = await fileByteStream(path);
      return validatePortable({ input: stream, totalBytes: size });
    }
    case 'read-byte-stream': {
      // Only reading that byte stream (a default reader, as a consumer that knows nothing of BYOB reads it).
      return readAll((await fileByteStream(path)).stream);
    }
    case 'read-web-stream': {
      // Only reading the web stream validator-web-stream reads: what any consumer of this stream pays first.
      return readAll((await openAsBlob(path)).stream());
    }
    case 'read-file': {
      // Only reading the file the way validateFile does: 1 MiB positioned reads into one buffer.
      const handle = await open(path);
      const buffer = new Uint8Array(1 << 20);
      let bytes = 0;
      try {
        for (;;) {
          const { bytesRead } = await handle.read(buffer, 0, buffer.length, bytes);
          if (bytesRead === 0) break;
          bytes += bytesRead;
        }
      } finally {
        await handle.close();
      }
      return bytesRead(bytes);
    }
    case 'validator-blob': {
      // The portable path given the Blob itself: read in 1 MiB slices, its size and random access known.
      return validatePortable({ input: await openAsBlob(path) });
    }
    case 'validator-split': {
      // What `zhima send` runs: validation with the gateway's split bound, each part hashed.
      const report = await validateFile({ path, columns: COLUMNS, primaryKeyColumns: PRIMARY_KEY, records: expected, fileCharset: charset, maxFileBytes: Number.MAX_SAFE_INTEGER, split: { maxFileBytes: 52_428_800, hash: createSha256 } });
      return { records: report.recordCount, ok: report.ok && report.parts.every((part) => part.sha256 !== undefined), issues: `${report.parts?.length} parts` };
    }
    case 'validator':
    case 'validator+rules':
    case 'validator-without-records': {
      const report = await validateFile({
        path,
        columns: COLUMNS,
        primaryKeyColumns: PRIMARY_KEY,
        ...(contender === 'validator-without-records' ? {} : { records: expected }),
        fileCharset: charset,
        maxFileBytes: Number.MAX_SAFE_INTEGER,
        ...(contender === 'validator+rules' ? { rules: loanTemplateRules } : {}),
      });
      const ok = report.ok && (contender !== 'validator-without-records' || report.recordCount === expected);
      return { records: report.recordCount, ok, issues: report.issues.map((issue) => issue.rule).join(',') };
    }
    default:
      throw new Error(`unknown contender ${contender}`);
  }
}

const started = performance.now();
const cpuBefore = process.cpuUsage();
let outcome;
try {
  outcome = await run();
} catch (error) {
  outcome = { records: 0, ok: false, note: String(error?.message ?? error).slice(0, 120) };
}
const ms = performance.now() - started;
const cpu = process.cpuUsage(cpuBefore);
console.log(JSON.stringify({ ms, cpuMs: (cpu.user + cpu.system) / 1000, maxRssMB: process.resourceUsage().maxRSS / 1024, ...outcome }));
