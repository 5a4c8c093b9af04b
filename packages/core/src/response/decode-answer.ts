import { decodeText, normalizeCharset, type Charset } from '../encoding/charset.js';
import { ZhimaError } from '../errors/zhima-error.js';

/**
 * @internal An answer's text. `exact` is true when the bytes are valid in the request charset, so a
 * signature over them can be checked; otherwise the text was read leniently (the `Content-Type`
 * charset, then GBK, then UTF-8), which is good enough to report an unsigned error answer and never
 * good enough to trust a signed one. The gateway is known to answer some errors (`20000 系统繁忙`,
 * `isv.invalid-app-id`) in GBK to a UTF-8 request. `charset` comes normalised (by verifyResponseWith, once).
 */
export function decodeAnswer({ bytes, charset: requested, contentType }: { bytes: Uint8Array; charset: Charset; contentType?: string | undefined }): { text: string; exact: boolean } {
  let strictFailure: unknown;
  try {
    return { text: decodeText({ bytes, charset: requested }), exact: true };
  } catch (cause) {
    strictFailure = cause;
  }
  const tried: string[] = [requested];
  for (const candidate of lenientCharsets({ contentType, requested })) {
    tried.push(candidate);
    try {
      return { text: decodeText({ bytes, charset: candidate }), exact: false };
    } catch {
      // Not this one (or the runtime has no decoder for it): try the next.
    }
  }
  throw new ZhimaError({
    code: 'RESPONSE_MALFORMED',
    message: `The gateway's answer (${bytes.length} bytes) is not valid text in ${tried.join(', ')}${contentType ? ` (Content-Type: ${contentType})` : ''}.`,
    hint: '应答无法按任何已知字符集解码，可能被代理改写 / The answer decodes in no known charset: a proxy may have replaced it.',
    cause: strictFailure,
  });
}

function lenientCharsets({ contentType, requested }: { contentType: string | undefined; requested: Charset }): Charset[] {
  const declared = /charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? '')?.[1];
  const candidates: Charset[] = [];
  for (const name of [declared, 'gbk', 'utf-8']) {
    if (name === undefined) continue;
    let charset: Charset;
    try {
      charset = normalizeCharset({ charset: name });
    } catch {
      continue; // A charset the gateway never uses (e.g. iso-8859-1): not a candidate.
    }
    if (charset !== requested && !candidates.includes(charset)) candidates.push(charset);
  }
  return candidates;
}
