// A benchmark client process, in one of two modes:
//   rss <variant> <sink-url> <file> <warm-up-file>: warm up on the small file (so the big one's memory is
//     not already in the heap), then upload the big file once, sampling RSS; prints one JSON line.
//   timing <sink-url> <file> <iterations>: warm every variant up on the big file, then run the variants
//     in rotating order <iterations> times; prints one JSON line of times per variant. Interleaving in
//     one process lets pairs of uploads share the machine's load of the moment.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { Transport } from '@zhima/core';
import { createFetchTransport } from '../src/index.js';
import { createFileBody } from '../src/node/testing.js';

const [mode = '', ...args] = process.argv.slice(2);
const sinkUrl = (mode === 'rss' ? args[1] : args[0]) ?? '';
const BOUNDARY = '----zhima-bench-boundary';
const encoder = new TextEncoder();

// The bytes around the file in a multipart/form-data body with text fields, then the file part.
const head = encoder.encode(
  [
    ...['app_id', 'method', 'charset', 'sign'].map((name) => `--${BOUNDARY}\r\ncontent-disposition: form-data; name="${name}"\r\n\r\nvalue-of-${name}\r\n`),
    `--${BOUNDARY}\r\ncontent-disposition: form-data; name="file"; filename="records.json"\r\ncontent-type: application/octet-stream\r\n\r\n`,
  ].join(''),
);
const tail = encoder.encode(`\r\n--${BOUNDARY}--\r\n`);
const headers = (length: number) => ({ 'content-type': `multipart/form-data; boundary=${BOUNDARY}`, 'content-length': String(length) });

async function* rawBodyChunks(path: string) {
  yield head;
  yield* createReadStream(path, { highWaterMark: 64 * 1024 });
  yield tail;
}

async function adapterBody(path: string): Promise<ReadableStream<Uint8Array>> {
  const file = await createFileBody({ path });
  const parts: Array<Uint8Array | ReadableStream<Uint8Array>> = [head, file.body, tail];
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        for (;;) {
          const part = parts[0];
          if (part === undefined) return controller.close();
          if (part instanceof Uint8Array) {
            parts.shift();
            return controller.enqueue(part);
          }
          reader ??= part.getReader();
          const { done, value } = await reader.read();
          if (!done) return controller.enqueue(value);
          parts.shift();
          reader = undefined;
        }
      },
    },
    { highWaterMark: 0 },
  );
}

type Upload = (path: string, length: number) => Promise<number>;

function viaTransport(transport: Transport): Upload {
  return async (path, length) => {
    const response = await transport.send({ method: 'POST', url: sinkUrl, headers: headers(length), body: await adapterBody(path) });
    return (JSON.parse(new TextDecoder().decode(response.body)) as { receivedBytes: number }).receivedBytes;
  };
}

// Imported only by the variants that use it: importing undici makes it Node's global dispatcher, and the
// fetch variant should run on Node's own fetch stack, as it does in an app without undici.
const uploads: Record<string, () => Promise<Upload>> = {
  'raw undici.request': async () => {
    const { Agent, request } = await import('undici');
    const dispatcher = new Agent();
    return async (path, length) => {
      const response = await request(sinkUrl, { dispatcher, method: 'POST', headers: headers(length), body: Readable.from(rawBodyChunks(path)) });
      return ((await response.body.json()) as { receivedBytes: number }).receivedBytes;
    };
  },
  'raw undici.request, web stream body': async () => {
    const { Agent, request } = await import('undici');
    const dispatcher = new Agent();
    return async (path, length) => {
      const body = (await adapterBody(path)) as unknown as Readable; // undici reads any async iterable; its types list only Node streams
      const response = await request(sinkUrl, { dispatcher, method: 'POST', headers: headers(length), body });
      return ((await response.body.json()) as { receivedBytes: number }).receivedBytes;
    };
  },
  'undici adapter': async () => viaTransport((await import('../src/undici/index.js')).createUndiciTransport()),
  'fetch adapter': async () => viaTransport(createFetchTransport()),
};

const bodyLength = async (path: string) => head.byteLength + (await stat(path)).size + tail.byteLength;

async function timedUpload(upload: Upload, path: string): Promise<number> {
  const length = await bodyLength(path);
  const started = performance.now();
  const receivedBytes = await upload(path, length);
  const ms = performance.now() - started;
  if (receivedBytes !== length) throw new Error(`sink received ${receivedBytes} of ${length} bytes`);
  return ms;
}

async function measureRss([variant = '', , filePath = '', warmUpPath = '']: string[]) {
  const makeUpload = uploads[variant];
  if (!makeUpload) throw new Error(`unknown variant ${variant}; one of ${Object.keys(uploads).join(', ')}`);
  const upload = await makeUpload();
  for (let i = 0; i < 3; i += 1) await timedUpload(upload, warmUpPath);
  (globalThis as { gc?: () => void }).gc?.();
  const baselineRss = process.memoryUsage.rss();
  let peakRss = baselineRss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }, 2);
  await timedUpload(upload, filePath);
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
  return { variant, rssGrowthBytes: peakRss - baselineRss, bodyBytes: await bodyLength(filePath) };
}

async function measureTimes([, filePath = '', iterations = '1']: string[]) {
  // The fetch variant goes first, so Node's fetch settles on its own dispatcher before undici is imported.
  const variants = ['fetch adapter', ...Object.keys(uploads).filter((name) => name !== 'fetch adapter')];
  const prepared: Array<[string, Upload]> = [];
  for (const name of variants) {
    const upload = await uploads[name]?.();
    if (upload) {
      for (let i = 0; i < 2; i += 1) await timedUpload(upload, filePath);
      prepared.push([name, upload]);
    }
  }
  const ms: Record<string, number[]> = Object.fromEntries(variants.map((name) => [name, []]));
  for (let iteration = 0; iteration < Number(iterations); iteration += 1) {
    for (let i = 0; i < prepared.length; i += 1) {
      const [name, upload] = prepared[(iteration + i) % prepared.length] ?? prepared[0]!;
      ms[name]?.push(await timedUpload(upload, filePath));
    }
  }
  return { ms };
}

console.log(JSON.stringify(mode === 'rss' ? await measureRss(args) : await measureTimes(args)));
process.exit(0);
