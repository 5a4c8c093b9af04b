import { importPrivateKey, ZhimaError, type RsaKey } from '@zhima/core';
import { getCertificateSn, type SignType } from '@zhima/core/internal';
import type { RegisteredApp } from '../gateway/authenticate.js';
import type { Signing } from '../gateway/render.js';
import { issueCertificate, newKeyPair, validityFrom, type CertificateIssuer, type DistinguishedName } from './issue-certificate.js';

/**
 * The Alipay public-key certificate answers are signed under in certificate mode: its key, its PEM and
 * its SN (`alipay_cert_sn`).
 *
 * @example
 * ```ts
 * const state: AlipayCertificateState = { privateKey, certificate: pem, sn: getCertificateSn({ certificate: pem }) };
 * ```
 */
export interface AlipayCertificateState {
  privateKey: RsaKey<'private'>;
  certificate: string;
  sn: string;
}

/**
 * A certificate made by {@link Sandbox.rotateAlipayCertificate}.
 *
 * @example
 * ```ts
 * const { alipayCertSn, alipayCertificate, chained } = await sandbox.rotateAlipayCertificate();
 * ```
 */
export interface RotatedAlipayCertificate {
  /** The SN later answers carry as `alipay_cert_sn`. */
  alipayCertSn: string;
  /** The new certificate (PEM), as `alipay.open.app.alipaycert.download` serves it. */
  alipayCertificate: string;
  /** Whether it was issued by the configured Alipay root (`false`: by an impostor root of the same name). */
  chained: boolean;
}

/**
 * How to rotate. By default at once, to a certificate of the configured root valid from a day before
 * the sandbox clock for two years.
 *
 * @example
 * ```ts
 * const options: RotateAlipayCertificateOptions = { afterCalls: 2 }; // the next 2 calls still use the old one
 * ```
 */
export interface RotateAlipayCertificateOptions {
  /** `false` issues it from a freshly made root with the same name but another key: it does not chain. */
  chained?: boolean;
  /** The next this many gateway calls are still answered under the current certificate. Default 0. */
  afterCalls?: number;
  /** Validity of the new certificate (e.g. an expired one, for a client's date check). */
  notBefore?: Date;
  notAfter?: Date;
}

function rotationError(message: string, hint: string): ZhimaError<'PARAM_INVALID'> {
  return new ZhimaError({ code: 'PARAM_INVALID', message, hint });
}

/**
 * The Alipay side of the sandbox while it runs: the key that signs answers to public-key-mode apps (it
 * never changes), the certificate that signs answers to certificate-mode apps (it changes on rotation),
 * every certificate it has used by SN (what `alipay.open.app.alipaycert.download` serves) and, when the
 * sandbox made its own root, the authority that issues new ones.
 *
 * @example
 * ```ts
 * keyring.beginCall(); // a scheduled rotation takes effect here
 * const signing = keyring.signingFor({ app, signType: 'RSA2' });
 * ```
 */
export class AlipayKeyring {
  readonly #keyModeKey: RsaKey<'private'>;
  // The sandbox's own root (generateCertificates), which issues app and rotated certificates.
  readonly #authority: CertificateIssuer | undefined;
  readonly #now: () => Date;
  readonly #known = new Map<string, string>();
  #current: AlipayCertificateState | undefined;
  #pending: { remaining: number; state: AlipayCertificateState } | undefined;
  #rotations = 0;

  constructor({ keyModeKey, certificate, authority, now }: { keyModeKey: RsaKey<'private'>; certificate: AlipayCertificateState | undefined; authority: CertificateIssuer | undefined; now: () => Date }) {
    this.#keyModeKey = keyModeKey;
    this.#current = certificate;
    this.#authority = authority;
    this.#now = now;
    if (certificate !== undefined) this.#known.set(certificate.sn, certificate.certificate);
  }

  /** The Alipay certificate answers are signed under now; `undefined` in public-key mode. */
  get current(): AlipayCertificateState | undefined {
    return this.#current;
  }

