import type { GatewayAnswer } from '@zhima/core';
import { CLOSELOOP_DATA_UPLOAD_METHOD } from '@zhima/core/internal';
import { validateCloseloopParams } from '@zhima/validator';
import { success } from '../gateway/answers.js';
import { newTaskId } from '../ids.js';
import { checkTemplateFields, rejectFirstError, sceneOf } from './business-params.js';
import type { MethodRequest } from './method.js';
import { acceptRecordsFile } from './records-file.js';

/**
 * `zhima.merchant.closeloop.data.upload` (批量数据传入): text params `scene_code` (a registered scene),
 * `file_charset`, `records`, `columns` (fields of the scene's template), `primary_key_columns`, optional
 * `linked_merchant_id` (≤ 16) and `biz_ext_params` (≤ 256), and the `file` part (≤ 52428800 bytes),
 * checked as batch feedback checks them, with the scene's rules. Accepted records land in the app's
 * records of that scene. The params are `@zhima/validator`'s `validateCloseloopParams`. The answer
 * carries a new `task_id` and echoes `biz_ext_params`.
 *
 * This method has no `file_type` or `file_description`: the file is JSON by definition. Values sent
 * under those names are covered by the signature like any param and otherwise ignored, as the gateway
 * ignores params a method does not define (the call log's `paramNames` shows that they came).
 *
 * @example
 * ```ts
 * const answer = await closeloopDataUpload(request); // { code: '10000', msg: 'Success', task_id: '5d1e…' }
 * ```
 */
export async function closeloopDataUpload({ appId, params, files, store, scenes }: MethodRequest): Promise<GatewayAnswer> {
  const scene = sceneOf({ sceneCode: params.scene_code, scenes });
  // The validator's one home for this method's params (lengths, column lists, records, charset; a
  // file_type or file_description is only a warning, as the gateway ignores them).
  rejectFirstError(validateCloseloopParams(params).issues);
  checkTemplateFields({ fields: params.columns!.split(','), scene });
  const taskId = newTaskId();
  await acceptRecordsFile({ method: CLOSELOOP_DATA_UPLOAD_METHOD, partition: { appId, sceneCode: scene.sceneCode }, params, files, store, rules: scene.rules, taskId });
  return success({ task_id: taskId, biz_ext_params: params.biz_ext_params });
}
