import type { CertificateInput } from '../certificates/certificate-sn.js';
import { importPublicKey, RsaKey, type PublicKeyInput, type SignType } from '../crypto/keys.js';
import { readAnswerBytes, scanAnswer, signatureBytes } from '#rsa-engine';
import { checkSignType, verifyWithKey } from '../crypto/sign.js';
import { encodeText, normalizeCharset, type Charset } from '../encoding/charset.js';
import { argumentError, requireOptions, requireText } from '../errors/argument-checks.js';
import { ZhimaError } from '../errors/zhima-error.js';
import { decodeAnswer } from './decode-answer.js';
import type { AnswerMember, ScannedAnswer } from './answer-scan.js';

/** @internal The gateway's success code. */
export const SUCCESS_CODE = '10000';
const ERROR_NODE = 'error_response';

/**
 * Options of {@link verifyResponse}: the raw body, the method called, and either Alipay's public key or,
 * in certificate mode, Alipay's public-key certificates (the one whose SN matches `alipay_cert_sn` is used).
 *
 * @example
 * ```ts
 * const options: VerifyResponseOptions = { body: response.body, method: 'zhima.data.batch.feedback', alipayPublicKey };
 * ```
 */
export type VerifyResponseOptions = {
  body: string | Uint8Array;
  method: string;
  signType?: SignType;
  /** The request charset, which is also the response's. Defaults to `utf-8`. */
  charset?: Charset | string;
  /**
   * The answer's `Content-Type` header. When the bytes are not valid in `charset`, its charset (then
   * GBK) is used to read an unsigned error answer; a signed answer must be valid in `charset`.
   */
  contentType?: string;
} & ({ alipayPublicKey: PublicKeyInput; alipayCertificates?: undefined } | { alipayCertificates: CertificateInput | CertificateInput[]; alipayPublicKey?: undefined });

/**
 * A gateway answer whose origin is known: `verified` is true when its signature checked out, false
 * only for an unsigned error answer (which the gateway legitimately sends, e.g. for a missing app_id).
 *
 * @example
 * ```ts
 * const { response, verified } = await verifyResponse({ body, method, alipayPublicKey });
 * if (response.code !== '10000') console.warn(response.sub_code, { verified });
 * ```
 */
export interface VerifiedResponse {
  /** The answer node, parsed: `{ code, msg, sub_code?, sub_msg?, … }`. */
  response: Record<string, unknown>;
  verified: boolean;
  sign?: string;
  /** The node it was read from: `<method>_response` or `error_response`. */
  node: string;
}

/**
 * The gateway answer node's name for a method: dots become underscores, plus `_response`.
 *
 * @example
 * ```ts
 * responseNodeName({ method: 'zhima.data.batch.feedback' }); // 'zhima_data_batch_feedback_response'
 * ```
 */
export function responseNodeName({ method }: { method: string }): string {
  let name = nodeNames.get(method);
  if (name === undefined) {
    name = `${method.replaceAll('.', '_')}_response`;
    // A client calls a handful of methods: the names are kept, up to a bound.
    if (nodeNames.size < 64) nodeNames.set(method, name);
  }
  return name;
}
const nodeNames = new Map<string, string>();

// A member the answer holds at most once: a second copy is a forgery attempt.
function single(member: AnswerMember | undefined, key: string): AnswerMember | undefined {
  if (member !== undefined && member.count > 1) {
    throw new ZhimaError({
      code: 'SIGNATURE_INVALID',
      message: `The response holds "${key}" ${member.count} times; a repeated node is a forgery attempt and is rejected.`,
    });
  }
  return member;
}

// A member found at most once, read as text.
function readString(member: AnswerMember | undefined, key: string): string | undefined {
  const value = single(member, key)?.value;
  if (typeof value === 'string' || value === undefined) return value;
  throw new ZhimaError({ code: 'RESPONSE_MALFORMED', message: `The response's "${key}" is not a string.` });
}

/**
 * Finds the key that verifies a response, given its `alipay_cert_sn` (absent outside certificate mode)
 * and its answer node, not yet verified (the certificate download answer carries the certificate that
 * signed it). The client builds one per configuration so keys are parsed once.
 */
export type ResponseKeyResolver = (certSn: string | undefined, answer: Record<string, unknown>) => RsaKey<'public'> | Promise<RsaKey<'public'>>;

/**
 * @internal What certificate mode does with an `alipay_cert_sn` that no configured certificate has:
 * the client downloads and checks that certificate (rotation); without a handler it is
 * `CERTIFICATE_INVALID`.
 */
