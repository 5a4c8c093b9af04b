import type { GatewayAnswer } from '@zhima/core';
import { success } from '../gateway/answers.js';
import { FEEDBACK_SCENE_CODE } from '../scenes.js';
import { templateUrl } from '../templates/template-url.js';
import { bizText, readBizContent, required } from './business-params.js';
import type { MethodRequest } from './method.js';

/**
 * `zhima.data.feedbackurl.query`: biz_content `{"merchant_id":…}` → `feedback_url`, the app's feedback
 * template (scene `8`, 数据反馈) as an `.xlsx` on the sandbox: one URL per app id.
 *
 * @example
 * ```ts
 * feedbackUrlQuery(request);
 * // { code: '10000', msg: 'Success', feedback_url: 'http://127.0.0.1:8080/__sandbox/templates/8.xlsx?app_id=2021000000000001' }
 * ```
 */
export function feedbackUrlQuery({ appId, params, origin }: MethodRequest): GatewayAnswer {
  const bizContent = readBizContent({ params, example: '{"merchant_id":"2088…"}' });
  required({ value: bizText({ bizContent, name: 'merchant_id' }), name: 'merchant_id' });
  return success({ feedback_url: templateUrl({ origin, appId, sceneCode: FEEDBACK_SCENE_CODE }) });
}
