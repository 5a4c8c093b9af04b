import type { GatewayAnswer } from '@zhima/core';
import { bytesToBase64, encodeText } from '@zhima/core/internal';
import { businessFailure, success } from '../gateway/answers.js';
import { bizText, readBizContent, required } from './business-params.js';
import type { MethodRequest } from './method.js';

/**
 * `alipay.open.app.alipaycert.download`: biz_content `{"alipay_cert_sn":…}` → `alipay_cert_content`,
 * the base64 of the PEM of that Alipay certificate: the first one, or one the sandbox rotated to
 * (whether or not it chains to the root: trusting it is the client's decision). An SN the sandbox never
 * signed under answers `40004 CERT_NOT_EXIST`.
 *
 * @example
 * ```ts
 * alipayCertDownload(request); // { code: '10000', msg: 'Success', alipay_cert_content: 'LS0tLS1CRUdJTi…' }
 * ```
 */
export function alipayCertDownload({ params, keyring }: MethodRequest): GatewayAnswer {
  const bizContent = readBizContent({ params, example: '{"alipay_cert_sn":"6f2c…"}' });
  const sn = required({ value: bizText({ bizContent, name: 'alipay_cert_sn' }), name: 'alipay_cert_sn' });
  const certificate = keyring.certificateBySn({ sn });
  if (certificate === undefined) {
    throw businessFailure({ subCode: 'CERT_NOT_EXIST', subMsg: `支付宝公钥证书不存在：${sn} / No Alipay public-key certificate has the SN ${sn}` });
  }
  return success({ alipay_cert_content: bytesToBase64({ bytes: encodeText({ text: certificate, charset: 'utf-8' }) }) });
}
