import { generateKeyPair, ZhimaError, type Charset } from '@zhima/core';
import type { FieldRules } from '@zhima/validator';
import { Rejection, serviceUnavailable, type Answer, type AnswerPlacement } from './gateway/answers.js';
import { identifyCaller, verifyCaller } from './gateway/authenticate.js';
import { readGatewayRequest } from './gateway/read-request.js';
import { renderAnswer, type Signing } from './gateway/render.js';
import { createFaultPlan, type Fault, type FaultOptions } from './faults.js';
import { BATCH_FEEDBACK, batchFeedback } from './methods/batch-feedback.js';
import { FEEDBACK_URL_QUERY, feedbackUrlQuery } from './methods/feedback-url-query.js';
import { registerApps, setupAlipayKeys, type AlipayKeyOptions, type SandboxApp } from './setup.js';
import { RecordStore, type AcceptedUpload, type StoredRecord } from './store.js';
import { handleToolingRequest, TOOLING_PREFIX } from './tooling.js';

/**
 * Options of {@link createSandbox}. Everything is optional: with none, the sandbox generates its Alipay
 * key pair and one app (`2021000000000001`) with its own key pair, both readable from the sandbox.
 *
 * @example
 * ```ts
 * const options: SandboxOptions = { apps: [{ appId: '2021000000000001', publicKey: appPublicKeyPem }], faults: { seed: 7, unavailable: 0.3 } };
 * ```
 */
export interface SandboxOptions extends AlipayKeyOptions {
  apps?: readonly SandboxApp[];
  faults?: FaultOptions;
  /** Template rules uploads must pass (e.g. `loanTemplateRules` from `@zhima/validator`); none by default. */
  rules?: FieldRules;
  /** Larger request bodies are refused (HTTP 413) without being held. Defaults to 60 MiB. */
  maxBodyBytes?: number;
  /** How far `timestamp` may be from the sandbox clock. Defaults to 15 minutes, as the gateway. */
  maxClockSkewMs?: number;
  /** The sandbox clock. Defaults to the machine clock. */
  now?: () => Date;
}

/**
 * An app the sandbox accepts, as configured; `privateKey` is present only for an app it generated.
 *
 * @example
 * ```ts
 * const [app] = sandbox.apps; // { appId: '2021000000000001', publicKey: '-----BEGIN PUBLIC KEY-----…', privateKey: '-----BEGIN PRIVATE KEY-----…' }
 * ```
 */
export interface SandboxAppInfo {
  appId: string;
  /** PEM or base64 as given; `undefined` for certificate-mode apps. */
  publicKey: string | undefined;
  privateKey: string | undefined;
}

/**
 * A server started by {@link Sandbox.listen}.
 *
 * @example
 * ```ts
 * const server: SandboxServer = await sandbox.listen();
 * console.log(server.gatewayUrl); // 'http://127.0.0.1:41234/gateway.do'
 * await server.close();
 * ```
 */
export interface SandboxServer {
  /** `http://host:port`, no trailing slash. */
  url: string;
  /** Where clients send gateway calls: `${url}/gateway.do`. */
  gatewayUrl: string;
  close(): Promise<void>;
}

/**
 * A local gateway. `fetch` is a portable `(Request) => Promise<Response>` handler (call it in-process,
 * or mount it in any fetch-style server); `listen` serves it on node:http.
 *
 * @example
 * ```ts
 * const sandbox = await createSandbox();
 * const server = await sandbox.listen();
 * // … point a client at server.gatewayUrl, verifying answers with sandbox.alipayPublicKey …
 * sandbox.records('2021000000000001').length;
 * await server.close();
 * ```
 */
export interface Sandbox {
  fetch: (request: Request) => Promise<Response>;
  listen: (options?: { port?: number; host?: string }) => Promise<SandboxServer>;
  /** The records accepted for an app, each primary key once. */
  records: (appId: string) => StoredRecord[];
  /** The accepted uploads of an app in arrival order: a file accepted twice shows twice. */
  uploads: (appId: string) => AcceptedUpload[];
  /** Forgets accepted records and uploads: of one app, or of all. */
  clearRecords: (appId?: string) => void;
  /** Clients verify answers with this (PEM; in certificate mode the Alipay certificate). */
  alipayPublicKey: string;
  /** PKCS#8 PEM of the Alipay key, when the sandbox generated it. */
  alipayPrivateKey: string | undefined;
  apps: SandboxAppInfo[];
}

const GATEWAY_PATHS = new Set(['/gateway.do', '/']);
const METHODS = new Set([BATCH_FEEDBACK, FEEDBACK_URL_QUERY]);
const DEFAULT_APP_ID = '2021000000000001';

function delay(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}

// A body that delivers half its bytes and then fails: the node server turns the failure into a
// destroyed socket, an in-process caller sees its read reject.
function cutBody(bytes: Uint8Array): ReadableStream<Uint8Array> {
  let delivered = false;
  return new ReadableStream({
    // Erroring a stream drops what is queued, so the half goes out on one pull and the error on the next.
    pull(controller) {
      if (delivered) {
        controller.error(new Error('sandbox fault: connection cut mid-response'));
      } else {
        delivered = true;
        controller.enqueue(bytes.slice(0, Math.floor(bytes.length / 2)));
      }
    },
  });
}

