import { encodeText, normalizeCharset, type Charset } from '../encoding/charset.js';
import { argumentError, requireOptions } from '../errors/argument-checks.js';
import { parseColumnList } from '../params/column-list.js';
import { isAbsentParamValue, jsonParam } from '../params/param-value.js';
import type { GatewayCall } from '../request/gateway-request.js';
import { dataUploadParams, requiredText } from './data-upload-params.js';
import { SINGLE_DATA_UPLOAD_METHOD } from './methods.js';
import { inputError } from './records-file-params.js';
import { MAX_SINGLE_DATA_LENGTH } from '../params/param-limits.js';

/**
 * The parameters of `zhima.merchant.single.data.upload` (单条数据传入): one record, for a correction
 * between two nightly files.
 *
 * @example
 * ```ts
 * const input: SingleDataUploadInput = { sceneCode: '8', data: { order_no: 'A1', pay_month: '2024-01', overdue_days: '0' }, primaryKeys: 'order_no,pay_month' };
 * ```
 */
export interface SingleDataUploadInput {
  /** The scene (场景码) whose template the record follows, e.g. `8` 数据反馈. */
  sceneCode: string;
  /**
   * The record: an object (serialised with `JSON.stringify`) or its JSON text (sent as given). At most
   * 4096 characters and 4096 bytes in the request charset: the docs do not say which, so both hold.
   */
  data: Record<string, unknown> | string;
  /** The record's primary key fields, as an array or a comma-separated string; each must have a value in `data`. */
  primaryKeys: string | readonly string[];
  /** 服务商模式: the 二级商户 PID (at most 16 characters). */
  linkedMerchantId?: string;
  /** A JSON object (or its text) of at most 256 characters. */
  bizExtParams?: string | Record<string, unknown>;
  /**
   * The request charset, in whose bytes the 4096 limit is also counted. The client passes its own; give
   * it when building a call for a client whose `charset` is not `utf-8`. Default `utf-8`.
   */
  charset?: Charset | string;
}

function recordText(data: SingleDataUploadInput['data']): string {
  if (typeof data === 'string') return data;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw argumentError({ name: 'data', expected: 'one record as an object or its JSON text', value: data });
  return jsonParam({ value: data, name: 'data' })!;
}

// The record parsed, to check its shape and keys; never quoted in a message (it is personal data).
function parseRecord(text: string): Record<string, unknown> {
  let record: unknown;
  try {
    record = JSON.parse(text);
  } catch {
    throw inputError({ message: `data is not valid JSON (${text.length} characters): the gateway answers JSON_PARSE_ERROR.`, option: 'data', hint: 'Give the record as an object, or as the text JSON.stringify(record) makes.' });
  }
  if (typeof record !== 'object' || record === null || Array.isArray(record)) {
    throw inputError({ message: 'data must be one record: a JSON object such as {"order_no":"A1"}.', option: 'data', hint: 'Send one record per call; a file of records goes to closeloopDataUpload.' });
  }
  return record as Record<string, unknown>;
}

/**
 * Turns one record into a `zhima.merchant.single.data.upload` call, refusing with `PARAM_INVALID` (its
 * `option` naming the field; record values never quoted) what the gateway refuses for sure: `data` that
 * is not one JSON object, over 4096 characters or over 4096 bytes in the request charset, a primary key
 * that is not a field of the record or has no value, a blank `sceneCode`, and the limits of
 * `linkedMerchantId` (16) and `bizExtParams` (256). Check the record against the template's rules first
 * with `@zhima/validator` (the same rules and masking as a file).
 *
 * @example
 * ```ts
 * const call = singleDataUploadCall({ sceneCode: '8', data: { order_no: 'A1', pay_month: '2024-01' }, primaryKeys: ['order_no', 'pay_month'], charset: 'gbk' });
 * ```
 */
export function singleDataUploadCall(input: SingleDataUploadInput): GatewayCall {
  requireOptions(input, 'singleDataUpload');
  const sceneCode = requiredText({ value: input.sceneCode, option: 'sceneCode', example: "'8' (数据反馈)" });
  const charset = normalizeCharset({ charset: input.charset ?? 'utf-8' });
  const data = recordText(input.data);
  const bytes = encodeText({ text: data, charset }).length;
  if (data.length > MAX_SINGLE_DATA_LENGTH || bytes > MAX_SINGLE_DATA_LENGTH) {
    throw inputError({
      message: `data is ${data.length} characters and ${bytes} bytes in ${charset}, over the limit of ${MAX_SINGLE_DATA_LENGTH} (counted both ways: the docs do not say which).`,
      option: 'data',
      hint: '单条数据过长：请精简字段值，或改用 closeloopDataUpload 批量上传 / The record is too long: shorten its values, or send it in a file with closeloopDataUpload.',
    });
  }
  const record = parseRecord(data);
  const primaryKeys = parseColumnList({ value: input.primaryKeys, name: 'primaryKeys' });
  for (const key of primaryKeys) {
    if (!Object.hasOwn(record, key)) throw inputError({ message: `Primary key ${key} is not a field of data.`, option: 'primaryKeys' });
    const value = record[key];
    if (typeof value !== 'string' && typeof value !== 'number') throw inputError({ message: `Primary key ${key} has no text value in data.`, option: 'data' });
    if (isAbsentParamValue(value)) throw inputError({ message: `Primary key ${key} is blank in data: the gateway needs a value to upsert by.`, option: 'data' });
  }
  const bizContent = { scene_code: sceneCode, data, primary_keys: primaryKeys.join(','), ...dataUploadParams(input) };
  return { method: SINGLE_DATA_UPLOAD_METHOD, params: { biz_content: JSON.stringify(bizContent) } };
}
