import {
  derivePublicKey,
  generateKeyPair,
  getCertificateSn,
  getRootCertificateSn,
  importPrivateKey,
  importPublicKey,
  toPem,
  ZhimaError,
  type PrivateKeyInput,
  type PublicKeyInput,
  type RsaKey,
} from '@zhima/core';
import type { RegisteredApp } from './gateway/authenticate.js';

/**
 * An app the sandbox accepts calls from: public-key mode (`publicKey`, the app public key uploaded to
 * the console) or certificate mode (`appCertificate`, the app public-key certificate PEM).
 *
 * @example
 * ```ts
 * const app: SandboxApp = { appId: '2021000000000001', publicKey: appPublicKeyPem };
 * ```
 */
export type SandboxApp = {
  appId: string;
  /** When given, `app_auth_token` (if sent) must be one of these; otherwise any token is accepted. */
  appAuthTokens?: readonly string[];
} & ({ publicKey: PublicKeyInput; appCertificate?: undefined } | { appCertificate: string; publicKey?: undefined });

/**
 * The Alipay side of the sandbox: its signing key and, for certificate mode, its certificates.
 *
 * @example
 * ```ts
 * const alipay: AlipayKeyOptions = { alipayPrivateKey, alipayPublicKey };
 * ```
 */
export interface AlipayKeyOptions {
  /** The key the sandbox signs answers with. Generated (RSA-2048) when absent. */
  alipayPrivateKey?: PrivateKeyInput;
  /** Its public key, handed to clients as `sandbox.alipayPublicKey`; derived from `alipayPrivateKey` when absent. */
  alipayPublicKey?: string;
  /** Certificate mode: the Alipay public-key certificate (PEM) whose key is `alipayPrivateKey`. */
  alipayCertificate?: string;
  /** Certificate mode: the Alipay root certificate bundle (PEM); its SN is the expected `alipay_root_cert_sn`. */
  alipayRootCertificate?: string;
}

/**
 * The Alipay keys in use, parsed once.
 *
 * @example
 * ```ts
 * const { privateKey, publicKeyPem } = await setupAlipayKeys({});
 * ```
 */
export interface AlipayKeys {
  privateKey: RsaKey<'private'>;
  /** What clients verify answers with: the given public key, or the certificate's, or the generated one. */
  publicKey: string;
  /** PKCS#8 PEM, only when the sandbox generated the key. */
  generatedPrivateKey: string | undefined;
  alipayCertSn: string | undefined;
  alipayRootCertSn: string | undefined;
}

function configError(message: string, hint: string): ZhimaError<'PARAM_INVALID'> {
  return new ZhimaError({ code: 'PARAM_INVALID', message, hint });
}

/**
 * Parses or generates the sandbox's Alipay key, and reads the certificate SNs for certificate mode.
 *
 * @example
 * ```ts
 * const keys = await setupAlipayKeys({ alipayPrivateKey: pem, alipayPublicKey: publicPem });
 * ```
 */
export async function setupAlipayKeys(options: AlipayKeyOptions): Promise<AlipayKeys> {
  const { alipayPrivateKey, alipayPublicKey, alipayCertificate, alipayRootCertificate } = options;
  const alipayCertSn = alipayCertificate === undefined ? undefined : getCertificateSn({ certificate: alipayCertificate });
  const alipayRootCertSn = alipayRootCertificate === undefined ? undefined : getRootCertificateSn({ certificates: alipayRootCertificate });
  if (alipayPrivateKey === undefined) {
    if (alipayCertificate !== undefined) {
      throw configError('alipayCertificate was given without alipayPrivateKey.', 'Pass the private key of the Alipay certificate as alipayPrivateKey.');
    }
    const generated = await generateKeyPair();
    return {
      privateKey: await importPrivateKey({ key: generated.privateKeyPkcs8Pem }),
      publicKey: generated.publicKeyPem,
      generatedPrivateKey: generated.privateKeyPkcs8Pem,
      alipayCertSn,
      alipayRootCertSn,
    };
  }
  // Without a public key or certificate, hand clients the public half of the private key.
  const publicKey = alipayPublicKey ?? alipayCertificate ?? toPem({ label: 'PUBLIC KEY', der: (await derivePublicKey({ privateKey: alipayPrivateKey })).spki! });
  await importPublicKey({ key: publicKey });
  return { privateKey: await importPrivateKey({ key: alipayPrivateKey }), publicKey, generatedPrivateKey: undefined, alipayCertSn, alipayRootCertSn };
}

/**
 * Parses each app's key or certificate once. Certificate-mode apps need the Alipay certificate and root
 * bundle, since their calls carry `alipay_root_cert_sn` and their answers `alipay_cert_sn`.
 *
 * @example
 * ```ts
 * const apps = await registerApps({ apps: [{ appId, publicKey }], keys });
 * ```
 */
export async function registerApps({ apps, keys }: { apps: readonly SandboxApp[]; keys: AlipayKeys }): Promise<Map<string, RegisteredApp>> {
  const registered = new Map<string, RegisteredApp>();
  for (const app of apps) {
    if (registered.has(app.appId)) throw configError(`App ${app.appId} is listed twice.`, 'List each appId once.');
    const appAuthTokens = app.appAuthTokens === undefined ? undefined : new Set(app.appAuthTokens);
    if (app.appCertificate !== undefined) {
      if (keys.alipayCertSn === undefined || keys.alipayRootCertSn === undefined) {
        throw configError(
          `App ${app.appId} uses certificate mode, but the sandbox has no Alipay certificate and root bundle.`,
          'Pass alipayPrivateKey, alipayCertificate and alipayRootCertificate to createSandbox.',
        );
      }
      registered.set(app.appId, {
        appId: app.appId,
        publicKey: await importPublicKey({ key: app.appCertificate }),
        appCertSn: getCertificateSn({ certificate: app.appCertificate }),
        appAuthTokens,
      });
    } else {
      registered.set(app.appId, { appId: app.appId, publicKey: await importPublicKey({ key: app.publicKey }), appAuthTokens });
    }
  }
  return registered;
}
