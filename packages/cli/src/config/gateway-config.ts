import { resolve } from 'node:path';
import { PRODUCTION_GATEWAY } from '@zhima/core';
import { normalizeCharset, type CertificateConfig, type Charset, type PrivateKeyInput, type PublicKeyInput, type SignType } from '@zhima/core/internal';
import type { CliIo } from '../io.js';
import { readKeyFile as readAnyKeyFile } from '../keys/read-key-file.js';
import { UsageError } from '../usage-error.js';
import type { ConfigFile } from './config-file.js';
import { checkGatewayUrl } from './gateway-url.js';

/**
 * Who calls the gateway and how, resolved from flags, then environment variables, then the config file.
 * `privateKey` holds key text: pass it to the client, never print it.
 *
 * @example
 * ```ts
 * const client = createClient({ ...gatewayConfig, transport });
 * ```
 */
export interface GatewayConfig {
  appId: string;
  /** Text (PEM, base64) or DER bytes, as read. */
  privateKey: PrivateKeyInput;
  /** Absent in certificate mode, and when the command verifies no answers (`--dry-run`). */
  alipayPublicKey: PublicKeyInput | undefined;
  /** Certificate mode (公钥证书模式): the app, Alipay root and Alipay certificates. */
  certificates: CertificateConfig | undefined;
  gateway: string;
  signType: SignType;
  charset: Charset;
  appAuthToken: string | undefined;
}

/**
 * The flags that override the environment and the config file.
 *
 * @example
 * ```ts
 * const flags: GatewayFlags = { 'app-id': '2021000000000001', gateway: 'http://127.0.0.1:8787/gateway.do' };
 * ```
 */
export interface GatewayFlags {
  'app-id'?: string;
  'private-key-file'?: string;
  'alipay-public-key-file'?: string;
  gateway?: string;
  'sign-type'?: string;
  'request-charset'?: string;
  'app-cert-file'?: string;
  'alipay-root-cert-file'?: string;
  'alipay-cert-file'?: string;
}

const KEY_HINT =
  'Set ZHIMA_PRIVATE_KEY_FILE (or pass --private-key-file, or "privateKeyFile" in zhima.config.json); `zhima keys generate` makes a key pair.';

/**
 * What to do when no Alipay public key is configured.
 *
 * @example
 * ```ts
 * throw new UsageError({ message: 'No Alipay public key.', hint: PUBLIC_KEY_HINT });
 * ```
 */
export const PUBLIC_KEY_HINT =
  'Set ZHIMA_ALIPAY_PUBLIC_KEY_FILE (the 支付宝公钥 from the console, not your app public key), or pass --alipay-public-key-file.';

function readKeyFile({ path, io, what }: { path: string; io: CliIo; what: string }): Promise<string | Uint8Array> {
  return readAnyKeyFile({ path: resolve(io.cwd, path), what, shownAs: path });
}

/**
 * The first setting that is present and not empty, in precedence order.
 *
 * @example
 * ```ts
 * firstDefined(flags.gateway, env.ZHIMA_GATEWAY, file.gateway); // the flag if given, else the variable, …
 * ```
 */
export function firstDefined<T>(...values: (T | undefined)[]): T | undefined {
  return values.find((value) => value !== undefined && value !== '');
}

/**
 * Parses a sign type name.
 *
 * @example
 * ```ts
 * toSignType('rsa2'); // 'RSA2'
 * ```
 */
export function toSignType(value: string): SignType {
  const upper = value.toUpperCase();
  if (upper !== 'RSA2' && upper !== 'RSA') throw new UsageError({ message: `The sign type must be RSA2 or RSA, got "${value}".` });
  return upper;
}

type Sources = { flags: GatewayFlags; file: ConfigFile; io: CliIo };

