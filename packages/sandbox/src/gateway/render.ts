import { signContent, type GatewayAnswer, type RsaKey } from '@zhima/core';
import { encodeText, responseNodeName, type Charset, type SignType } from '@zhima/core/internal';
import type { AnswerPlacement } from './answers.js';

/**
 * How to sign an answer: the sandbox's Alipay key, the request's sign type and charset, and in
 * certificate mode the Alipay certificate SN to put beside `sign`.
 *
 * @example
 * ```ts
 * const signing: Signing = { privateKey: alipayKey, signType: 'RSA2', alipayCertSn: undefined };
 * ```
 */
export interface Signing {
  privateKey: RsaKey<'private'>;
  signType: SignType;
  alipayCertSn: string | undefined;
}

/**
 * A rendered answer: the exact text and the bytes sent (in the response charset).
 *
 * @example
 * ```ts
 * const { text, bytes, charset } = await renderAnswer({ method, answer, placement: 'method', charset: 'utf-8', signing });
 * ```
 */
export interface RenderedAnswer {
  text: string;
  bytes: Uint8Array;
  charset: Charset;
}

function encodable(text: string, charset: Charset): boolean {
  try {
    encodeText({ text, charset });
    return true;
  } catch {
    return false;
  }
}

// Echoed input (the sign content in isv.invalid-signature) can hold characters the response charset
// cannot encode, e.g. the private-use code point a runtime's GBK decoder gives odd bytes: those are
// written as JSON \u escapes, so the answer is still valid JSON, signable and readable.
function encodableJson({ text, charset }: { text: string; charset: Charset }): string {
  if (encodable(text, charset)) return text;
  return text.replace(/[^\u0000-\u007f]/gu, (char) =>
    encodable(char, charset) ? char : char.split('').map((unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`).join(''),
  );
}

/**
 * Writes a gateway answer as the gateway does: `{"<node>":{…},"sign":"…"}` (plus `alipay_cert_sn` in
 * certificate mode), where the signature covers the node's JSON text exactly as written. Slashes are
 * written `\/` as the gateway's serialiser does, so clients must verify the raw text, not a re-serialised
 * copy. Unsigned when `signing` is absent (unknown app, unusable sign type).
 *
 * @example
 * ```ts
 * const { text } = await renderAnswer({ method: 'zhima.data.batch.feedback', answer: success(), placement: 'method', charset: 'utf-8', signing });
 * // '{"zhima_data_batch_feedback_response":{"code":"10000","msg":"Success"},"sign":"…"}'
 * ```
 */
export async function renderAnswer({
  method,
  answer,
  placement,
  charset,
  signing,
}: {
  method: string | undefined;
  answer: GatewayAnswer;
  placement: AnswerPlacement;
  charset: Charset;
  signing: Signing | undefined;
}): Promise<RenderedAnswer> {
  // GB2312 clients decode with GBK in practice, and GBK holds every character our messages use.
  const responseCharset: Charset = charset === 'gb2312' ? 'gbk' : charset;
  const node = placement === 'method' && method ? responseNodeName({ method }) : 'error_response';
  const nodeText = encodableJson({ text: JSON.stringify(answer).replaceAll('/', '\\/'), charset: responseCharset });
  let text = `{"${node}":${nodeText}`;
  if (signing !== undefined) {
    const sign = await signContent({ content: nodeText, privateKey: signing.privateKey, signType: signing.signType, charset: responseCharset });
    text += `,"sign":"${sign}"`;
    if (signing.alipayCertSn !== undefined) text += `,"alipay_cert_sn":"${signing.alipayCertSn}"`;
  }
  text += '}';
  return { text, bytes: encodeText({ text, charset: responseCharset }), charset: responseCharset };
}