function answerResponse({ bytes, charset, status, fault }: { bytes: Uint8Array; charset: Charset; status: number; fault: Fault }): Response {
  const headers = { 'content-type': `application/json;charset=${charset.toUpperCase()}`, 'content-length': String(bytes.length) };
  return new Response(fault.outcome === 'cut' ? cutBody(bytes) : (bytes as Uint8Array<ArrayBuffer>), { status, headers });
}

/**
 * Creates a sandbox gateway that speaks the real protocol for `zhima.data.batch.feedback` and
 * `zhima.data.feedbackurl.query`: public params in the query (any request charset), multipart or
 * urlencoded bodies, the gateway's signature and timestamp checks and answers, `@zhima/validator`'s
 * business checks, signed answers, records upserted per app, and seeded fault injection.
 *
 * @example
 * ```ts
 * import { createSandbox } from '@zhima/sandbox';
 *
 * const sandbox = await createSandbox({ apps: [{ appId: '2021000000000001', publicKey: appPublicKeyPem }] });
 * const response = await sandbox.fetch(new Request('http://sandbox/gateway.do?app_id=…', { method: 'POST', body }));
 * ```
 */
export async function createSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const { faults, rules, maxBodyBytes = 60 * 1024 * 1024, maxClockSkewMs = 15 * 60 * 1000, now = () => new Date() } = options;
  for (const [name, value] of Object.entries({ maxBodyBytes, maxClockSkewMs })) {
    if (!(Number.isSafeInteger(value) && value > 0)) {
      throw new ZhimaError({ code: 'PARAM_INVALID', message: `${name} must be a positive integer, got ${value}.`, hint: 'Leave it out for the default (60 MiB bodies, 15 minutes of clock skew).' });
    }
  }
  const nextFault = createFaultPlan({ faults });
  const keys = await setupAlipayKeys(options);
  let appInfos: SandboxAppInfo[];
  let apps: readonly SandboxApp[];
  if (options.apps === undefined) {
    const pair = await generateKeyPair();
    apps = [{ appId: DEFAULT_APP_ID, publicKey: pair.publicKeyPem }];
    appInfos = [{ appId: DEFAULT_APP_ID, publicKey: pair.publicKeyPem, privateKey: pair.privateKeyPkcs8Pem }];
  } else {
    apps = options.apps;
    appInfos = apps.map((app) => ({ appId: app.appId, publicKey: typeof app.publicKey === 'string' ? app.publicKey : undefined, privateKey: undefined }));
  }
  const registered = await registerApps({ apps, keys });
  const store = new RecordStore();

  async function answerGatewayCall(request: Request): Promise<Response> {
    const fault = nextFault();
    let charset: Charset = 'utf-8';
    let signing: Signing | undefined;
    let method: string | undefined;
    let answer: Answer;
    let placement: AnswerPlacement = 'method';
    let status = 200;
    try {
      const call = await readGatewayRequest({ request, maxBodyBytes });
      charset = call.charset;
      const { app, signType } = identifyCaller({ params: call.params, apps: registered });
      signing = { privateKey: keys.privateKey, signType, alipayCertSn: app.appCertSn === undefined ? undefined : keys.alipayCertSn };
      await verifyCaller({ params: call.params, charset, app, signType, methods: METHODS, now: now(), maxClockSkewMs, alipayRootCertSn: keys.alipayRootCertSn });
      method = call.params.method!;
      if (fault.outcome === 'unavailable') throw serviceUnavailable();
      answer =
        method === BATCH_FEEDBACK
          ? await batchFeedback({ appId: app.appId, params: call.params, files: call.files, store, rules })
          : feedbackUrlQuery({ params: call.params, origin: new URL(request.url).origin });
    } catch (error) {
      if (!(error instanceof Rejection)) throw error;
      ({ answer, placement, status } = error);
    }
    const rendered = await renderAnswer({ method, answer, placement, charset, signing });
    await delay(fault.delayMs);
    return answerResponse({ bytes: rendered.bytes, charset: rendered.charset, status, fault });
  }

  const fetch = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    if (url.pathname.startsWith(TOOLING_PREFIX)) return handleToolingRequest({ request, url, store, alipayPublicKey: keys.publicKey, appIds: [...registered.keys()] });
    if (!GATEWAY_PATHS.has(url.pathname)) return new Response(`Not found: the gateway is at /gateway.do\n`, { status: 404 });
    if (request.method !== 'POST' && request.method !== 'GET') return new Response('Method not allowed: use POST (or GET)\n', { status: 405, headers: { allow: 'POST, GET' } });
    try {
      return await answerGatewayCall(request);
    } catch (error) {
      // A sandbox bug must still answer something a client can read, never take the server down.
      const text = JSON.stringify({ error_response: { code: '20000', msg: 'Service Currently Unavailable', sub_code: 'aop.unknow-error', sub_msg: `sandbox internal error: ${(error as Error)?.message}` } });
      return new Response(text, { status: 500, headers: { 'content-type': 'application/json;charset=UTF-8' } });
    }
  };

  return {
    fetch,
    listen: async ({ port = 0, host = '127.0.0.1' } = {}) => {
      const { serveFetchHandler } = await import('./node/serve.js');
      return serveFetchHandler({ handler: fetch, port, host });
    },
    records: (appId) => store.records({ appId }),
    uploads: (appId) => store.uploads({ appId }),
    clearRecords: (appId) => store.clear({ appId }),
    alipayPublicKey: keys.publicKey,
    alipayPrivateKey: keys.generatedPrivateKey,
    apps: appInfos,
  };
}
