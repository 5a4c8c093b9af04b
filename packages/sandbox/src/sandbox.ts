import { generateKeyPair, ZhimaError } from '@zhima/core';
import { base64ToBytes } from '@zhima/core/internal';
import type { FieldRules } from '@zhima/validator';
import { CallLog, type SandboxCall } from './call-log.js';
import type { RotateAlipayCertificateOptions, RotatedAlipayCertificate } from './certificates/keyring.js';
import { createFaultPlan, type FaultOptions } from './faults.js';
import { answerGatewayCall, type GatewayState } from './gateway/handle-call.js';
import type { SandboxServer } from './sandbox-server.js';
import { resolveScenes, type SandboxScene } from './scenes.js';
import { registerApps, setupAlipay, type AlipayKeyOptions, type SandboxApp } from './setup.js';
import { RecordStore, type AcceptedUpload, type StoredRecord } from './store.js';
import { handleToolingRequest, TOOLING_PREFIX, type ToolingState } from './tooling.js';

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
  /** Template rules batch-feedback files (and scene `8` by default) must pass, e.g. `loanTemplateRules` from `@zhima/validator`; none by default. */
  rules?: FieldRules;
  /**
   * Scenes for closeloop and single uploads, added to the default scene `8` (the loan template's
   * columns with `rules`), or replacing it when one has code `8`.
   */
  scenes?: readonly SandboxScene[];
  /** Larger request bodies are refused (HTTP 413) without being held. Defaults to 60 MiB. */
  maxBodyBytes?: number;
  /** How far `timestamp` may be from the sandbox clock. Defaults to 15 minutes, as the gateway. */
  maxClockSkewMs?: number;
  /** The sandbox clock (timestamps, certificate validity). Defaults to the machine clock. */
  now?: () => Date;
}

/**
 * An app the sandbox accepts, as configured; `privateKey` is present only for an app it generated.
 *
 * @example
 * ```ts
 * const [app] = sandbox.apps; // { appId: '2021000000000001', publicKey: '-----BEGIN PUBLIC KEY-----…', privateKey: '-----BEGIN PRIVATE KEY-----…', appCertificate: undefined }
 * ```
 */
