import { getCertificateSn, getRootCertificateSn, type CertificateInput } from '../certificates/certificate-sn.js';
import type { PrivateKeyInput, PublicKeyInput, SignType } from '../crypto/keys.js';
import { normalizeCharset, type Charset } from '../encoding/charset.js';
import { argumentError, requireObject, requireOptions, requireText } from '../errors/argument-checks.js';
import { createFetchTransport } from '../http/fetch-transport.js';
import { DEFAULT_MAX_RESPONSE_BYTES, checkedResponseLimit } from '../http/transfer/limits.js';
import type { Transport } from '../http/types.js';
import { PRODUCTION_GATEWAY, type GatewayContext } from '../request/gateway-request.js';
import { lazyClientKeys, type ClientKeys } from './client-keys.js';
import { checkedRetryOptions, type RetryOptions } from './retry.js';

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
  /** Alipay's public-key certificate; give several during a rotation. */
  alipayCertificate: CertificateInput | CertificateInput[];
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
  /** The clock for timestamps: called once per attempt. Default `() => new Date()`. */
  now?: () => Date;
} & ({ alipayPublicKey: PublicKeyInput; certificates?: undefined } | { certificates: CertificateConfig; alipayPublicKey?: undefined });


/** @internal A configuration checked once, with its defaults applied. */
export interface ResolvedConfig {
  context: Omit<GatewayContext, 'privateKey' | 'timestamp'>;
  keys: ClientKeys;
  transport: Transport;
  retry: RetryOptions | false;
  maxResponseBytes: number;
  now: () => Date;
}

const SIGN_TYPES: readonly SignType[] = ['RSA2', 'RSA'];

/**
 * @internal Checks a configuration as `createClient` receives it, possibly from JavaScript or a config
 * file: every wrong field is `PARAM_INVALID` (or `CERTIFICATE_INVALID`) naming it, before any request.
 * Keys are only read here when certificates carry them; the rest are parsed on first use.
 */
export function resolveClientConfig(config: ClientConfig): ResolvedConfig {
  requireOptions(config, 'createClient');
  const signType = config.signType ?? 'RSA2';
  if (!SIGN_TYPES.includes(signType)) throw argumentError({ name: 'signType', expected: "'RSA2' or 'RSA'", value: signType });
  const transport = config.transport ?? createFetchTransport();
  if (typeof (transport as Partial<Transport> | null)?.send !== 'function') throw argumentError({ name: 'transport', expected: 'an object with a send(request, options) function', value: transport });
  const now = config.now ?? (() => new Date());
  if (typeof now !== 'function') throw argumentError({ name: 'now', expected: 'a function returning a Date', value: now });
  if (config.appAuthToken !== undefined) requireText(config.appAuthToken, 'appAuthToken');
  const { certificates } = config;
  if (certificates !== undefined) requireObject(certificates, 'certificates');
  return {
    context: {
      gateway: requireText(config.gateway ?? PRODUCTION_GATEWAY, 'gateway'),
      appId: requireText(config.appId, 'appId'),
      signType,
      charset: normalizeCharset({ charset: config.charset ?? 'utf-8' }),
      appAuthToken: config.appAuthToken,
      certificateSns: certificates && {
        appCertSn: getCertificateSn({ certificate: certificates.appCertificate }),
        alipayRootCertSn: getRootCertificateSn({ certificates: certificates.alipayRootCertificate }),
      },
    },
    keys: lazyClientKeys(
      certificates ? { privateKey: config.privateKey, alipayCertificate: certificates.alipayCertificate } : { privateKey: config.privateKey, alipayPublicKey: config.alipayPublicKey! },
    ),
    transport,
    retry: config.retry === false ? false : checkedRetryOptions(config.retry ?? {}),
    maxResponseBytes: checkedResponseLimit({ value: config.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES }),
    now,
  };
}
