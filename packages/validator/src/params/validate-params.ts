import { DATA_UPLOAD_PARAM_MAX_LENGTHS, FEEDBACK_PARAM_MAX_LENGTHS, inspectColumnList, isAbsentParamValue, isJsonObjectText, normalizeFileCharset, parseColumnList, type ColumnListProblem } from '@zhima/core/internal';
import { bilingual, type Issue } from '../report/issue.js';

/**
 * The business params of `zhima.data.batch.feedback` as sent on the wire (text values; `file` is the
 * bytes and is checked by {@link validateRecords}). Column lists may also be arrays.
 *
 * @example
 * ```ts
 * const params: FeedbackParams = {
 *   columns: 'order_no,pay_month,user_name', primary_key_columns: 'order_no,pay_month',
 *   records: '1', file_type: 'json_data', file_charset: 'UTF-8',
 * };
 * ```
 */
export interface FeedbackParams {
  columns?: string | readonly string[];
  primary_key_columns?: string | readonly string[];
  records?: string | number;
  file_type?: string;
  file_charset?: string;
  biz_ext_params?: string;
  file_description?: string;
}

/**
 * Findings about the request params alone.
 *
 * @example
 * ```ts
 * const { ok, issues }: ParamsReport = validateFeedbackParams(params);
 * ```
 */
export interface ParamsReport {
  ok: boolean;
  issues: Issue[];
}

// Maximum lengths from the API page. Its own example `columns` is 128 characters, so these only warn.
const MAX_LENGTHS: Readonly<Record<string, number>> = FEEDBACK_PARAM_MAX_LENGTHS;

const RECORDS_ZERO_MESSAGE = bilingual('records 为 0：没有可上传的数据，一次上传至少要有 1 条记录', 'records is 0: there is nothing to send; an upload needs at least one record');

const COLUMN_RULES: Record<Exclude<ColumnListProblem['kind'], 'not-a-list'>, string> = {
  empty: 'param-required',
  blank: 'column-blank',
  whitespace: 'column-whitespace',
  comma: 'column-comma',
  duplicate: 'column-duplicate',
};

// Core's reading of a column list (trimmed names), its problems as findings. A value that is no list
// at all is an unusable option, thrown as core throws it.
function readColumnList(field: 'columns' | 'primary_key_columns', value: string | readonly string[], issues: Issue[]): string[] {
  const { names, problems } = inspectColumnList({ value, name: field });
  for (const problem of problems) {
    if (problem.kind === 'not-a-list') return parseColumnList({ value, name: field });
    issues.push({ code: 'INVALID_DATA_ARGUMENTS', rule: COLUMN_RULES[problem.kind], severity: 'error', field, message: bilingual(problem.zh, problem.message) });
  }
  return names;
}

function checkLength(field: string, value: string, issues: Issue[]): void {
  const max = MAX_LENGTHS[field];
  if (max !== undefined && value.length > max) {
    issues.push({
      code: 'INVALID_PARAMETER',
      rule: 'param-max-length',
      severity: 'warning',
      field,
      message: bilingual(`${field} 长度 ${value.length} 超过文档标注的 ${max}（网关实际接受更长的值）`, `${field} is ${value.length} characters, over the documented ${max} (the gateway accepts longer values in practice)`),
    });
  }
}

/** The column lists: each well formed, every primary key column among `columns`. Returns the column names. */
function checkColumnLists(params: { columns?: string | readonly string[] | undefined; primary_key_columns?: string | readonly string[] | undefined }, issues: Issue[]): { columns: string[]; primaryKeys: string[] } {
  const columns = readColumnList('columns', params.columns ?? '', issues);
  const primaryKeys = readColumnList('primary_key_columns', params.primary_key_columns ?? '', issues);
  const known = new Set(columns);
  for (const key of new Set(primaryKeys)) {
    if (key.trim() !== '' && !known.has(key)) {
      issues.push({
        code: 'INVALID_PRIMARY_ARGUMENTS',
        rule: 'primary-key-not-column',
        severity: 'error',
        field: 'primary_key_columns',
        message: bilingual(`主键列 ${key} 不在 columns 中`, `primary key column ${key} is not one of columns`),
      });
    }
  }
  return { columns, primaryKeys };
}

