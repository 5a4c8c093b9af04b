// The two queries for a template's URL: the feedback template (zhima.data.feedbackurl.query) and a
// scene's data template (zhima.merchant.data.upload.initialize). Both are biz_content calls.
import { requireOptions } from '../errors/argument-checks.js';
import type { GatewayCall } from '../request/gateway-request.js';
import { dataUploadParams, requiredText } from './data-upload-params.js';
import { DATA_UPLOAD_INITIALIZE_METHOD, FEEDBACK_URL_QUERY_METHOD } from './methods.js';

/**
 * The `zhima.data.feedbackurl.query` call: the URL of the app's feedback template (an `.xlsx` whose
 * field codes are the `columns` of batch feedback). `merchantId` is the merchant's PID (2088…);
 * blank is `PARAM_INVALID`.
 *
 * @example
 * ```ts
 * const { signContent } = await client.buildSignedRequest(feedbackUrlQueryCall({ merchantId: '2088102000000001' }));
 * ```
 */
export function feedbackUrlQueryCall(input: { merchantId: string }): GatewayCall {
  requireOptions(input, 'feedbackUrlQuery');
  const merchantId = requiredText({ value: input.merchantId, option: 'merchantId', example: "'2088102000000001'" });
  return { method: FEEDBACK_URL_QUERY_METHOD, params: { biz_content: JSON.stringify({ merchant_id: merchantId }) } };
}

/**
 * The `zhima.merchant.data.upload.initialize` call (数据传入初始化): the URL of a scene's data template.
 * **Possibly retired**: it was dropped from one official SDK in 2025; the feedback template comes from
 * `feedbackUrlQuery`. Blank `sceneCode`, or `linkedMerchantId` over 16 characters, is `PARAM_INVALID`.
 *
 * @example
 * ```ts
 * const call = dataUploadInitializeCall({ sceneCode: '8' });
 * ```
 */
export function dataUploadInitializeCall(input: { sceneCode: string; linkedMerchantId?: string }): GatewayCall {
  requireOptions(input, 'dataUploadInitialize');
  const sceneCode = requiredText({ value: input.sceneCode, option: 'sceneCode', example: "'8' (数据反馈)" });
  const { linked_merchant_id } = dataUploadParams({ linkedMerchantId: input.linkedMerchantId });
  return { method: DATA_UPLOAD_INITIALIZE_METHOD, params: { biz_content: JSON.stringify({ scene_code: sceneCode, linked_merchant_id }) } };
}
