import type { GatewayAnswer } from '@zhima/core';
import { encodeText } from '@zhima/core/internal';
import { validateFeedbackParams, validateRecords } from '@zhima/validator';
import { businessFailure, success } from '../gateway/answers.js';
import { newTaskId } from '../ids.js';
import type { StoredRecord } from '../store.js';
import { bizText, checkDataUploadLimits, checkTemplateFields, readBizContent, rejectFirstError, required, sceneOf } from './business-params.js';
import type { MethodRequest } from './method.js';

/**
 * The limit of `data`, one record as JSON text. The API page does not say in what unit, so the sandbox
 * holds a record to it both in characters and in bytes of the request charset.
 *
 * @example
 * ```ts
 * data.length <= MAX_SINGLE_DATA_LENGTH;
 * ```
 */
export const MAX_SINGLE_DATA_LENGTH = 4096;

const EXAMPLE = '{"scene_code":"8","data":"{\\"order_no\\":\\"A1\\",\\"pay_month\\":\\"2024-01\\"}","primary_keys":"order_no,pay_month"}';

function parseRecord(data: string): StoredRecord {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    throw businessFailure({ subCode: 'JSON_PARSE_ERROR', subMsg: 'data 不是合法的 JSON / data is not valid JSON' });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw businessFailure({ subCode: 'JSON_PARSE_ERROR', subMsg: 'data 须为一条记录的 JSON 对象，如 {"order_no":"A1"} / data must be one record as a JSON object such as {"order_no":"A1"}' });
  }
  return value as StoredRecord;
}

/**
 * `zhima.merchant.single.data.upload` (单条数据传入): biz_content `scene_code` (a registered scene),
 * `data` (one record as a JSON string, ≤ 4096 characters and ≤ 4096 bytes of the request charset),
 * `primary_keys` (fields of that record), optional `linked_merchant_id` (≤ 16) and `biz_ext_params`
 * (a JSON object, ≤ 256). The record is checked as a one-record file — fields of the scene's template,
 * primary key values present, the scene's rules — and upserted into the app's records of that scene.
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
  const bytes = encodeText({ text: data, charset }).length;
  if (data.length > MAX_SINGLE_DATA_LENGTH || bytes > MAX_SINGLE_DATA_LENGTH) {
    throw businessFailure({
      subCode: 'INVALID_PARAMETER',
      subMsg: `data 为 ${data.length} 个字符、${bytes} 字节（${charset}），超过上限 ${MAX_SINGLE_DATA_LENGTH} / data is ${data.length} characters and ${bytes} bytes in ${charset}, over the limit of ${MAX_SINGLE_DATA_LENGTH}`,
    });
  }
  const record = parseRecord(data);
  const fields = Object.keys(record);
  const primaryKeys = required({ value: bizText({ bizContent, name: 'primary_keys' }), name: 'primary_keys' }).split(',');
  const outside = primaryKeys.find((key) => !fields.includes(key));
  if (outside !== undefined) {
    throw businessFailure({ subCode: 'INVALID_PRIMARY_ARGUMENTS', subMsg: `主键 ${JSON.stringify(outside)} 不是 data 中的字段 / primary key ${JSON.stringify(outside)} is not a field of data` });
  }
  checkTemplateFields({ fields, scene });
  // The record as a one-record file: the same checks (values, primary key values, rules, masking) as an upload.
  const report = await validateRecords({ input: encodeText({ text: `{"records":[${data}]}`, charset: 'utf-8' }), columns: fields, primaryKeyColumns: primaryKeys, records: 1, fileCharset: 'UTF-8', rules: scene.rules });
  rejectFirstError(report.issues);
  store.upsert({ partition: { appId, sceneCode: scene.sceneCode }, primaryKeyColumns: primaryKeys, records: [record] });
  return success({ task_id: newTaskId() });
}