/** `records`: a positive decimal count (0 records is nothing to send). Returns its text. */
function checkRecordCount(records: string | number | undefined, issues: Issue[]): string | undefined {
  const recordsText = typeof records === 'number' ? String(records) : records;
  if (recordsText === undefined || recordsText === '') {
    issues.push({ code: 'INVALID_DATA_ARGUMENTS', rule: 'param-required', severity: 'error', field: 'records', message: bilingual('缺少 records', 'records is required') });
  } else if (recordsText === '0') {
    issues.push({ code: 'INVALID_DATA_ARGUMENTS', rule: 'records-empty', severity: 'error', field: 'records', message: RECORDS_ZERO_MESSAGE });
  } else if (!/^[1-9]\d*$/.test(recordsText) || !Number.isSafeInteger(Number(recordsText))) {
    issues.push({
      code: 'INVALID_DATA_ARGUMENTS',
      rule: 'records-not-count',
      severity: 'error',
      field: 'records',
      message: bilingual(`records 须为正整数（十进制，无符号、无前导零），实际为 ${JSON.stringify(recordsText)}`, `records must be a positive decimal integer without sign or leading zeros, got ${JSON.stringify(recordsText)}`),
    });
  }
  return recordsText;
}

// Core's reading decides; a spelling it reads but the API page does not show is worth a warning.
function checkFileCharset(fileCharset: string | undefined, issues: Issue[]): void {
  const charset = fileCharset ?? '';
  let normalized: string | undefined;
  try {
    normalized = normalizeFileCharset({ fileCharset: charset });
  } catch {
    normalized = undefined;
  }
  if (normalized !== charset) {
    issues.push({
      code: 'INVALID_PARAMETER',
      rule: 'file-charset',
      severity: normalized === undefined ? 'error' : 'warning',
      field: 'file_charset',
      message:
        normalized === undefined
          ? bilingual(`file_charset 须为 UTF-8 或 GBK，实际为 ${JSON.stringify(charset)}`, `file_charset must be UTF-8 or GBK, got ${JSON.stringify(charset)}`)
          : bilingual(`file_charset 请按文档写作 ${normalized}`, `write file_charset as documented: ${normalized}`),
    });
  }
}

/** `biz_ext_params`, when given: a JSON object string. */
function checkBizExtParams(bizExtParams: string | undefined, issues: Issue[]): void {
  if (bizExtParams === undefined || isAbsentParamValue(bizExtParams)) return;
  if (!isJsonObjectText({ text: bizExtParams })) {
    issues.push({
      code: 'INVALID_PARAMETER',
      rule: 'biz-ext-params-json',
      severity: 'error',
      field: 'biz_ext_params',
      message: bilingual('biz_ext_params 须为 JSON 对象字符串，如 {"extparam1":"value1"}', 'biz_ext_params must be a JSON object string such as {"extparam1":"value1"}'),
    });
  }
}

function report(issues: Issue[]): ParamsReport {
  return { ok: !issues.some((issue) => issue.severity === 'error'), issues };
}

/**
 * Checks the request params of `zhima.data.batch.feedback` the way the gateway does: column lists well
 * formed as `@zhima/core` reads them (names trimmed; no blanks, inner whitespace or duplicates), every primary key column among `columns`, `records` a
 * positive integer (0 records is nothing to send), `file_type` `json_data`, `file_charset` UTF-8 or GBK, `biz_ext_params` valid JSON.
 * Documented maximum lengths are warnings only. Findings are returned, never thrown.
 *
 * @example
 * ```ts
 * const { ok, issues } = validateFeedbackParams({
 *   columns: 'order_no,pay_month,user_name', primary_key_columns: 'order_no,pay_month',
 *   records: '2', file_type: 'json_data', file_charset: 'UTF-8',
 * });
 * // ok === true, issues === []
 * ```
 */
export function validateFeedbackParams(params: FeedbackParams): ParamsReport {
  const issues: Issue[] = [];
  const { columns, primaryKeys } = checkColumnLists(params, issues);
  const recordsText = checkRecordCount(params.records, issues);

  if (params.file_type !== 'json_data') {
    issues.push({
      code: 'INVALID_FILE_TYPE',
      rule: 'file-type',
      severity: 'error',
      field: 'file_type',
      message: bilingual(`file_type 须为 json_data，实际为 ${JSON.stringify(params.file_type ?? '')}`, `file_type must be json_data, got ${JSON.stringify(params.file_type ?? '')}`),
    });
  }
  checkFileCharset(params.file_charset, issues);
  checkBizExtParams(params.biz_ext_params, issues);

  const texts: Record<string, string | undefined> = {
    columns: columns.join(','),
    primary_key_columns: primaryKeys.join(','),
    records: recordsText,
    file_type: params.file_type,
    file_charset: params.file_charset,
    biz_ext_params: params.biz_ext_params,
    file_description: params.file_description,
  };
  for (const [field, value] of Object.entries(texts)) if (value !== undefined) checkLength(field, value, issues);

  return report(issues);
}

