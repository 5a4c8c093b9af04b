import { normalizeCharset, type Charset } from '@zhima/core/internal';
import { invalidParam } from './answers.js';
import { readBoundedBody } from '../http/body.js';
import { addParam, decodeOrReject, decodePairs, findAsciiValue, splitForm } from '../http/form.js';
import { parseHeaderValue } from '../http/header-params.js';
import { parseMultipart } from '../http/multipart.js';

/**
 * A file param of a multipart request.
 *
 * @example
 * ```ts
 * const file: UploadedFile = { filename: 'records.json', body: bytes };
 * ```
 */
export interface UploadedFile {
  filename: string;
  body: Uint8Array;
}

/**
 * A gateway request as the gateway sees it: every text param of the query and the body, decoded in the
 * request charset, and the file params as bytes.
 *
 * @example
 * ```ts
 * const { charset, params, files, bodyBytes } = await readGatewayRequest({ request, maxBodyBytes });
 * ```
 */
export interface GatewayRequest {
  charset: Charset;
  params: Record<string, string>;
  files: Map<string, UploadedFile>;
  /** Bytes of the body as received. */
  bodyBytes: number;
}

const encoder = new TextEncoder();

function requestCharset(declared: string): Charset {
  try {
    return normalizeCharset({ charset: declared });
  } catch {
    throw invalidParam({ subCode: 'isv.invalid-charset', subMsg: `不支持的字符集 ${declared}，请使用 utf-8、gbk 或 gb2312 / Unsupported charset "${declared}": use utf-8, gbk or gb2312` });
  }
}

/**
 * Reads the query and the (bounded) body of a gateway call. The charset comes from the `charset` param
 * (query first, then a urlencoded body), else the `Content-Type` charset, else UTF-8; every
 * percent-encoded byte and text part is then decoded in it (a part's own `charset` wins for that part).
 *
 * @example
 * ```ts
 * const call = await readGatewayRequest({ request, maxBodyBytes: 60 * 1024 * 1024 });
 * call.params.method; // 'zhima.data.batch.feedback'
 * ```
 */
export async function readGatewayRequest({ request, maxBodyBytes }: { request: Request; maxBodyBytes: number }): Promise<GatewayRequest> {
  const queryPairs = splitForm({ bytes: encoder.encode(new URL(request.url).search.slice(1)), where: 'query' });
  const contentType = parseHeaderValue({ header: request.headers.get('content-type') ?? '' });
  const body = await readBoundedBody({ request, maxBytes: maxBodyBytes });
  const bodyPairs = contentType.value === 'application/x-www-form-urlencoded' ? splitForm({ bytes: body, where: 'body' }) : [];
  const charset = requestCharset(
    findAsciiValue({ pairs: queryPairs, key: 'charset' }) ?? findAsciiValue({ pairs: bodyPairs, key: 'charset' }) ?? contentType.params.charset ?? 'utf-8',
  );
  const params = decodePairs({ pairs: queryPairs, charset });
  for (const [key, value] of Object.entries(decodePairs({ pairs: bodyPairs, charset }))) addParam({ params, key, value });
  const files = new Map<string, UploadedFile>();
  if (contentType.value === 'multipart/form-data') {
    for (const part of parseMultipart({ body, boundary: contentType.params.boundary ?? '', charset })) {
      if (part.filename === undefined) {
        const partCharset = part.charset === undefined ? charset : requestCharset(part.charset);
        addParam({ params, key: part.name, value: decodeOrReject(part.body, partCharset) });
      } else if (files.has(part.name)) {
        throw invalidParam({ subCode: 'isv.malformed-multipart', subMsg: `文件参数 ${part.name} 出现多次 / File parameter ${part.name} is sent twice` });
      } else {
        files.set(part.name, { filename: part.filename, body: part.body });
      }
    }
  }
  return { charset, params, files, bodyBytes: body.length };
}