export type UnknownCertificateHandler = (sn: string, answer: Record<string, unknown>) => Promise<RsaKey<'public'>>;

/**
 * @internal The Alipay keys of one configuration: `resolve` finds the one for an answer, `spkis` lists
 * them all (parsing now, so a private key in the slot fails before anything is sent).
 */
export interface ResponseKeys {
  resolve: ResponseKeyResolver;
  spkis(): Promise<(Uint8Array | undefined)[]>;
}

/** @internal One Alipay public key, parsed once. */
export function publicKeyResponseKeys({ publicKey }: { publicKey: PublicKeyInput }): ResponseKeys {
  let key: Promise<RsaKey<'public'>> | undefined;
  const resolve: ResponseKeyResolver = () => (key ??= importPublicKey({ key: publicKey }));
  return { resolve, spkis: async () => [(await resolve(undefined, {})).spki] };
}

/**
 * Verifies a gateway response the way the Java SDK does: the signature covers the answer node's JSON
 * exactly as it appears in the raw text; `sign` may come before or after it; a node or `sign` that
 * appears twice is rejected as a forgery; on failure, text with `\/` is retried once with `/`.
 * An unsigned error answer resolves with `verified: false` (read leniently when its bytes are not
 * valid in `charset`: the gateway answers some errors in GBK to UTF-8 requests); an answer that claims
 * success (`code` `10000`, as text or number, or `msg` `Success`) without a valid signature rejects
 * with `SIGNATURE_INVALID`; bytes that decode in no charset, or a node without a `code`, reject with
 * `RESPONSE_MALFORMED`. A private key given as `alipayPublicKey` is `KEY_INVALID`, whatever the answer.
 *
 * @example
 * ```ts
 * const { response } = await verifyResponse({
 *   body: '{"zhima_data_batch_feedback_response":{"code":"10000","msg":"Success"},"sign":"…"}',
 *   method: 'zhima.data.batch.feedback',
 *   alipayPublicKey,
 * });
 * ```
 */
export async function verifyResponse(options: VerifyResponseOptions): Promise<VerifiedResponse> {
  requireOptions(options, 'verifyResponse');
  if (typeof options.body !== 'string' && !(options.body instanceof Uint8Array)) throw argumentError({ name: 'body', expected: 'the answer as bytes or text', value: options.body });
  requireText(options.method, 'method');
  if (options.signType !== undefined) checkSignType(options.signType);
  if (options.alipayCertificates === undefined) {
    // Parsed before the answer is read (a private key given as alipayPublicKey is an error even when
    // the answer is unsigned); a PEM string is parsed once per process (keys.ts caches it), and a
    // parsed public key is taken as it is, without a wait on a promise.
    const given = options.alipayPublicKey;
    const publicKey = RsaKey.isInstance(given) && given.type === 'public' ? (given as RsaKey<'public'>) : await importPublicKey({ key: given });
    // The options go on as they are: a spread with one more member (`{ ...options, resolveKey }`)
    // takes V8's slow path, measured at a few µs a call.
    return verifyResponseWith(options, () => publicKey);
  }
  // Certificate mode's parsing (X.509, SNs) is loaded only by those who use it.
  const keys = (await import('../certificates/certificate-keys.js')).certificateResponseKeys({ certificates: options.alipayCertificates });
  await keys.spkis();
  return verifyResponseWith(options, keys.resolve);
}

/** @internal The answer's `code` as text: the gateway sends a string; a number is read as its digits. */
export function answerCode(answer: Record<string, unknown>): string | undefined {
  const { code } = answer;
  return typeof code === 'string' ? code.trim() : typeof code === 'number' ? String(code) : undefined;
}

// Whatever looks like success must be signed: a bare `10000` (text or number) or a `Success` message.
function claimsSuccess(answer: Record<string, unknown>): boolean {
  return answerCode(answer) === SUCCESS_CODE || (typeof answer.msg === 'string' && answer.msg.trim().toLowerCase() === 'success');
}

/**
 * @internal {@link verifyResponse} with the key lookup supplied by the caller (the client caches it):
 * the answer itself when the key is at hand and the engine checks synchronously (Node), else a
 * promise; a refused answer throws (or rejects) as verifyResponse rejects.
 */