/**
 * The text params of `zhima.merchant.closeloop.data.upload` (批量数据传入, the successor upload), as sent
 * on the wire; the `file` part is checked by `validateRecords`.
 *
 * @example
 * ```ts
 * const params: CloseloopParams = { scene_code: '8', columns: 'order_no,pay_month', primary_key_columns: 'order_no,pay_month', records: '2', file_charset: 'UTF-8' };
 * ```
 */
export interface CloseloopParams {
  /** The scene whose template the records follow (`8` 数据反馈, `32` 骑行, `CAR_RENTING`, …). Required. */
  scene_code?: string;
  columns?: string | readonly string[];
  primary_key_columns?: string | readonly string[];
  records?: string | number;
  file_charset?: string;
  /** 服务商模式: the 二级商户 PID, at most 16 characters. */
  linked_merchant_id?: string;
  /** A JSON object string, at most 256 characters. */
  biz_ext_params?: string;
  /** Not a param of this method (the file is JSON by definition): a warning when sent. */
  file_type?: string;
  /** Not a param of this method: a warning when sent. */
  file_description?: string;
}

// The limits the closeloop and single upload pages state (in characters), enforced like the gateway.
const CLOSELOOP_MAX_LENGTHS = DATA_UPLOAD_PARAM_MAX_LENGTHS;

/**
 * Checks the params of `zhima.merchant.closeloop.data.upload`: `scene_code` present; the column lists,
 * `records` and `file_charset` as for batch feedback (one home: the same checks, codes and messages);
 * `linked_merchant_id` at most 16 characters and `biz_ext_params` a JSON object of at most 256 (errors,
 * as the gateway refuses them); `file_type` and `file_description`, which this method does not define,
 * are warnings (the gateway ignores them, but they are covered by the signature). Never throws.
 *
 * @example
 * ```ts
 * import { validateCloseloopParams } from '@zhima/validator';
 *
 * const { ok, issues } = validateCloseloopParams({ scene_code: '8', columns: 'order_no,pay_month', primary_key_columns: 'order_no,pay_month', records: '2', file_charset: 'UTF-8', linked_merchant_id: '2088123456789012345' });
 * // ok false: linked_merchant_id is 19 characters, over 16
 * ```
 */
export function validateCloseloopParams(params: CloseloopParams): ParamsReport {
  const issues: Issue[] = [];
  if (params.scene_code === undefined || isAbsentParamValue(params.scene_code)) {
    issues.push({ code: 'INVALID_PARAMETER', rule: 'param-required', severity: 'error', field: 'scene_code', message: bilingual('缺少 scene_code（场景码，如 8 数据反馈）', 'scene_code is required (the scene, e.g. 8 for data feedback)') });
  }
  checkColumnLists(params, issues);
  checkRecordCount(params.records, issues);
  checkFileCharset(params.file_charset, issues);
  checkBizExtParams(params.biz_ext_params, issues);
  for (const [field, max] of Object.entries(CLOSELOOP_MAX_LENGTHS)) {
    const value = params[field as keyof typeof CLOSELOOP_MAX_LENGTHS];
    if (value !== undefined && value.length > max) {
      issues.push({
        code: 'INVALID_PARAMETER',
        rule: 'param-max-length',
        severity: 'error',
        field,
        message: bilingual(`${field} 长度 ${value.length} 超过上限 ${max}`, `${field} is ${value.length} characters, over the limit of ${max}`),
      });
    }
  }
  for (const field of ['file_type', 'file_description'] as const) {
    if (params[field] !== undefined) {
      issues.push({
        code: 'INVALID_PARAMETER',
        rule: 'param-not-defined',
        severity: 'warning',
        field,
        message: bilingual(`批量数据传入没有 ${field} 参数：网关会忽略它，请不要发送`, `zhima.merchant.closeloop.data.upload has no ${field} param: the gateway ignores it; leave it out`),
      });
    }
  }
  return report(issues);
}