export interface SandboxAppInfo {
  appId: string;
  /** PEM or base64 as given (PEM for a generated app); `undefined` for certificate-mode apps given by certificate. */
  publicKey: string | undefined;
  privateKey: string | undefined;
  /** The app public-key certificate (PEM) of a certificate-mode app: as given, or issued by the sandbox's root. */
  appCertificate: string | undefined;
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
 * sandbox.storedRecords({ appId: '2021000000000001' }).length;
 * sandbox.calls().at(-1); // { method: 'zhima.data.batch.feedback', traceId: '0b8c…', code: '10000', … }
 * await server.close();
 * ```
 */
export interface Sandbox {
  fetch: (request: Request) => Promise<Response>;
  listen: (options?: { port?: number; host?: string }) => Promise<SandboxServer>;
  /**
   * The records accepted for an app, each primary key once: batch feedback, or with `sceneCode` the
   * closeloop and single uploads of that scene. (`records` is a count everywhere in the protocol, so the
   * list has its own name.)
   */
  storedRecords: (options: { appId: string; sceneCode?: string }) => StoredRecord[];
  /** The accepted file uploads of an app in arrival order (batch feedback and closeloop): a file accepted twice shows twice. */
  uploads: (options: { appId: string }) => AcceptedUpload[];
  /** Forgets accepted records (every scene) and uploads: of one app, or (no `appId`) of all. */
  clearRecords: (options?: { appId?: string }) => void;
  /** Every gateway call in arrival order: method, app, request and trace id, code, sizes; never values, records, keys or signatures. */
  calls: () => SandboxCall[];
  clearCalls: () => void;
  /**
   * Replaces the Alipay certificate mid-run (公钥证书模式): a new key pair and certificate, issued by the
   * sandbox's root (or, `chained: false`, by an impostor root), signing later answers to
   * certificate-mode apps under its new `alipay_cert_sn`, and served by
   * `alipay.open.app.alipaycert.download`. Needs `generateCertificates: true`.
   */
  rotateAlipayCertificate: (options?: RotateAlipayCertificateOptions) => Promise<RotatedAlipayCertificate>;
  /** Clients verify answers with this (PEM; in certificate mode the Alipay certificate at creation). */
  readonly alipayPublicKey: string;
  /** PKCS#8 PEM of the Alipay key, when the sandbox generated it. */
  readonly alipayPrivateKey: string | undefined;
  /** Certificate mode: the Alipay certificate answers are signed under now (changes on rotation). */
  readonly alipayCertificate: string | undefined;
  /** Certificate mode: its SN, the `alipay_cert_sn` of answers now. */
  readonly alipayCertSn: string | undefined;
  /** Certificate mode: the Alipay root bundle (PEM) a client checks downloaded certificates against. */
  readonly alipayRootCertificate: string | undefined;
  readonly apps: SandboxAppInfo[];
}

const GATEWAY_PATHS = new Set(['/gateway.do', '/']);
const DEFAULT_APP_ID = '2021000000000001';

/**
 * Creates a sandbox gateway that speaks the real protocol for the Zhima data-feedback family
 * (`zhima.data.batch.feedback`, `zhima.data.feedbackurl.query`, `zhima.merchant.closeloop.data.upload`,
 * `zhima.merchant.single.data.upload`, `zhima.merchant.data.upload.initialize`) and
 * `alipay.open.app.alipaycert.download`: public params in the query (any request charset), multipart
 * or urlencoded bodies, the gateway's signature and timestamp checks and answers, `@zhima/validator`'s
 * business checks, signed answers with a `trace_id` header, records upserted per app and scene, a call
 * log, certificate rotation and seeded fault injection.
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
  const { faults, rules, scenes, maxBodyBytes = 60 * 1024 * 1024, maxClockSkewMs = 15 * 60 * 1000, now = () => new Date() } = options;
  for (const [name, value] of Object.entries({ maxBodyBytes, maxClockSkewMs })) {
    if (!(Number.isSafeInteger(value) && value > 0)) {
      throw new ZhimaError({ code: 'PARAM_INVALID', message: `${name} must be a positive integer, got ${value}.`, hint: 'Leave it out for the default (60 MiB bodies, 15 minutes of clock skew).' });
    }
  }
  const nextFault = createFaultPlan({ faults });
  const resolvedScenes = resolveScenes({ scenes, rules });
  const alipay = await setupAlipay({ ...options, now });
  let apps: readonly SandboxApp[];
  let appInfos: SandboxAppInfo[];
  if (options.apps === undefined) {
    const pair = await generateKeyPair();
    // With generated certificates the generated app is a certificate-mode app too, its certificate from the sandbox's root.
    const appCertificate = options.generateCertificates ? await alipay.keyring.issueAppCertificate({ appId: DEFAULT_APP_ID, subjectPublicKey: base64ToBytes({ text: pair.publicKeyBase64 }) }) : undefined;
    apps = [appCertificate === undefined ? { appId: DEFAULT_APP_ID, publicKey: pair.publicKeyPem } : { appId: DEFAULT_APP_ID, appCertificate }];
    appInfos = [{ appId: DEFAULT_APP_ID, publicKey: pair.publicKeyPem, privateKey: pair.privateKeyPkcs8Pem, appCertificate }];
  } else {
    apps = options.apps;
    appInfos = apps.map((app) => ({ appId: app.appId, publicKey: typeof app.publicKey === 'string' ? app.publicKey : undefined, privateKey: undefined, appCertificate: app.appCertificate }));
  }
  const registered = await registerApps({ apps, alipay });
  const store = new RecordStore();
  const calls = new CallLog();
  const state: GatewayState = {
    apps: registered,
    keyring: alipay.keyring,
    alipayRootCertSn: alipay.alipayRootCertSn,
    store,
    scenes: resolvedScenes,
    feedbackRules: rules,
    calls,
    nextFault,
    now,
    maxBodyBytes,
    maxClockSkewMs,
  };
  const tooling: ToolingState = {
    store,
    calls,
    keyring: alipay.keyring,
    scenes: resolvedScenes,
    appIds: [...registered.keys()],
    alipayPublicKey: alipay.publicKey,
    alipayRootCertificate: alipay.alipayRootCertificate,
  };

  const fetch = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    if (url.pathname.startsWith(TOOLING_PREFIX)) return handleToolingRequest({ request, url, tooling });
    if (!GATEWAY_PATHS.has(url.pathname)) return new Response(`Not found: the gateway is at /gateway.do\n`, { status: 404 });
    if (request.method !== 'POST' && request.method !== 'GET') return new Response('Method not allowed: use POST (or GET)\n', { status: 405, headers: { allow: 'POST, GET' } });
    return answerGatewayCall({ request, state });
  };

  return {
    fetch,
    listen: async ({ port = 0, host = '127.0.0.1' } = {}) => {
      const { serveFetchHandler } = await import('./node/serve.js');
      return serveFetchHandler({ handler: fetch, port, host });
    },
    storedRecords: ({ appId, sceneCode }) => store.records({ appId, sceneCode }),
    uploads: ({ appId }) => store.uploads({ appId }),
    clearRecords: ({ appId } = {}) => store.clear({ appId }),
    calls: () => calls.list(),
    clearCalls: () => calls.clear(),
    rotateAlipayCertificate: (rotation) => alipay.keyring.rotate(rotation),
    alipayPublicKey: alipay.publicKey,
    alipayPrivateKey: alipay.generatedPrivateKey,
    get alipayCertificate() {
      return alipay.keyring.current?.certificate;
    },
    get alipayCertSn() {
      return alipay.keyring.current?.sn;
    },
    alipayRootCertificate: alipay.alipayRootCertificate,
    apps: appInfos,
  };
}