  /**
   * Counts one gateway call: a rotation scheduled with `afterCalls` takes effect once that many calls
   * have been answered under the old certificate.
   *
   * @example
   * ```ts
   * keyring.beginCall();
   * ```
   */
  beginCall(): void {
    if (this.#pending === undefined) return;
    if (this.#pending.remaining > 0) {
      this.#pending.remaining--;
      return;
    }
    this.#activate(this.#pending.state);
    this.#pending = undefined;
  }

  /**
   * How to sign the answer to `app`: with the certificate key and its SN for a certificate-mode app,
   * with the fixed Alipay key for a public-key-mode app (a rotation does not touch those).
   *
   * @example
   * ```ts
   * const signing = keyring.signingFor({ app, signType: 'RSA2' });
   * ```
   */
  signingFor({ app, signType }: { app: RegisteredApp; signType: SignType }): Signing {
    if (app.appCertSn === undefined || this.#current === undefined) return { privateKey: this.#keyModeKey, signType, alipayCertSn: undefined };
    return { privateKey: this.#current.privateKey, signType, alipayCertSn: this.#current.sn };
  }

  /**
   * A certificate the sandbox has signed answers under, by SN.
   *
   * @example
   * ```ts
   * keyring.certificateBySn({ sn: answer.alipay_cert_sn }); // '-----BEGIN CERTIFICATE-----…' or undefined
   * ```
   */
  certificateBySn({ sn }: { sn: string }): string | undefined {
    return this.#known.get(sn);
  }

  /**
   * Issues an app public-key certificate from the sandbox's own root (`generateCertificates` only).
   *
   * @example
   * ```ts
   * const appCertificate = await keyring.issueAppCertificate({ appId, subjectPublicKey: spki });
   * ```
   */
  async issueAppCertificate({ appId, subjectPublicKey }: { appId: string; subjectPublicKey: Uint8Array }): Promise<string> {
    return issueCertificate({
      subject: [['C', 'CN'], ['O', 'Zhima Sandbox Merchant'], ['OU', 'Alipay'], ['CN', appId]],
      subjectPublicKey,
      issuer: this.#requireAuthority(),
      ...validityFrom({ now: this.#now(), years: 2 }),
      authority: false,
    });
  }

  /**
   * Makes a new Alipay key pair and certificate and signs later answers to certificate-mode apps with
   * it, under its SN. Needs the sandbox's own root (`generateCertificates`).
   *
   * @example
   * ```ts
   * const rotated = await keyring.rotate({ chained: false }); // an impostor: a client must refuse it
   * ```
   */
  async rotate({ chained = true, afterCalls = 0, notBefore, notAfter }: RotateAlipayCertificateOptions = {}): Promise<RotatedAlipayCertificate> {
    const authority = this.#requireAuthority();
    if (!Number.isSafeInteger(afterCalls) || afterCalls < 0) {
      throw rotationError(`afterCalls must be a whole number of calls (0 or more), got ${String(afterCalls)}.`, 'Leave it out to rotate at once.');
    }
    for (const [name, date] of Object.entries({ notBefore, notAfter })) {
      if (date !== undefined && !(date instanceof Date && Number.isFinite(date.getTime()))) throw rotationError(`${name} must be a valid Date.`, 'Leave it out for the default validity (from a day ago, for two years).');
    }
    const validity = validityFrom({ now: this.#now(), years: 2 });
    const keys = await newKeyPair();
    // The impostor root copies the real root's name, so only a signature check (not a name match) tells them apart.
    const issuer: CertificateIssuer = chained ? authority : { name: authority.name, signingKey: (await newKeyPair()).signingKey };
    this.#rotations++;
    const certificate = await issueCertificate({
      subject: alipaySubject(this.#rotations),
      subjectPublicKey: keys.spki,
      issuer,
      notBefore: notBefore ?? validity.notBefore,
      notAfter: notAfter ?? validity.notAfter,
      authority: false,
    });
    const state: AlipayCertificateState = { privateKey: await importPrivateKey({ key: keys.pair.privateKeyPkcs8Pem }), certificate, sn: getCertificateSn({ certificate }) };
    if (afterCalls === 0) {
      this.#activate(state);
      this.#pending = undefined;
    } else {
      this.#pending = { remaining: afterCalls, state };
    }
    return { alipayCertSn: state.sn, alipayCertificate: certificate, chained };
  }

  #activate(state: AlipayCertificateState): void {
    this.#current = state;
    this.#known.set(state.sn, state.certificate);
  }

  #requireAuthority(): CertificateIssuer {
    if (this.#authority === undefined) {
      throw rotationError(
        'This sandbox cannot issue certificates: it did not make its own Alipay root.',
        'Create it with createSandbox({ generateCertificates: true }): it then holds the root key and can issue app certificates and rotate the Alipay certificate.',
      );
    }
    return this.#authority;
  }
}

/**
 * The subject of the sandbox's Alipay certificate; `generation` 0 is the first, each rotation counts up.
 *
 * @example
 * ```ts
 * alipaySubject(0); // [['C', 'CN'], …, ['CN', 'Alipay Public Key Sandbox 0']]
 * ```
 */
export function alipaySubject(generation: number): DistinguishedName {
  return [['C', 'CN'], ['O', 'Ant Financial (sandbox)'], ['OU', 'Alipay'], ['CN', `Alipay Public Key Sandbox ${generation}`]];
}
