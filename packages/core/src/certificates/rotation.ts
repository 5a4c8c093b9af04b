// Certificate rotation (公钥证书模式): what the client does, loaded on first need, when an answer is
// signed under an `alipay_cert_sn` it has no certificate for. Kept out of the main bundle: clients in
// public-key mode, and certificate-mode clients until Alipay rotates, never load it.
import type { RsaKey } from '../crypto/keys.js';
import { base64ToBytes } from '../encoding/base64.js';
import { ZhimaError } from '../errors/zhima-error.js';
import type { CertificateStore } from '../client/config.js';
import type { CertificateInput } from './certificate-sn.js';
import { trustCertificate } from './chain.js';

/** What rotation needs of the client: its root bundle, clock and app key, its store, and a way to download. */
export interface RotationContext {
  roots: CertificateInput;
  now: () => Date;
  /** The app's own public key, which a downloaded certificate must not hold. */
  ownSpki: () => Promise<Uint8Array | undefined>;
  store: CertificateStore | undefined;
  /**
   * Calls `alipay.open.app.alipaycert.download` for `sn` and resolves `alipay_cert_content`. An answer
   * signed under `sn` itself is verified with `trustAnswer(alipay_cert_content)`: the certificate it
   * delivers, once trusted.
   */
  download: (sn: string, trustAnswer: (content: unknown) => Promise<RsaKey<'public'>>) => Promise<unknown>;
}

// `alipay_cert_content` is the base64 of the certificate's PEM text.
function pemOf(content: unknown, sn: string): string {
  if (typeof content !== 'string' || content.trim() === '') {
    throw new ZhimaError({ code: 'RESPONSE_MALFORMED', message: `The answer to alipay.open.app.alipaycert.download for SN ${sn} has no alipay_cert_content.` });
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(base64ToBytes({ text: content }));
  } catch (cause) {
    throw new ZhimaError({ code: 'RESPONSE_MALFORMED', message: `The alipay_cert_content for SN ${sn} is not base64 of PEM text.`, cause });
  }
}

/**
 * @internal The key of the Alipay certificate with SN `sn`: from the store when it holds a copy that
 * still passes the chain and date checks, else downloaded, checked the same way, and stored. Anything
 * that does not chain to the root is `CERTIFICATE_INVALID` and is never stored.
 */
export async function obtainAlipayCertificate({ sn, context }: { sn: string; context: RotationContext }): Promise<RsaKey<'public'>> {
  const trust = async (pem: string) => trustCertificate({ pem, sn, roots: context.roots, now: context.now(), ownSpki: await context.ownSpki() });
  const stored = await context.store?.get(sn);
  if (typeof stored === 'string') {
    try {
      return await trust(stored);
    } catch {
      // A copy that no longer passes (altered, or expired since) is a cache miss: the download below
      // decides, and its copy replaces this one.
    }
  }
  let trusted: RsaKey<'public'> | undefined;
  let pem: string | undefined;
  const content = await context.download(sn, async (answerContent) => {
    pem = pemOf(answerContent, sn);
    return (trusted = await trust(pem));
  });
  if (trusted === undefined || pem === undefined) {
    // The answer was signed under a certificate already trusted: check the one it delivers now.
    pem = pemOf(content, sn);
    trusted = await trust(pem);
  }
  await context.store?.set(sn, pem);
  return trusted;
}
