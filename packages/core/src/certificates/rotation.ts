// Certificate rotation (公钥证书模式): what the client does, loaded on first need, when an answer is
// signed under an `alipay_cert_sn` it has no certificate for. Kept out of the main bundle: clients in
// public-key mode, and certificate-mode clients until Alipay rotates, never load it.
import type { RsaKey } from '../crypto/keys.js';
import { base64ToBytes } from '../encoding/base64.js';
import { ZhimaError } from '../errors/zhima-error.js';
import type { CertificateStore } from '../client/config.js';
import { ALIPAY_CERT_DOWNLOAD_METHOD } from '../client/methods.js';
import type { GatewayCall } from '../request/gateway-request.js';
import type { ResponseKeyResolver } from '../response/verify-response.js';
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

/**
 * @internal A client's rotation: `(sn) => key` downloads the certificate for an unknown SN once,
 * however many calls meet it at the same time (a failed download is not remembered: a later answer
 * tries again), and checks and stores it (see {@link obtainAlipayCertificate}). `call` sends the
 * download through the client (retries, signing, tracing) with the key resolver given.
 */
export function createCertificateRotation({
  roots,
  store,
  now,
  ownSpki,
  configuredKeys,
  call,
}: Omit<RotationContext, 'download'> & {
  /** The client's checked key resolver for the configured certificates. */
  configuredKeys: () => Promise<ResponseKeyResolver>;
  call: (downloadCall: GatewayCall, verifyWith: ResponseKeyResolver) => Promise<{ response: Record<string, unknown> }>;
}): (sn: string) => Promise<RsaKey<'public'>> {
  const rotated = new Map<string, Promise<RsaKey<'public'>>>();
  const trusted = new Set<string>();
  const download: RotationContext['download'] = async (wanted, trustAnswer) => {
    const resolveKey = await configuredKeys();
    // The answer is signed under the certificate it delivers, or one already trusted; one whose own
    // download is still under way would wait on this one, so it is refused.
    const verifyDownload: ResponseKeyResolver = async (certSn, answer) => {
      if (certSn === wanted) return trustAnswer(answer.alipay_cert_content);
      if (certSn !== undefined && rotated.has(certSn) && !trusted.has(certSn)) {
        throw new ZhimaError({ code: 'CERTIFICATE_INVALID', message: `The certificate download for SN ${wanted} is signed under ${certSn}, whose own download is under way.` });
      }
      return resolveKey(certSn, answer);
    };
    const downloadCall = { method: ALIPAY_CERT_DOWNLOAD_METHOD, params: { biz_content: JSON.stringify({ alipay_cert_sn: wanted }) } };
    return (await call(downloadCall, verifyDownload)).response.alipay_cert_content;
  };
  return (sn) => {
    let key = rotated.get(sn);
    if (key === undefined) {
      key = obtainAlipayCertificate({ sn, context: { roots, store, now, ownSpki, download } });
      rotated.set(sn, key);
      key.then(
        () => trusted.add(sn),
        () => rotated.delete(sn),
      );
    }
    return key;
  };
}
