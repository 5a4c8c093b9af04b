// The parameters of the data-upload successors (zhima.merchant.*: closeloop, single, initialize), with
// the limits their API pages state (params/param-limits.ts).
import { argumentError } from '../errors/argument-checks.js';
import { DATA_UPLOAD_PARAM_MAX_LENGTHS } from '../params/param-limits.js';
import { isAbsentParamValue } from '../params/param-value.js';
import { bizExtParamsText, inputError } from './records-file-params.js';

const { linked_merchant_id: LINKED_MERCHANT_ID_MAX, biz_ext_params: BIZ_EXT_PARAMS_MAX } = DATA_UPLOAD_PARAM_MAX_LENGTHS;

/** @internal A required text field of the input (`sceneCode`, `merchantId`): present and not blank. */
export function requiredText({ value, option, example }: { value: unknown; option: string; example: string }): string {
  if (typeof value !== 'string') throw argumentError({ name: option, expected: `text, e.g. ${example}`, value });
  if (isAbsentParamValue(value)) throw inputError({ message: `${option} is blank: the gateway needs it.`, option, hint: `Give ${option}, e.g. ${example}.` });
  return value;
}

/** @internal The successor methods' optional `linked_merchant_id` (服务商模式 二级商户 PID) and `biz_ext_params`. */
export function dataUploadParams({ linkedMerchantId, bizExtParams }: { linkedMerchantId?: string | undefined; bizExtParams?: string | Record<string, unknown> | undefined }): {
  linked_merchant_id: string | undefined;
  biz_ext_params: string | undefined;
} {
  if (linkedMerchantId !== undefined && typeof linkedMerchantId !== 'string') throw argumentError({ name: 'linkedMerchantId', expected: 'text (a 2088… PID)', value: linkedMerchantId });
  if (linkedMerchantId !== undefined && linkedMerchantId.length > LINKED_MERCHANT_ID_MAX) {
    throw inputError({ message: `linkedMerchantId is ${linkedMerchantId.length} characters, over the limit of ${LINKED_MERCHANT_ID_MAX} (a PID is 16 digits, 2088…).`, option: 'linkedMerchantId' });
  }
  return { linked_merchant_id: linkedMerchantId, biz_ext_params: bizExtParamsText({ value: bizExtParams, max: BIZ_EXT_PARAMS_MAX }) };
}
