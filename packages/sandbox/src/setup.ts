import { generateKeyPair, importPrivateKey, importPublicKey, ZhimaError } from '@zhima/core';
import { derivePublicKey, getCertificateSn, getRootCertificateSn, toPem, type PrivateKeyInput, type PublicKeyInput } from '@zhima/core/internal';
import { AlipayKeyring, alipaySubject } from './certificates/keyring.js';
import { issueCertificate, newKeyPair, validityFrom, type DistinguishedName } from './certificates/issue-certificate.js';
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
  /**
   * Certificate mode with certificates the sandbox makes itself: an Alipay root CA, the Alipay
   * certificate (over `alipayPrivateKey` when given) and, for the generated app, an app certificate.
   * Needed for `rotateAlipayCertificate`, which issues from that root. Not with the three options above.
   */
  generateCertificates?: boolean;
}

/**
 * The Alipay side as set up: the keyring that signs answers, and what clients are handed at creation.
 *
 * @example
 * ```ts
 * const { keyring, publicKey, alipayRootCertSn } = await setupAlipay({ now: () => new Date() });
 * ```
 */
export interface AlipaySetup {
  keyring: AlipayKeyring;
  /** What clients verify answers with: the given public key, else the Alipay certificate, else the generated public key. */
  publicKey: string;
  /** PKCS#8 PEM, only when the sandbox generated the key. */
  generatedPrivateKey: string | undefined;
  alipayRootCertificate: string | undefined;
  alipayRootCertSn: string | undefined;
}

function configError(message: string, hint: string): ZhimaError<'PARAM_INVALID'> {
  return new ZhimaError({ code: 'PARAM_INVALID', message, hint });
}

const ROOT_NAME: DistinguishedName = [['C', 'CN'], ['O', 'Ant Financial (sandbox)'], ['OU', 'Certification Authority'], ['CN', 'Zhima Sandbox Root CA R1']];

// Certificate mode with a PKI the sandbox owns: a root CA, the Alipay certificate it issues, and the
// root's key kept for app certificates and rotations.
async function generateCertificateMode({ alipayPrivateKey, now }: { alipayPrivateKey: PrivateKeyInput | undefined; now: () => Date }): Promise<AlipaySetup> {
  const root = await newKeyPair();
  const issuer = { name: ROOT_NAME, signingKey: root.signingKey };
  const rootCertificate = await issueCertificate({ subject: ROOT_NAME, subjectPublicKey: root.spki, issuer, ...validityFrom({ now: now(), years: 20 }), authority: true });
  const generated = alipayPrivateKey === undefined ? await newKeyPair() : undefined;
  const privateKey = await importPrivateKey({ key: alipayPrivateKey ?? generated!.pair.privateKeyPkcs8Pem });
  const spki = generated?.spki ?? (await derivePublicKey({ privateKey })).spki!;
  const certificate = await issueCertificate({ subject: alipaySubject(0), subjectPublicKey: spki, issuer, ...validityFrom({ now: now(), years: 2 }), authority: false });
  const keyring = new AlipayKeyring({ keyModeKey: privateKey, certificate: { privateKey, certificate, sn: getCertificateSn({ certificate }) }, authority: issuer, now });
  return {
    keyring,
    publicKey: certificate,
    generatedPrivateKey: generated?.pair.privateKeyPkcs8Pem,
    alipayRootCertificate: rootCertificate,
    alipayRootCertSn: getRootCertificateSn({ certificates: rootCertificate }),
  };
}

/**
 * Parses or generates the sandbox's Alipay key and, for certificate mode, reads the given certificates
 * or (`generateCertificates`) makes a root and an Alipay certificate of its own.
 *
 * @example
 * ```ts
 * const alipay = await setupAlipay({ alipayPrivateKey: pem, alipayPublicKey: publicPem, now: () => new Date() });
 * ```
 */
export async function setupAlipay(options: AlipayKeyOptions & { now: () => Date }): Promise<AlipaySetup> {
  const { alipayPrivateKey, alipayPublicKey, alipayCertificate, alipayRootCertificate, generateCertificates = false, now } = options;
  if (generateCertificates) {
    const given = Object.entries({ alipayPublicKey, alipayCertificate, alipayRootCertificate }).filter(([, value]) => value !== undefined).map(([name]) => name);
    if (given.length > 0) {
      throw configError(`generateCertificates makes the Alipay certificates itself, but ${given.join(' and ')} ${given.length > 1 ? 'were' : 'was'} given too.`, 'Either pass your own certificates or generateCertificates: true, not both.');
    }
    return generateCertificateMode({ alipayPrivateKey, now });
  }
  const alipayCertSn = alipayCertificate === undefined ? undefined : getCertificateSn({ certificate: alipayCertificate });
  const alipayRootCertSn = alipayRootCertificate === undefined ? undefined : getRootCertificateSn({ certificates: alipayRootCertificate });
  if (alipayPrivateKey === undefined && alipayCertificate !== undefined) {
    throw configError('alipayCertificate was given without alipayPrivateKey.', 'Pass the private key of the Alipay certificate as alipayPrivateKey.');
  }
  const generated = alipayPrivateKey === undefined ? await generateKeyPair() : undefined;
  const privateKey = await importPrivateKey({ key: alipayPrivateKey ?? generated!.privateKeyPkcs8Pem });
  // Without a public key or certificate, hand clients the public half of the private key.
  const publicKey = alipayPublicKey ?? alipayCertificate ?? generated?.publicKeyPem ?? toPem({ label: 'PUBLIC KEY', der: (await derivePublicKey({ privateKey })).spki! });
  await importPublicKey({ key: publicKey });
  const certificate = alipayCertificate === undefined || alipayCertSn === undefined ? undefined : { privateKey, certificate: alipayCertificate, sn: alipayCertSn };
  return {
    keyring: new AlipayKeyring({ keyModeKey: privateKey, certificate, authority: undefined, now }),
    publicKey,
    generatedPrivateKey: generated?.privateKeyPkcs8Pem,
    alipayRootCertificate,
    alipayRootCertSn,
  };
}

/**
 * Parses each app's key or certificate once. Certificate-mode apps need the Alipay certificate and root
 * bundle, since their calls carry `alipay_root_cert_sn` and their answers `alipay_cert_sn`.
 *
 * @example
 * ```ts
 * const apps = await registerApps({ apps: [{ appId, publicKey }], alipay });
 * ```
 */
export async function registerApps({ apps, alipay }: { apps: readonly SandboxApp[]; alipay: AlipaySetup }): Promise<Map<string, RegisteredApp>> {
  const registered = new Map<string, RegisteredApp>();
  for (const app of apps) {
    if (registered.has(app.appId)) throw configError(`App ${app.appId} is listed twice.`, 'List each appId once.');
    const appAuthTokens = app.appAuthTokens === undefined ? undefined : new Set(app.appAuthTokens);
    if (app.appCertificate !== undefined) {
      if (alipay.keyring.current === undefined || alipay.alipayRootCertSn === undefined) {
        throw configError(
          `App ${app.appId} uses certificate mode, but the sandbox has no Alipay certificate and root bundle.`,
          'Pass alipayPrivateKey, alipayCertificate and alipayRootCertificate to createSandbox, or generateCertificates: true.',
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