/**
 * The private key (text, or DER bytes): `--private-key-file`, `ZHIMA_PRIVATE_KEY_FILE`, `ZHIMA_PRIVATE_KEY`, then the
 * config file's `privateKeyFile`. Throws `UsageError` saying what to set when there is none.
 *
 * @example
 * ```ts
 * const privateKey = await resolvePrivateKey({ flags: values, file, io });
 * ```
 */
export async function resolvePrivateKey({ flags, file, io }: Sources): Promise<PrivateKeyInput> {
  const path = firstDefined(flags['private-key-file'], io.env.ZHIMA_PRIVATE_KEY_FILE);
  if (path !== undefined) return readKeyFile({ path, io, what: 'private key' });
  const inline = firstDefined(io.env.ZHIMA_PRIVATE_KEY);
  if (inline !== undefined) return inline;
  if (file.privateKeyFile !== undefined) return readKeyFile({ path: file.privateKeyFile, io, what: 'private key' });
  throw new UsageError({ message: 'No private key.', hint: KEY_HINT });
}

/**
 * The Alipay public key (支付宝公钥) that answers are verified with, if configured.
 *
 * @example
 * ```ts
 * const alipayPublicKey = await resolveAlipayPublicKey({ flags: values, file, io });
 * ```
 */
export async function resolveAlipayPublicKey({ flags, file, io }: Sources): Promise<PublicKeyInput | undefined> {
  const path = firstDefined(flags['alipay-public-key-file'], io.env.ZHIMA_ALIPAY_PUBLIC_KEY_FILE);
  if (path !== undefined) return readKeyFile({ path, io, what: 'Alipay public key' });
  const inline = firstDefined(io.env.ZHIMA_ALIPAY_PUBLIC_KEY);
  if (inline !== undefined) return inline;
  if (file.alipayPublicKeyFile !== undefined) return readKeyFile({ path: file.alipayPublicKeyFile, io, what: 'Alipay public key' });
  return file.alipayPublicKey;
}

/**
 * Certificate mode, when any of the three certificate files is configured (flags, then
 * `ZHIMA_APP_CERT_FILE`, `ZHIMA_ALIPAY_ROOT_CERT_FILE`, `ZHIMA_ALIPAY_CERT_FILE`, then the config file);
 * then all three are required.
 *
 * @example
 * ```ts
 * const certificates = await resolveCertificates({ flags: { 'app-cert-file': 'appCertPublicKey.crt', … }, file: {}, io });
 * ```
 */
export async function resolveCertificates({ flags, file, io }: Sources): Promise<CertificateConfig | undefined> {
  const paths = {
    appCertificate: firstDefined(flags['app-cert-file'], io.env.ZHIMA_APP_CERT_FILE, file.appCertFile),
    alipayRootCertificate: firstDefined(flags['alipay-root-cert-file'], io.env.ZHIMA_ALIPAY_ROOT_CERT_FILE, file.alipayRootCertFile),
    alipayCertificate: firstDefined(flags['alipay-cert-file'], io.env.ZHIMA_ALIPAY_CERT_FILE, file.alipayCertFile),
  };
  const given = Object.values(paths).filter((path) => path !== undefined);
  if (given.length === 0) return undefined;
  if (given.length < 3) {
    throw new UsageError({
      message: 'Certificate mode needs all three certificates.',
      hint: 'Set ZHIMA_APP_CERT_FILE (appCertPublicKey_<appId>.crt), ZHIMA_ALIPAY_ROOT_CERT_FILE (alipayRootCert.crt) and ZHIMA_ALIPAY_CERT_FILE (alipayCertPublicKey_RSA2.crt).',
    });
  }
  return {
    appCertificate: await readKeyFile({ path: paths.appCertificate!, io, what: 'app certificate' }),
    alipayRootCertificate: await readKeyFile({ path: paths.alipayRootCertificate!, io, what: 'Alipay root certificate' }),
    alipayCertificate: await readKeyFile({ path: paths.alipayCertificate!, io, what: 'Alipay certificate' }),
  };
}

