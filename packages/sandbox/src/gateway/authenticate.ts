import { formatTimestamp, verifySignature, ZhimaError, type RsaKey } from '@zhima/core';
import { buildSignContent, parseTimestamp, type Charset, type SignType } from '@zhima/core/internal';
import { invalidParam, missingParam, Rejection } from './answers.js';

/**
 * An app the sandbox knows, with its keys parsed once.
 *
 * @example
 * ```ts
 * const app: RegisteredApp = { appId: '2021000000000001', publicKey: await importPublicKey({ key }) };
 * ```
 */
export interface RegisteredApp {
  appId: string;
  publicKey: RsaKey<'public'>;
  /** Certificate mode: the SN the app must send as `app_cert_sn`. */
  appCertSn?: string;
  /** When set, `app_auth_token` must be one of these. */
  appAuthTokens?: ReadonlySet<string>;
}

/**
 * Finds the calling app and the sign type. Failures here are answered unsigned: the gateway cannot
 * sign for an app it does not know or with a sign type it does not have.
 *
 * @example
 * ```ts
 * const { app, signType } = identifyCaller({ params, apps });
 * ```
 */
export function identifyCaller({ params, apps }: { params: Record<string, string>; apps: ReadonlyMap<string, RegisteredApp> }): { app: RegisteredApp; signType: SignType } {
  const appId = params.app_id;
  if (!appId) throw missingParam('app_id');
  const app = apps.get(appId);
  if (app === undefined) throw invalidParam({ subCode: 'isv.invalid-app-id', subMsg: `无效的AppID参数 ${appId} / Unknown app_id ${appId}` });
  const signType = params.sign_type;
  if (!signType) throw missingParam('sign_type');
  if (signType !== 'RSA2' && signType !== 'RSA') {
    throw invalidParam({ subCode: 'isv.invalid-signature-type', subMsg: `无效的签名类型 ${signType}，须为 RSA2 或 RSA / Invalid sign_type ${signType}: use RSA2 or RSA` });
  }
  return { app, signType };
}

/**
 * What the gateway checks once it knows the app, in its order. Every failure here is answered signed.
 *
 * @example
 * ```ts
 * await verifyCaller({ params, charset, app, signType, methods, now: new Date(), maxClockSkewMs: 15 * 60_000 });
 * ```
 */
export async function verifyCaller({
  params,
  charset,
  app,
  signType,
  methods,
  now,
  maxClockSkewMs,
  alipayRootCertSn,
}: {
  params: Record<string, string>;
  charset: Charset;
  app: RegisteredApp;
  signType: SignType;
  /** The methods served: `isv.invalid-method` for any other. */
  methods: { has(method: string): boolean };
  now: Date;
  maxClockSkewMs: number;
  alipayRootCertSn?: string | undefined;
}): Promise<void> {
  const method = params.method;
  if (!method) throw missingParam('method');
  if (!methods.has(method)) throw invalidParam({ subCode: 'isv.invalid-method', subMsg: `不存在的方法名 ${method} / Unknown method ${method}` });
  if (!params.version) throw missingParam('version');
  if (params.version !== '1.0') throw invalidParam({ subCode: 'isv.invalid-version', subMsg: `无效的版本号 ${params.version}，须为 1.0 / Invalid version ${params.version}: use 1.0` });
  if (params.format && params.format.toUpperCase() !== 'JSON') {
    throw invalidParam({ subCode: 'isv.invalid-format', subMsg: `无效的数据格式 ${params.format}，须为 JSON / Invalid format ${params.format}: use JSON` });
  }
  if (!params.timestamp) throw missingParam('timestamp');
  if (!params.sign) throw missingParam('sign');
  if (app.appCertSn !== undefined) checkCertificateSns({ params, appCertSn: app.appCertSn, alipayRootCertSn });
  const content = buildSignContent(params);
  if (!(await signatureMatches({ content, signature: params.sign, publicKey: app.publicKey, signType, charset }))) {
    throw invalidParam({
      subCode: 'isv.invalid-signature',
      subMsg: `验签出错，建议检查签名字符串或签名私钥与应用公钥是否匹配，网关生成的验签字符串为：${content} / Signature check failed; the gateway's sign content is shown`,
    });
  }
  const sent = parseTimestamp({ text: params.timestamp });
  if (sent === undefined || Math.abs(sent.getTime() - now.getTime()) > maxClockSkewMs) {
    throw invalidParam({
      subCode: 'isv.invalid-timestamp',
      subMsg: `非法的时间戳参数 ${params.timestamp}：须为北京时间 yyyy-MM-dd HH:mm:ss，且与网关时间 ${formatTimestamp({ date: now })} 相差不超过 ${Math.round(maxClockSkewMs / 60_000)} 分钟 / Invalid timestamp: China time, within ${Math.round(maxClockSkewMs / 60_000)} minutes of the gateway`,
    });
  }
  if (params.app_auth_token && app.appAuthTokens !== undefined && !app.appAuthTokens.has(params.app_auth_token)) {
    throw new Rejection({
      answer: { code: '20001', msg: 'Insufficient Token Permissions', sub_code: 'aop.invalid-app-auth-token', sub_msg: '无效的应用授权令牌 / Invalid app_auth_token' },
    });
  }
}

// Content the charset cannot encode (a runtime decoder's private-use code point for odd bytes) cannot
// have been signed in that charset: a mismatch, not a sandbox failure.
async function signatureMatches(options: Parameters<typeof verifySignature>[0]): Promise<boolean> {
  try {
    return await verifySignature(options);
  } catch (error) {
    if (ZhimaError.isInstance(error, 'PARAM_INVALID')) return false;
    throw error;
  }
}

function checkCertificateSns({ params, appCertSn, alipayRootCertSn }: { params: Record<string, string>; appCertSn: string; alipayRootCertSn: string | undefined }): void {
  if (!params.app_cert_sn) throw missingParam('app_cert_sn');
  if (params.app_cert_sn !== appCertSn) {
    throw invalidParam({ subCode: 'isv.app-cert-sn-mismatch', subMsg: `应用公钥证书序列号不匹配 / app_cert_sn ${params.app_cert_sn} does not match the app certificate (${appCertSn})` });
  }
  if (!params.alipay_root_cert_sn) throw missingParam('alipay_root_cert_sn');
  if (params.alipay_root_cert_sn !== alipayRootCertSn) {
    throw invalidParam({
      subCode: 'isv.alipay-root-cert-sn-mismatch',
      subMsg: `支付宝根证书序列号不匹配 / alipay_root_cert_sn ${params.alipay_root_cert_sn} does not match the Alipay root bundle (${alipayRootCertSn})`,
    });
  }
}
