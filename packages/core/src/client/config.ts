import type { CertificateInput } from '../certificates/certificate-sn.js';
import type { PrivateKeyInput, PublicKeyInput, SignType } from '../crypto/keys.js';
import { normalizeCharset, type Charset } from '../encoding/charset.js';
import { argumentError, requireObject, requireOptions, requireText } from '../errors/argument-checks.js';
import { ZhimaError } from '../errors/zhima-error.js';
import { createFetchTransport } from '../http/fetch-transport.js';
import { DEFAULT_MAX_RESPONSE_BYTES, checkedResponseLimit } from '../http/transfer/limits.js';
import type { Transport } from '../http/types.js';
import { PRODUCTION_GATEWAY, type GatewayContext } from '../request/gateway-request.js';
import { checkGatewayUrl } from '../request/gateway-url.js';
import type { UnknownCertificateHandler } from '../response/verify-response.js';
import { lazyClientKeys, type ClientKeys } from './client-keys.js';
import { checkedRetryOptions, type RetryOptions } from './retry.js';
import type { RequestEvent, ResponseEvent } from './tracing.js';

/**
 * Certificate mode (公钥证书模式): the three `.crt` files from the Alipay console.
 *
 * @example
 * ```ts
 * const certificates: CertificateConfig = {
 *   appCertificate: readFileSync('appCertPublicKey_2021000000000001.crt', 'utf8'),
 *   alipayRootCertificate: readFileSync('alipayRootCert.crt', 'utf8'),
 *   alipayCertificate: readFileSync('alipayCertPublicKey_RSA2.crt', 'utf8'),
 * };
 * ```
 */
export interface CertificateConfig {
  appCertificate: CertificateInput;
  alipayRootCertificate: CertificateInput;
  /**
   * Alipay's public-key certificate; give several during a rotation. An answer signed under another
   * certificate (Alipay rotated it) makes the client download that one and trust it if it chains to
   * `alipayRootCertificate`: see `certificateStore`.
   */
  alipayCertificate: CertificateInput | CertificateInput[];
}

/**
 * Where a client keeps the Alipay certificates it downloaded after a rotation, so the next process
 * (tonight's CLI run) need not download them again: `get` gives the PEM stored for an SN (or nothing),
 * `set` stores one. Either may be async. What `get` returns is checked like a download — chain to the
 * root, validity dates — so a stale or altered copy is never trusted (it is downloaded afresh); what
 * either throws fails the call as `RESPONSE_UNVERIFIED`, with it as `cause`.
 *
 * @example
 * ```ts
 * const dir = '.zhima-certs';
 * const certificateStore: CertificateStore = {
 *   get: (sn) => readFile(join(dir, `${sn}.crt`), 'utf8').catch(() => undefined),
 *   set: async (sn, pem) => {
 *     await mkdir(dir, { recursive: true });
 *     await writeFile(join(dir, `${sn}.crt`), pem);
 *   },
 * };
 * ```
 */
export interface CertificateStore {
  get(sn: string): string | undefined | Promise<string | undefined>;
  set(sn: string, pem: string): void | Promise<void>;
}

/**
 * Client configuration. Keys may be in any supported format; they are parsed once, on first use, and
 * checked before the first request is sent: an `alipayPublicKey` that is a private key, or the public
 * half of `privateKey` (your app public key pasted in Alipay's slot), is refused with `KEY_INVALID`
 * (in certificate mode, your app certificate as `alipayCertificate`: `CERTIFICATE_INVALID`).
 *
 * @example
 * ```ts
 * const config: ClientConfig = { appId: '2021000000000001', privateKey, alipayPublicKey };
 * ```
 */
export type ClientConfig = {
  appId: string;
  privateKey: PrivateKeyInput;
  /** Default `RSA2`. */
  signType?: SignType;
  /** Request charset. Default `utf-8`. */
  charset?: Charset | string;
  /** Default: the production gateway. */
  gateway?: string;
  /** For third-party apps acting for a merchant (应用授权). */
  appAuthToken?: string;
  /** Default: `createFetchTransport()` (the runtime's `fetch`, 60 s inactivity timeout). `@zhima/transport/undici` adds pooling and proxies on Node. */
  transport?: Transport;
  /**
   * Default: 3 attempts with exponential backoff and full jitter, no attempt started after
   * `deadlineMs` (120 s; an attempt in flight is never cut); `false` for one attempt.
   */
  retry?: RetryOptions | false;
  /**
   * The largest answer accepted, in bytes (a gateway answer is a few KB). Passed to the transport,
   * which stops reading there, and checked again on what it returns. Default 1 MiB.
   */
  maxResponseBytes?: number;
  /** The clock for timestamps (called once per attempt) and for certificate validity. Default `() => new Date()`. */
  now?: () => Date;
  /**
   * Called for every attempt: `onRequest` once it is signed, before it is sent; `onResponse` when it
   * ended, with the answer's status, code, ids, sizes and per-phase durations (or the error's code).
   * Events hold no parameter values, record data, keys or signatures; a hook that throws is ignored.
   * Attempt outcomes (retry or not) go to `retry.onAttempt`.
   */
  hooks?: { onRequest?: (event: RequestEvent) => void; onResponse?: (event: ResponseEvent) => void };
  /**
   * One line per call (`key=value`: method, outcome, status, code, attempts, time, bytes, request and
   * trace id; no values): `true` writes it with `console.info`, a function receives it.
   */
  log?: boolean | ((line: string) => void);
  /** Certificate mode: where certificates downloaded after a rotation are kept between runs. */
  certificateStore?: CertificateStore;
} & ({ alipayPublicKey: PublicKeyInput; certificates?: undefined } | { certificates: CertificateConfig; alipayPublicKey?: undefined });