/**
 * The sign type and the request charset (`--request-charset`, `ZHIMA_REQUEST_CHARSET`, `requestCharset`).
 *
 * @example
 * ```ts
 * const { signType, charset } = resolveEncoding({ flags: { 'sign-type': 'RSA' }, file: {}, io }); // 'RSA', 'utf-8'
 * ```
 */
export function resolveEncoding({ flags, file, io }: Sources): { signType: SignType; charset: Charset } {
  if (firstDefined(io.env.ZHIMA_CHARSET) !== undefined) {
    throw new UsageError({
      message: 'ZHIMA_CHARSET is set, and zhima no longer reads it: the name did not say which charset it meant.',
      hint: 'Set ZHIMA_REQUEST_CHARSET (utf-8 or gbk) for the request charset, or the records file charset with --file-charset / "fileCharset"; then unset ZHIMA_CHARSET.',
    });
  }
  const name = firstDefined(flags['request-charset'], io.env.ZHIMA_REQUEST_CHARSET, file.requestCharset) ?? 'utf-8';
  let charset: Charset;
  try {
    charset = normalizeCharset({ charset: name });
  } catch {
    throw new UsageError({ message: `The request charset (--request-charset) must be utf-8, gbk or gb2312, got "${name}".` });
  }
  return { signType: toSignType(firstDefined(flags['sign-type'], io.env.ZHIMA_SIGN_TYPE, file.signType) ?? 'RSA2'), charset };
}

/**
 * The gateway URL (`--gateway`, `ZHIMA_GATEWAY`, `gateway`), checked before any work (see `checkGatewayUrl`).
 *
 * @example
 * ```ts
 * resolveGateway({ flags: {}, file: {}, io }); // 'https://openapi.alipay.com/gateway.do'
 * ```
 */
export function resolveGateway({ flags, file, io }: Sources): string {
  const sources: [string | undefined, string][] = [
    [flags.gateway, '--gateway'],
    [io.env.ZHIMA_GATEWAY, 'ZHIMA_GATEWAY'],
    [file.gateway, '"gateway" in zhima.config.json'],
  ];
  const [url, from] = sources.find(([value]) => value !== undefined && value !== '') ?? [PRODUCTION_GATEWAY, 'the default'];
  return checkGatewayUrl({ url: url!, from });
}

/**
 * Resolves everything a client needs; throws `UsageError` naming the variable to set when something
 * needed is missing.
 *
 * @example
 * ```ts
 * const config = await resolveGatewayConfig({ flags: values, file: await loadConfigFile({ path: values.config, io }), io, needsAlipayPublicKey: true });
 * ```
 */
export async function resolveGatewayConfig({ flags, file, io, needsAlipayPublicKey }: Sources & { needsAlipayPublicKey: boolean }): Promise<GatewayConfig> {
  const appId = firstDefined(flags['app-id'], io.env.ZHIMA_APP_ID, file.appId);
  if (appId === undefined) throw new UsageError({ message: 'No app id.', hint: 'Set ZHIMA_APP_ID, pass --app-id, or put "appId" in zhima.config.json.' });
  const privateKey = await resolvePrivateKey({ flags, file, io });
  const certificates = await resolveCertificates({ flags, file, io });
  const alipayPublicKey = certificates === undefined ? await resolveAlipayPublicKey({ flags, file, io }) : undefined;
  if (certificates === undefined && alipayPublicKey === undefined && needsAlipayPublicKey) {
    throw new UsageError({ message: 'No Alipay public key to verify answers with.', hint: PUBLIC_KEY_HINT });
  }
  return {
    appId,
    privateKey,
    alipayPublicKey,
    certificates,
    gateway: resolveGateway({ flags, file, io }),
    ...resolveEncoding({ flags, file, io }),
    appAuthToken: firstDefined(io.env.ZHIMA_APP_AUTH_TOKEN, file.appAuthToken),
  };
}
