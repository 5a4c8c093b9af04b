import { isAbsentParamValue } from '@zhima/core/internal';
import type { Issue } from '@zhima/validator';
import { businessFailure } from '../gateway/answers.js';
import type { SandboxScene } from '../scenes.js';

/**
 * The first error of a validator report as the gateway's answer: its code as sub_code, its message as
 * sub_msg, naming the field first when the message does not (the gateway names the field of a data
 * quality failure). Warnings pass.
 *
 * @example
 * ```ts
 * rejectFirstError(validateFeedbackParams(params).issues);
 * ```
 */
export function rejectFirstError(issues: readonly Issue[]): void {
  const first = issues.find((issue) => issue.severity === 'error');
  if (first === undefined) return;
  const named = first.field === undefined || first.message.includes(first.field) ? first.message : `${first.field}: ${first.message}`;
  throw businessFailure({ subCode: first.code, subMsg: named });
}

function invalid(subMsg: string): never {
  throw businessFailure({ subCode: 'INVALID_PARAMETER', subMsg });
}

/**
 * The `biz_content` of a call as a JSON object, or `40004 INVALID_PARAMETER`.
 *
 * @example
 * ```ts
 * readBizContent({ params, example: '{"scene_code":"8"}' }); // { scene_code: '8' }
 * ```
 */
export function readBizContent({ params, example }: { params: Readonly<Record<string, string>>; example: string }): Readonly<Record<string, unknown>> {
  let value: unknown;
  try {
    value = JSON.parse(params.biz_content ?? '');
  } catch {
    return invalid(`biz_content 须为 JSON 对象，如 ${example} / biz_content must be a JSON object such as ${example}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return invalid(`biz_content 须为 JSON 对象，如 ${example} / biz_content must be a JSON object such as ${example}`);
  return value as Record<string, unknown>;
}

/**
 * A text field of biz_content: a string (a number is taken as its text, as the gateway's JSON binding
 * does), `undefined` when absent or blank; anything else is `INVALID_PARAMETER`.
 *
 * @example
 * ```ts
 * bizText({ bizContent, name: 'scene_code' }); // '8'
 * ```
 */
export function bizText({ bizContent, name }: { bizContent: Readonly<Record<string, unknown>>; name: string }): string | undefined {
  const value = bizContent[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return invalid(`biz_content.${name} 须为字符串 / biz_content.${name} must be a string`);
  return isAbsentParamValue(value) ? undefined : value;
}

/**
 * A required text value, or `INVALID_PARAMETER` naming it.
 *
 * @example
 * ```ts
 * required({ value: bizText({ bizContent, name: 'merchant_id' }), name: 'merchant_id' });
 * ```
 */
export function required({ value, name }: { value: string | undefined; name: string }): string {
  return value ?? invalid(`缺少 ${name} / ${name} is required`);
}

/**
 * The registered scene of a `scene_code`, or `INVALID_PARAMETER` (missing, or not a scene this sandbox
 * has a template for).
 *
 * @example
 * ```ts
 * const scene = sceneOf({ sceneCode: params.scene_code, scenes });
 * ```
 */
export function sceneOf({ sceneCode, scenes }: { sceneCode: string | undefined; scenes: ReadonlyMap<string, SandboxScene> }): SandboxScene {
  const code = required({ value: sceneCode, name: 'scene_code' });
  const scene = scenes.get(code);
  if (scene === undefined) return invalid(`场景码 ${code} 未开通，已开通：${[...scenes.keys()].join('、')} / Scene ${code} is not open for this app; open scenes: ${[...scenes.keys()].join(', ')}`);
  return scene;
}

/**
 * Fields a record uses that the scene's template does not have: `INVALID_PARAMETER` naming the first.
 *
 * @example
 * ```ts
 * checkTemplateFields({ fields: ['order_no', 'pay_month'], scene });
 * ```
 */
export function checkTemplateFields({ fields, scene }: { fields: readonly string[]; scene: SandboxScene }): void {
  const known = new Set(scene.columns);
  const unknown = fields.find((field) => !known.has(field));
  if (unknown !== undefined) invalid(`字段 ${unknown} 不在场景 ${scene.sceneCode} 的数据模板中 / Field ${unknown} is not in the template of scene ${scene.sceneCode}`);
}

/**
 * A length limit of a text param (in characters, as the API pages state them): `INVALID_PARAMETER`.
 *
 * @example
 * ```ts
 * checkMaxLength({ value: params.linked_merchant_id, name: 'linked_merchant_id', max: 16 });
 * ```
 */
export function checkMaxLength({ value, name, max }: { value: string | undefined; name: string; max: number }): void {
  if (value !== undefined && value.length > max) invalid(`${name} 长度 ${value.length} 超过上限 ${max} / ${name} is ${value.length} characters, over the limit of ${max}`);
}

/**
 * The documented limits shared by the closeloop, single and initialize methods: `linked_merchant_id`
 * (a 二级商户 PID) at most 16 characters, `biz_ext_params` at most 256.
 *
 * @example
 * ```ts
 * checkDataUploadLimits({ linkedMerchantId: params.linked_merchant_id, bizExtParams: params.biz_ext_params });
 * ```
 */
export function checkDataUploadLimits({ linkedMerchantId, bizExtParams }: { linkedMerchantId: string | undefined; bizExtParams?: string | undefined }): void {
  checkMaxLength({ value: linkedMerchantId, name: 'linked_merchant_id', max: 16 });
  checkMaxLength({ value: bizExtParams, name: 'biz_ext_params', max: 256 });
}
