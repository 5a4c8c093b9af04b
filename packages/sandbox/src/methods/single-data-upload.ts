import type { GatewayAnswer } from '@zhima/core';
import { inspectColumnList } from '@zhima/core/internal';
import { checkRecordText, validateFeedbackParams } from '@zhima/validator';
import { businessFailure, success } from '../gateway/answers.js';
import { newTaskId } from '../ids.js';
import type { StoredRecord } from '../store.js';
import { bizText, checkDataUploadLimits, checkTemplateFields, readBizContent, rejectFirstError, required, sceneOf } from './business-params.js';
import type { MethodRequest } from './method.js';

const EXAMPLE = '{"scene_code":"8","data":"{\\"order_no\\":\\"A1\\",\\"pay_month\\":\\"2024-01\\"}","primary_keys":"order_no,pay_month"}';

/**
 * `zhima.merchant.single.data.upload` (单条数据传入): biz_content `scene_code` (a registered scene),
 * `data` (one record as a JSON string, ≤ 4096 characters and ≤ 4096 bytes of the request charset),
 * `primary_keys` (fields of that record), optional `linked_merchant_id` (≤ 16) and `biz_ext_params`
 * (a JSON object, ≤ 256). The record is checked by `@zhima/validator`'s `checkRecordText` (limits,
 * JSON, primary keys among its fields and present, the scene's rules), then against the fields of the
 * scene's template, and upserted into the app's records of that scene.
 * The answer carries a new `task_id`.
 *
 * @example
 * ```ts
 * const answer = await singleDataUpload(request); // { code: '10000', msg: 'Success', task_id: '5d1e…' }
 * ```
 */
export async function singleDataUpload({ appId, params, charset, store, scenes }: MethodRequest): Promise<GatewayAnswer> {
  const bizContent = readBizContent({ params, example: EXAMPLE });
  const scene = sceneOf({ sceneCode: bizText({ bizContent, name: 'scene_code' }), scenes });
  const bizExtParams = bizText({ bizContent, name: 'biz_ext_params' });
  checkDataUploadLimits({ linkedMerchantId: bizText({ bizContent, name: 'linked_merchant_id' }), bizExtParams });
  // The validator's biz_ext_params rule (a JSON object), the one a file upload is held to.
  rejectFirstError(validateFeedbackParams({ biz_ext_params: bizExtParams }).issues.filter((issue) => issue.field === 'biz_ext_params'));

  const data = required({ value: bizText({ bizContent, name: 'data' }), name: 'data' });
  // Read as every column list is read (core's one home); a list the validator cannot take is the gateway's primary-key answer.
  const { names: primaryKeys, problems } = inspectColumnList({ value: required({ value: bizText({ bizContent, name: 'primary_keys' }), name: 'primary_keys' }), name: 'primary_keys' });
  if (problems[0] !== undefined) throw businessFailure({ subCode: 'INVALID_PRIMARY_ARGUMENTS', subMsg: `${problems[0].zh} / ${problems[0].message}` });
  // The validator's one home for a record as text: 4096 in characters and request-charset bytes, strict
  // JSON, an object, primary keys among its fields and present, the scene's rules, masking.
  const check = checkRecordText({ text: data, primaryKeyColumns: primaryKeys, charset, rules: scene.rules });
  // The gateway names the field: findings about the text as a whole are about `data`.
  rejectFirstError(check.issues.map((issue) => (issue.field === undefined ? { ...issue, field: 'data' } : issue)));
  const record = check.record as StoredRecord;
  checkTemplateFields({ fields: Object.keys(record), scene });
  store.upsert({ partition: { appId, sceneCode: scene.sceneCode }, primaryKeyColumns: primaryKeys, records: [record] });
  return success({ task_id: newTaskId() });
}
