// "Nothing escapes the tree": every public function, fed garbage the way a JavaScript caller or a
// config file can feed it, either works or throws a ZhimaError with a stable code and a hint — never
// a TypeError, RangeError or plain Error from deep inside. Found this way (each a plain error before):
// certificates given as a number, a UTF8String issuer with invalid bytes, a UniversalString of odd
// length; formatTimestamp on an invalid Date; signContent with a public key as privateKey; a JWK
// whose n is not text; a PEM whose body is not base64 (PARAM_INVALID instead of KEY_INVALID); the
// options object left out; a non-function now, onAttempt or transport.send.
import fc from 'fast-check';
import { describe, it } from 'vitest';
import {
  batchFeedbackCall,
  classifyFailure,
  createClient,
  createFetchTransport,
  formatTimestamp,
  generateKeyPair,
  importPrivateKey,
  importPublicKey,
  signContent,
  verifyResponse,
  verifySignature,
  ZhimaError,
  type ClientConfig,
  type HttpResponse,
  type Transport,
  type ZhimaErrorCode,
} from '../src/index.js';
import { buildSignContent, decodeText, encodeText, getCertificateSn, getRootCertificateSn, normalizeCharset, normalizeFileCharset, parseColumnList } from '../src/internal.js';
import { makeCertificateFixture } from './fixtures/certificates.js';
import { makeKeyFixture } from './fixtures/keys.js';

const CODES: readonly ZhimaErrorCode[] = [
  'KEY_INVALID',
  'CERTIFICATE_INVALID',
  'SIGNATURE_INVALID',
  'RESPONSE_MALFORMED',
  'RESPONSE_UNVERIFIED',
  'GATEWAY_ERROR',
  'TRANSPORT_ERROR',
  'PARAM_INVALID',
  'CHARSET_UNSUPPORTED',
  'DEPENDENCY_MISSING',
];

async function failureOf(run: () => unknown): Promise<unknown> {
  try {
    await run();
    return undefined;
  } catch (error) {
    return error ?? new Error('threw a nullish value');
  }
}

// The property: no failure, or one inside the tree. The message names what escaped.
async function staysInTree(run: () => unknown): Promise<void> {
  const error = await failureOf(run);
  if (error === undefined) return;
  const inTree = ZhimaError.isInstance(error) && CODES.includes(error.code) && typeof error.hint === 'string' && error.hint.length > 0;
  if (!inTree) throw new Error(`escaped the error tree: ${error instanceof Error ? `${error.constructor.name}: ${error.message}` : String(error)}`, { cause: error });
}

const keys = makeKeyFixture();
const alipay = makeKeyFixture();
const certificates = makeCertificateFixture();
const derOf = (pem: string) => Uint8Array.from(atob(pem.replace(/-----[^-]+-----|\s/g, '')), (char) => char.charCodeAt(0));
const certificateDer = derOf(certificates.alipayCertPem);

// Everything a JavaScript value can be, Dates and typed arrays included.
const garbage = fc.anything({ withBigInt: true, withDate: true, withTypedArray: true, withNullPrototype: true, withMap: true, withSet: true, withBoxedValues: true, withSparseArray: true });
const orGarbage = <T>(...valid: fc.Arbitrary<T>[]) => fc.oneof(...valid, garbage);
const optional = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });

// DER by hand, independent of the reader under test.
function der(tag: number, ...parts: Uint8Array[]): Uint8Array {
  const content = Uint8Array.from(parts.flatMap((part) => [...part]));
  const length = content.length < 0x80 ? [content.length] : [0x82, content.length >> 8, content.length & 0xff];
  return Uint8Array.of(tag, ...length, ...content);
}
const oid = (bytes: number[]) => der(0x06, Uint8Array.from(bytes));
const CN = [0x55, 0x04, 0x03];
const SHA256_RSA = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b];