/** @internal A configuration checked once, with its defaults applied. */
export interface ResolvedConfig {
  /** Without the key, the moment and the certificate SNs: each attempt adds them (the SNs once read). */
  context: Omit<GatewayContext, 'privateKey' | 'timestamp' | 'certificateSns'>;
  keys: ClientKeys;
  transport: Transport;
  retry: RetryOptions | false;
  maxResponseBytes: number;
  now: () => Date;
  hooks: { onRequest?: ((event: RequestEvent) => void) | undefined; onResponse?: ((event: ResponseEvent) => void) | undefined };
  log: ((line: string) => void) | undefined;
  /** Certificate mode: the root bundle a rotated certificate must chain to, and the store. */
  rotation: { alipayRootCertificate: CertificateInput; store: CertificateStore | undefined } | undefined;
}

const SIGN_TYPES: readonly SignType[] = ['RSA2', 'RSA'];

/**
 * @internal Checks a configuration as `createClient` receives it, possibly from JavaScript or a config
 * file: every wrong field is `PARAM_INVALID` naming it, before any request. Keys and certificates are
 * parsed on first use (`KEY_INVALID`, `CERTIFICATE_INVALID` before anything is sent).
 */
export function resolveClientConfig(config: ClientConfig, { onUnknownCertificate }: { onUnknownCertificate?: UnknownCertificateHandler } = {}): ResolvedConfig {
  requireOptions(config, 'createClient');
  const signType = config.signType ?? 'RSA2';
  if (!SIGN_TYPES.includes(signType)) throw argumentError({ name: 'signType', expected: "'RSA2' or 'RSA'", value: signType });
  const transport = config.transport ?? createFetchTransport();
  if (typeof (transport as Partial<Transport> | null)?.send !== 'function') throw argumentError({ name: 'transport', expected: 'an object with a send(request, options) function', value: transport });
  const now = config.now ?? (() => new Date());
  if (typeof now !== 'function') throw argumentError({ name: 'now', expected: 'a function returning a Date', value: now });
  if (config.appAuthToken !== undefined) requireText(config.appAuthToken, 'appAuthToken');
  const { certificates, certificateStore, hooks = {}, log } = config;
  if (certificates !== undefined) {
    requireObject(certificates, 'certificates');
    for (const name of ['appCertificate', 'alipayRootCertificate', 'alipayCertificate'] as const) {
      if (certificates[name] === undefined) throw argumentError({ name: `certificates.${name}`, expected: 'the .crt file\'s text (PEM)', value: undefined });
    }
  }
  checkStore(certificateStore, certificates !== undefined);
  requireObject(hooks, 'hooks');
  for (const name of ['onRequest', 'onResponse'] as const) {
    if (hooks[name] !== undefined && typeof hooks[name] !== 'function') throw argumentError({ name: `hooks.${name}`, expected: 'a function', value: hooks[name] });
  }
  if (log !== undefined && typeof log !== 'boolean' && typeof log !== 'function') throw argumentError({ name: 'log', expected: 'true, false or a function taking a line', value: log });
  return {
    context: {
      gateway: checkGatewayUrl({ url: config.gateway ?? PRODUCTION_GATEWAY }),
      appId: checkedAppId(config.appId),
      signType,
      charset: normalizeCharset({ charset: config.charset ?? 'utf-8' }),
      appAuthToken: config.appAuthToken,
    },
    keys: lazyClientKeys(
      certificates
        ? { privateKey: config.privateKey, certificates: { ...certificates, onUnknownCertificate } }
        : { privateKey: config.privateKey, alipayPublicKey: config.alipayPublicKey! },
    ),
    transport,
    retry: config.retry === false ? false : checkedRetryOptions(config.retry ?? {}),
    maxResponseBytes: checkedResponseLimit({ value: config.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES }),
    now,
    hooks,
    // console is looked up when a line is written, so a test's or an app's replacement applies.
    log: log === true ? (line) => console.info(line) : log === false ? undefined : log,
    rotation: certificates && { alipayRootCertificate: certificates.alipayRootCertificate, store: certificateStore },
  };
}

// A blank app_id would be dropped from the request like any blank param: the gateway's isv.missing-app-id, after the upload.
function checkedAppId(appId: string): string {
  if (requireText(appId, 'appId').trim() === '') {
    throw new ZhimaError({ code: 'PARAM_INVALID', message: 'appId is blank.', hint: 'Give the app id from the Alipay console (开放平台 APPID, e.g. 2021000000000001).', option: 'appId' });
  }
  return appId;
}

function checkStore(store: CertificateStore | undefined, certificateMode: boolean): void {
  if (store === undefined) return;
  if (!certificateMode) {
    throw new ZhimaError({ code: 'PARAM_INVALID', message: 'certificateStore is given without certificates: it keeps rotated Alipay certificates, which only certificate mode uses.', hint: 'Remove certificateStore, or configure certificates (公钥证书模式).', option: 'certificateStore' });
  }
  if (typeof (store as Partial<CertificateStore> | null)?.get !== 'function' || typeof store.set !== 'function') {
    throw argumentError({ name: 'certificateStore', expected: 'an object with get(sn) and set(sn, pem) functions', value: store });
  }
}