export function verifyResponseWith(
  {
    body,
    method,
    signType = 'RSA2',
    charset = 'utf-8',
    contentType,
  }: {
    body: string | Uint8Array;
    method: string;
    signType?: SignType | undefined;
    charset?: Charset | string | undefined;
    contentType?: string | undefined;
  },
  resolveKey: ResponseKeyResolver,
): VerifiedResponse | Promise<VerifiedResponse> {
  // Normalised once for an answer given as bytes; text is encoded only if signed, as the charset is then needed.
  const requested = typeof body === 'string' ? charset : normalizeCharset({ charset });
  const nodeName = responseNodeName({ method });
  // On Node the engine reads ASCII bytes itself (their text, exact, and its reading come back); other bytes are decoded, then read.
  const { text, exact = true, scanned = scanAnswer(text, nodeName) }: { text: string; exact?: boolean; scanned?: ScannedAnswer } =
    typeof body === 'string' ? { text: body } : (readAnswerBytes(body, nodeName) ?? decodeAnswer({ bytes: body, charset: requested as Charset, contentType }));
  const methodMember = single(scanned.method, nodeName);
  const errorMember = single(scanned.error, ERROR_NODE);
  if (methodMember && errorMember) {
    throw new ZhimaError({ code: 'RESPONSE_MALFORMED', message: `The response holds both ${nodeName} and ${ERROR_NODE}.` });
  }
  const nodeMember = methodMember ?? errorMember;
  if (!nodeMember) {
    throw new ZhimaError({ code: 'RESPONSE_MALFORMED', message: `The response has neither ${nodeName} nor ${ERROR_NODE}.` });
  }
  const node = methodMember ? nodeName : ERROR_NODE;
  const response = nodeMember.value;
  if (typeof response !== 'object' || response === null || Array.isArray(response)) {
    throw new ZhimaError({ code: 'RESPONSE_MALFORMED', message: `The response's ${node} is not an object.` });
  }
  const answer = response as Record<string, unknown>;
  const sign = readString(scanned.sign, 'sign');
  const certSn = readString(scanned.certSn, 'alipay_cert_sn');

  if (answerCode(answer) === undefined) {
    throw new ZhimaError({ code: 'RESPONSE_MALFORMED', message: `The response's ${node} has no code.` });
  }

  if (sign === undefined || sign === '') {
    if (!claimsSuccess(answer)) return { response: answer, verified: false, node };
    throw new ZhimaError({
      code: 'SIGNATURE_INVALID',
      message: `The ${node} claims success (code ${JSON.stringify(answer.code)}, msg ${JSON.stringify(answer.msg)}) but carries no signature.`,
    });
  }
  if (!exact) {
    throw new ZhimaError({
      code: 'RESPONSE_MALFORMED',
      message: `The ${node} is signed, but its bytes are not valid ${charset} (the request charset), so the signed bytes are unknown and the signature cannot be checked.`,
    });
  }
  // A key at hand, and the Node engine's answer (a boolean), are used without a wait: each promise
  // costs an allocation and a turn of the event loop beside an RSA check of about 40 µs.
  return then(resolveKey(certSn, answer), (publicKey) => {
    const signature = scanned.signature ?? signatureBytes(sign);
    const signedText = text.slice(nodeMember.valueStart, nodeMember.valueEnd);
    // The node's text as it is when it is its own UTF-8 (a UTF-8 request's text, or its bytes when they
    // are one character each: ASCII), which the engine encodes best; else the node's text encoded, which
    // gives the bytes the gateway sent since the text decoded from them exactly (decodeText checks GBK's
    // round trip).
    const signed = body.length === text.length && requested === 'utf-8' ? signedText : encodeText({ text: signedText, charset: requested });
    const retried = (verified: boolean) => (verified || !signedText.includes('\\/') ? verified : verifyWithKey({ data: encodeText({ text: signedText.replaceAll('\\/', '/'), charset: requested }), signature, publicKey, signType }));
    return then(then(verifyWithKey({ data: signed, signature, publicKey, signType }), retried), (verified) => {
      if (!verified) {
        throw new ZhimaError({
          code: 'SIGNATURE_INVALID',
          message: `The signature of ${node} does not match (sign type ${signType}, charset ${charset}).`,
          hint: '确认 alipayPublicKey 是支付宝公钥（不是应用公钥），且 signType/charset 与请求一致 / Check that alipayPublicKey is the Alipay public key (not your app public key) and that signType and charset match the request.',
        });
      }
      return { response: answer, verified: true, sign, node };
    });
  });
}

// `next` applied to a value at once, or when its promise settles.
const then = <T, R>(value: T | Promise<T>, next: (value: T) => R): R | Promise<Awaited<R>> => (value instanceof Promise ? value.then(next) : next(value)) as R | Promise<Awaited<R>>;