/** A certificate whose structure the reader accepts, with an issuer attribute of any string tag and any bytes. */
const oddIssuerCertificate = fc.record({ tag: fc.constantFrom(0x0c, 0x13, 0x14, 0x16, 0x1c, 0x1e, 0x04, 0x30), value: fc.uint8Array({ maxLength: 24 }), type: fc.constantFrom(CN, [0x55, 0x04, 0x0a], [0x2a, 0x86, 0x48]) }).map(({ tag, value, type }) => {
  const issuer = der(0x30, der(0x31, der(0x30, oid(type), der(tag, value))));
  const algorithm = der(0x30, oid(SHA256_RSA), der(0x05));
  const tbs = der(0x30, der(0xa0, der(0x02, Uint8Array.of(2))), der(0x02, Uint8Array.of(1)), algorithm, issuer, der(0x30), issuer, der(0x30, algorithm));
  return der(0x30, tbs, algorithm, der(0x03, Uint8Array.of(0)));
});

/** A real certificate with a few bytes changed or cut short. */
const damagedCertificate = fc
  .record({ flips: fc.array(fc.record({ at: fc.nat(certificateDer.length - 1), byte: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 4 }), cut: fc.nat(certificateDer.length) })
  .map(({ flips, cut }) => {
    const copy = certificateDer.slice();
    for (const { at, byte } of flips) copy[at] = byte;
    return copy.subarray(0, Math.max(cut, copy.length - 64));
  });

const certificateInput = orGarbage<unknown>(oddIssuerCertificate, damagedCertificate, fc.constant(certificates.alipayCertPem), fc.string().map((body) => `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----`));

const keyText = fc.oneof(
  fc.constantFrom(...Object.values(keys.privateKeys), ...Object.values(keys.publicKeys)),
  fc.base64String(),
  fc.string().map((body) => `-----BEGIN PRIVATE KEY-----\n${body}\n-----END PRIVATE KEY-----`),
  fc.string().map((text) => `{${text}`),
);
const jwkLike = fc.record({ kty: orGarbage(fc.constant('RSA')), n: orGarbage(fc.base64String()), e: orGarbage(fc.constant('AQAB')), d: optional(orGarbage(fc.base64String())) }, { requiredKeys: ['kty'] });
const keyInput = orGarbage<unknown>(keyText, jwkLike, fc.uint8Array({ maxLength: 64 }), fc.constant(keys.privateDer));

// Answers a transport may hand back: any status, bytes that may or may not be a gateway answer.
const answerBody = fc.oneof(
  fc.uint8Array({ maxLength: 64 }),
  fc.json().map((text) => new TextEncoder().encode(text)),
  fc.record({ code: fc.oneof(fc.constantFrom('10000', '40004', 10000), fc.jsonValue()), msg: fc.jsonValue() }).map((node) => new TextEncoder().encode(JSON.stringify({ zhima_data_batch_feedback_response: node, sign: 'AAAA' }))),
);
const answer = fc.record({ status: fc.integer({ min: 100, max: 599 }), body: answerBody, headers: fc.dictionary(fc.constantFrom('content-type', 'server', 'location', 'set-cookie'), fc.string()) });
const cannedTransport = (response: Omit<HttpResponse, 'headers'> & { headers: Record<string, string> }): Transport => ({ send: async () => response });

const runs = { numRuns: 150 };

describe('nothing escapes the error tree', () => {
  it('createClient, whatever its config (no request sent)', async () => {
    const config = fc.record(
      {
        appId: orGarbage(fc.constant('2021000000000001')),
        privateKey: keyInput,
        alipayPublicKey: keyInput,
        certificates: optional(orGarbage(fc.record({ appCertificate: certificateInput, alipayRootCertificate: certificateInput, alipayCertificate: orGarbage(certificateInput, fc.array(certificateInput, { maxLength: 2 })) }))),
        charset: optional(orGarbage(fc.constantFrom('utf-8', 'GBK', 'latin1'))),
        signType: optional(orGarbage(fc.constantFrom('RSA2', 'RSA', 'RSA256'))),
        gateway: optional(garbage),
        appAuthToken: optional(garbage),
        transport: optional(orGarbage(fc.constant(cannedTransport({ status: 200, headers: {}, body: new Uint8Array() })), fc.record({ send: garbage }))),
        retry: optional(orGarbage<unknown>(fc.constant(false), fc.record({ attempts: garbage, baseDelayMs: garbage, maxDelayMs: garbage, deadlineMs: garbage, onAttempt: garbage }, { requiredKeys: [] }))),
        maxResponseBytes: optional(garbage),
        now: optional(garbage),
      },
      { requiredKeys: [] },
    );
    await fc.assert(fc.asyncProperty(orGarbage(config), (value) => staysInTree(() => createClient(value as ClientConfig))), runs);
  });

  it('a client call, whatever the input, the options and the answer', async () => {
    const client = (response: fc.Arbitrary<{ status: number; body: Uint8Array; headers: Record<string, string> }>) => response.map((canned) => createClient({ appId: '2021000000000001', privateKey: keys.privateKeys['pkcs8-pem'], alipayPublicKey: alipay.publicKeys['spki-pem'], transport: cannedTransport(canned), retry: false }));
    const feedbackInput = fc.record(
      {
        file: orGarbage<unknown>(fc.uint8Array({ maxLength: 16 }), fc.constant(new Blob(['{"records":[]}'])), fc.record({ stream: garbage, size: garbage }), fc.record({ open: garbage, size: garbage })),
        fileName: optional(garbage),
        columns: orGarbage<unknown>(fc.string(), fc.array(orGarbage(fc.string()), { maxLength: 3 })),
        primaryKeyColumns: orGarbage<unknown>(fc.string(), fc.array(fc.string(), { maxLength: 2 })),
        records: orGarbage(fc.integer()),
        fileCharset: optional(orGarbage(fc.string())),
        fileType: optional(garbage),
        fileDescription: optional(garbage),
        bizExtParams: optional(garbage),
      },
      { requiredKeys: [] },
    );
    const callOptions = optional(orGarbage(fc.record({ signal: garbage, onUploadProgress: garbage }, { requiredKeys: [] })));
    await fc.assert(
      fc.asyncProperty(client(answer), orGarbage(feedbackInput), callOptions, async (made, input, options) => {
        await staysInTree(() => made.batchFeedback(input as never, options as never));
      }),
      runs,
    );
    await fc.assert(
      fc.asyncProperty(client(answer), orGarbage(fc.string()), optional(orGarbage(fc.record({ bizContent: garbage, params: orGarbage(fc.dictionary(fc.string(), garbage)) }, { requiredKeys: [] }))), callOptions, async (made, method, params, options) => {
        await staysInTree(() => made.execute(method as string, params as never, options as never));
        await staysInTree(() => made.buildRequest({ method, params, files: garbage } as never));
      }),
      runs,
    );
  });

  it('the fetch transport, whatever its options and the request', async () => {
    // A closed local port: a request that does go out fails fast, never touching the network.
    const request = fc.record({ method: orGarbage(fc.constantFrom('GET', 'POST')), url: orGarbage(fc.constant('http://127.0.0.1:9/gateway.do?sign=x')), headers: orGarbage(fc.dictionary(fc.string(), garbage)), body: optional(garbage) }, { requiredKeys: [] });
    const options = optional(orGarbage(fc.record({ fetch: garbage, timeoutMs: garbage, maxResponseBytes: garbage, headers: garbage, streamRedirect: garbage }, { requiredKeys: [] })));
    await fc.assert(
      fc.asyncProperty(options, orGarbage(request), optional(orGarbage(fc.record({ signal: garbage, maxResponseBytes: garbage, onUploadProgress: garbage }, { requiredKeys: [] }))), async (transportOptions, sent, sendOptions) => {
        let transport: Transport | undefined;
        await staysInTree(() => {
          transport = createFetchTransport(transportOptions as never);
        });
        if (transport) await staysInTree(() => transport!.send(sent as never, sendOptions as never));
      }),
      { numRuns: 100 },
    );
  });

  it('keys: importPrivateKey, importPublicKey', async () => {
    await fc.assert(
      fc.asyncProperty(keyInput, async (key) => {
        await staysInTree(() => importPrivateKey({ key } as never));
        await staysInTree(() => importPublicKey({ key } as never));
      }),
      runs,
    );
    await staysInTree(() => importPrivateKey(undefined as never));
  });

  it('signContent and verifySignature, keys of the wrong role included', async () => {
    const privateKey = await importPrivateKey({ key: keys.privateKeys['pkcs8-pem'] });
    const publicKey = await importPublicKey({ key: keys.publicKeys['spki-pem'] });
    const slot = orGarbage<unknown>(fc.constant(privateKey), fc.constant(publicKey), keyInput);
    const options = fc.record({ content: orGarbage(fc.string()), privateKey: slot, publicKey: slot, signature: orGarbage(fc.base64String()), signType: optional(garbage), charset: optional(orGarbage(fc.constantFrom('gbk', 'gb2312', 'utf8'))) }, { requiredKeys: [] });
    await fc.assert(
      fc.asyncProperty(orGarbage(options), async (given) => {
        await staysInTree(() => signContent(given as never));
        await staysInTree(() => verifySignature(given as never));
      }),
      runs,
    );
  });

  it('verifyResponse, whatever the answer and the keys', async () => {
    const options = fc.record(
      { body: orGarbage<unknown>(answerBody, fc.string()), method: orGarbage(fc.constant('zhima.data.batch.feedback')), alipayPublicKey: optional(orGarbage(fc.constant(alipay.publicKeys['spki-pem']), keyInput)), alipayCertificates: optional(orGarbage(certificateInput, fc.array(certificateInput, { maxLength: 2 }))), signType: optional(garbage), charset: optional(garbage), contentType: optional(garbage) },
      { requiredKeys: [] },
    );
    await fc.assert(fc.asyncProperty(orGarbage(options), (given) => staysInTree(() => verifyResponse(given as never))), runs);
  });

  it('certificate SNs, on hostile issuers and damaged certificates', async () => {
    await fc.assert(
      fc.asyncProperty(certificateInput, async (certificate) => {
        await staysInTree(() => getCertificateSn({ certificate } as never));
        await staysInTree(() => getRootCertificateSn({ certificates: certificate } as never));
      }),
      { numRuns: 400 },
    );
  });

  it('formatTimestamp, batchFeedbackCall, classifyFailure and the shared readers', async () => {
    await fc.assert(
      fc.asyncProperty(garbage, garbage, async (first, second) => {
        await staysInTree(() => formatTimestamp(first as never));
        await staysInTree(() => formatTimestamp({ date: first } as never));
        await staysInTree(() => batchFeedbackCall(first as never));
        await staysInTree(() => classifyFailure(first as never));
        await staysInTree(() => classifyFailure({ error: first }));
        await staysInTree(() => parseColumnList({ value: first, name: 'columns' } as never));
        await staysInTree(() => normalizeFileCharset({ fileCharset: first } as never));
        await staysInTree(() => normalizeCharset({ charset: first } as never));
        await staysInTree(() => encodeText({ text: first, charset: second } as never));
        await staysInTree(() => decodeText({ bytes: first, charset: second } as never));
        await staysInTree(() => buildSignContent(first as never));
      }),
      { numRuns: 300 },
    );
    for (const date of [new Date(Number.NaN), new Date(8.64e15), new Date(-8.64e15)]) await staysInTree(() => formatTimestamp({ date }));
  });

  it('generateKeyPair, whatever its options', async () => {
    await fc.assert(fc.asyncProperty(orGarbage(fc.record({ modulusLength: orGarbage(fc.integer()) }, { requiredKeys: [] })), (options) => staysInTree(() => generateKeyPair(options as never))), { numRuns: 40 });
  });
});
