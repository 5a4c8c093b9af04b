import { bilingual, type Issue } from '../report/issue.js';
import { toColumnNames } from './column-list.js';

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
const MAX_LENGTHS: Record<string, number> = {
  columns: 100,
  primary_key_columns: 100,
  records: 20,
  file_type: 20,
  file_charset: 10,
  biz_ext_params: 100,
  file_description: 100,
};

const WHITESPACE = /\s/;

const RECORDS_ZERO_MESSAGE = bilingual('records 为 0：没有可上传的数据，一次上传至少要有 1 条记录', 'records is 0: there is nothing to send; an upload needs at least one record');

function checkColumnList(field: 'columns' | 'primary_key_columns', names: string[], issues: Issue[]): void {
  const code = 'INVALID_DATA_ARGUMENTS';
  if (names.length === 0) {
    issues.push({ code, rule: 'param-required', severity: 'error', field, message: bilingual(`缺少 ${field}`, `${field} is required`) });
    return;
  }
  const seen = new Set<string>();
  names.forEach((name, position) => {
    if (name.trim() === '') {
      issues.push({ code, rule: 'column-blank', severity: 'error', field, message: bilingual(`${field} 第 ${position + 1} 项为空（多余的逗号？）`, `${field} item ${position + 1} is blank (a stray comma?)`) });
    } else if (WHITESPACE.test(name)) {
      issues.push({ code, rule: 'column-whitespace', severity: 'error', field, message: bilingual(`${field} 中的列名 ${JSON.stringify(name)} 含空白或换行`, `column name ${JSON.stringify(name)} in ${field} contains whitespace or a line break`) });
    } else if (seen.has(name)) {
      issues.push({ code, rule: 'column-duplicate', severity: 'error', field, message: bilingual(`${field} 中的列 ${name} 重复`, `column ${name} appears twice in ${field}`) });
    }
    seen.add(name);
  });
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

/**
 * Checks the request params of `zhima.data.batch.feedback` the way the gateway does: column lists well
 * formed (no blanks, whitespace or duplicates), every primary key column among `columns`, `records` a
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
  const columns = toColumnNames({ value: params.columns ?? '', name: 'columns' });
  const primaryKeys = toColumnNames({ value: params.primary_key_columns ?? '', name: 'primary_key_columns' });
  checkColumnList('columns', columns, issues);
  checkColumnList('primary_key_columns', primaryKeys, issues);
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

  const records = params.records;
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

  if (params.file_type !== 'json_data') {
    issues.push({
      code: 'INVALID_FILE_TYPE',
      rule: 'file-type',
      severity: 'error',
      field: 'file_type',
      message: bilingual(`file_type 须为 json_data，实际为 ${JSON.stringify(params.file_type ?? '')}`, `file_type must be json_data, got ${JSON.stringify(params.file_type ?? '')}`),
    });
  }

  const charset = params.file_charset ?? '';
  if (charset !== 'UTF-8' && charset !== 'GBK') {
    const caseOnly = charset.toUpperCase() === 'UTF-8' || charset.toUpperCase() === 'GBK';
    issues.push({
      code: 'INVALID_PARAMETER',
      rule: 'file-charset',
      severity: caseOnly ? 'warning' : 'error',
      field: 'file_charset',
      message: caseOnly
        ? bilingual(`file_charset 请按文档写作 ${charset.toUpperCase()}`, `write file_charset as documented: ${charset.toUpperCase()}`)
        : bilingual(`file_charset 须为 UTF-8 或 GBK，实际为 ${JSON.stringify(charset)}`, `file_charset must be UTF-8 or GBK, got ${JSON.stringify(charset)}`),
    });
  }

  if (params.biz_ext_params !== undefined && params.biz_ext_params !== '') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(params.biz_ext_params);
    } catch {
      parsed = undefined;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      issues.push({
        code: 'INVALID_PARAMETER',
        rule: 'biz-ext-params-json',
        severity: 'error',
        field: 'biz_ext_params',
        message: bilingual('biz_ext_params 须为 JSON 对象字符串，如 {"extparam1":"value1"}', 'biz_ext_params must be a JSON object string such as {"extparam1":"value1"}'),
      });
    }
  }

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

  return { ok: !issues.some((issue) => issue.severity === 'error'), issues };
}
