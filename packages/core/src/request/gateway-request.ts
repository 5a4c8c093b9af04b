import type { PrivateKeyInput, SignType } from '../crypto/keys.js';
import { argumentError, requireObject, requireText } from '../errors/argument-checks.js';
import { signContent } from '../crypto/sign.js';
import { encodeForm } from '../encoding/url.js';
import type { Charset } from '../encoding/charset.js';
import { buildMultipartBody, type FileContent } from '../http/multipart.js';
import type { HttpRequest } from '../http/types.js';
import { presentParams } from '../params/param-value.js';
import { buildSignContent } from '../params/sign-content.js';

/**
 * Production gateway URL.
 *
 * @example
 * ```ts
 * createClient({ appId, privateKey, alipayPublicKey, gateway: PRODUCTION_GATEWAY });
 * ```
 */
export const PRODUCTION_GATEWAY = 'https://openapi.alipay.com/gateway.do';
/**
 * Alipay's sandbox (沙箱) gateway URL.
 *
 * @example
 * ```ts
 * createClient({ appId: sandboxAppId, privateKey, alipayPublicKey, gateway: SANDBOX_GATEWAY });
 * ```
 */
export const SANDBOX_GATEWAY = 'https://openapi-sandbox.dl.alipaydev.com/gateway.do';

/**
 * A file to upload as a multipart part.
 *
 * @example
 * ```ts
 * const file: GatewayFile = { name: 'file', fileName: 'records.json', content: bytes };
 * ```
 */
export interface GatewayFile {
  /** The parameter name; `file` for zhima.data.batch.feedback. */
  name: string;
  fileName: string;
  content: FileContent;
  contentType?: string;
}

/**
 * One gateway call as data: the method, its text parameters and any files. Methods with files are
 * sent as multipart; the rest as a urlencoded form.
 *
 * @example
 * ```ts
 * const call: GatewayCall = { method: 'zhima.data.feedbackurl.query', params: { biz_content: '{"merchant_id":"2088…"}' } };
 * ```
 */
export interface GatewayCall {
  method: string;
  /** Business text parameters (`biz_content`, `columns`, …); absent, empty and whitespace-only values are neither sent nor signed. */
  params?: Record<string, string | number | undefined | null>;
  files?: GatewayFile[];
}

/**
 * Everything that identifies the caller and fixes the moment, for {@link buildGatewayRequest}.
 *
 * @example
 * ```ts
 * const context: GatewayContext = { gateway: PRODUCTION_GATEWAY, appId, privateKey, signType: 'RSA2', charset: 'utf-8', timestamp: formatTimestamp() };
 * ```
 */
export interface GatewayContext {
  gateway: string;
  appId: string;
  privateKey: PrivateKeyInput;
  signType: SignType;
  charset: Charset;
  /** `yyyy-MM-dd HH:mm:ss`, China time: see `formatTimestamp`. */
  timestamp: string;
  appAuthToken?: string | undefined;
  /** Certificate mode: `app_cert_sn` and `alipay_root_cert_sn`. */
  certificateSns?: { appCertSn: string; alipayRootCertSn: string } | undefined;
  /** Fixed multipart boundary, for reproducible output in tests. */
  boundary?: string;
}

/**
 * A built request plus what explains it: the exact sign content (compare it with the gateway's when it
 * answers `isv.invalid-signature`) and whether the body can be sent again.
 *
 * @example
 * ```ts
 * const { request, signContent } = await buildGatewayRequest({ call, context });
 * ```
 */
export interface BuiltGatewayRequest {
  request: HttpRequest;
  signContent: string;
  replayable: boolean;
}

// A call as a JavaScript caller may give it: wrong shapes are PARAM_INVALID here, not TypeErrors later.
function checkCall(call: GatewayCall): void {
  requireObject(call, 'call');
  requireText(call.method, 'method');
  if (call.params !== undefined && (typeof call.params !== 'object' || call.params === null || Array.isArray(call.params))) {
    throw argumentError({ name: 'params', expected: 'an object of text parameters', value: call.params });
  }
  if (call.files !== undefined && !Array.isArray(call.files)) throw argumentError({ name: 'files', expected: 'an array of files', value: call.files });
  for (const file of call.files ?? []) requireObject(file, 'each of files');
}

/**
 * Builds the request exactly as the Java SDK puts it on the wire: public parameters and `sign` in the
 * query (URL-encoded in the request charset); business parameters and `app_auth_token` in the body, as
 * multipart text parts when there are files, else as a urlencoded form. Pure: the key, clock and
 * boundary are inputs.
 *
 * @example
 * ```ts
 * const { request } = await buildGatewayRequest({
 *   call: { method: 'zhima.data.feedbackurl.query', params: { biz_content: JSON.stringify({ merchant_id: '2088000000000000' }) } },
 *   context: { gateway: PRODUCTION_GATEWAY, appId: '2021000000000001', privateKey, signType: 'RSA2', charset: 'utf-8', timestamp: formatTimestamp() },
 * });
 * ```
 */
export async function buildGatewayRequest({ call, context }: { call: GatewayCall; context: GatewayContext }): Promise<BuiltGatewayRequest> {
  checkCall(call);
  const { charset } = context;
  const query = presentParams({
    app_id: context.appId,
    method: call.method,
    format: 'JSON',
    charset,
    sign_type: context.signType,
    timestamp: context.timestamp,
    version: '1.0',
    app_cert_sn: context.certificateSns?.appCertSn,
    alipay_root_cert_sn: context.certificateSns?.alipayRootCertSn,
  });
  const body = presentParams({ ...call.params, app_auth_token: context.appAuthToken });
  const content = buildSignContent({ ...query, ...body });
  const sign = await signContent({ content, privateKey: context.privateKey, signType: context.signType, charset });
  const url = `${context.gateway}?${encodeForm({ params: { ...query, sign }, charset })}`;

  if (call.files !== undefined && call.files.length > 0) {
    const multipart = buildMultipartBody({
      parts: [...Object.entries(body).map(([name, value]) => ({ name, value })), ...call.files],
      charset,
      boundary: context.boundary,
    });
    return {
      request: { method: 'POST', url, headers: { 'content-type': multipart.contentType, 'content-length': String(multipart.contentLength) }, body: multipart.body },
      signContent: content,
      replayable: multipart.replayable,
    };
  }
  // Percent-encoding leaves only ASCII, so the form's bytes are the same in every charset.
  const form = new TextEncoder().encode(encodeForm({ params: body, charset }));
  return {
    request: { method: 'POST', url, headers: { 'content-type': `application/x-www-form-urlencoded;charset=${charset}`, 'content-length': String(form.length) }, body: form },
    signContent: content,
    replayable: true,
  };
}

