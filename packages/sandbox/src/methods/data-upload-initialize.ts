import type { GatewayAnswer } from '@zhima/core';
import { success } from '../gateway/answers.js';
import { templateUrl } from '../templates/template-url.js';
import { bizText, checkDataUploadLimits, readBizContent, sceneOf } from './business-params.js';
import type { MethodRequest } from './method.js';

/**
 * `zhima.merchant.data.upload.initialize` (数据传入初始化): biz_content `scene_code` (a registered scene)
 * and optional `linked_merchant_id` (≤ 16) → `template_url`, the scene's `.xlsx` template on the sandbox.
 *
 * @example
 * ```ts
 * dataUploadInitialize(request);
 * // { code: '10000', msg: 'Success', template_url: 'http://127.0.0.1:8080/__sandbox/templates/8.xlsx?app_id=2021000000000001' }
 * ```
 */
export function dataUploadInitialize({ appId, params, origin, scenes }: MethodRequest): GatewayAnswer {
  const bizContent = readBizContent({ params, example: '{"scene_code":"8"}' });
  const scene = sceneOf({ sceneCode: bizText({ bizContent, name: 'scene_code' }), scenes });
  checkDataUploadLimits({ linkedMerchantId: bizText({ bizContent, name: 'linked_merchant_id' }) });
  return success({ template_url: templateUrl({ origin, appId, sceneCode: scene.sceneCode }) });
}
