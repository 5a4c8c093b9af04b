import { SUBCLASS, ZhimaError, type ZhimaErrorCode, type ZhimaErrorFor } from './zhima-error.js';

/**
 * The gateway's answer fields, as the gateway names them.
 *
 * @example
 * ```ts
 * const answer: GatewayAnswer = { code: '40004', msg: 'Business Failed', sub_code: 'INVALID_PARAMETER' };
 * ```
 */
export interface GatewayAnswer {
  code: string;
  msg: string;
  sub_code?: string;
  sub_msg?: string;
  [field: string]: unknown;
}

interface Hint {
  retryable: boolean;
  hint: string;
  /** The client option the hint asks to change, when it names one. */
  option?: string;
  /** Sharper hints for particular `sub_msg` texts, first match wins; `hint` covers the rest. */
  bySubMsg?: readonly { pattern: RegExp; hint: string }[];
}

// Keyed by sub_code first, then by code: the sub_code is the more specific instruction.
const HINTS: Record<string, Hint> = {
  '20000': { retryable: true, hint: '网关暂时不可用，请稍后重试 / The gateway is busy: retry later (uploads are upserted by primary key, so re-sending is safe).' },
  'isp.unknow-error': { retryable: true, hint: '系统繁忙，请稍后重试 / The gateway is busy: retry later.' },
  READ_OPENAPIFILE_ERROR: { retryable: true, hint: '网关读取文件出错，请稍后重试 / The gateway failed to read the file: retry later.' },
  '20001': { retryable: false, hint: '授权令牌无效，请检查 app_auth_token / The auth token is invalid or expired: check appAuthToken.', option: 'appAuthToken' },
  '40001': { retryable: false, hint: '缺少必选参数 / A required parameter is missing: see sub_msg.' },
  '40006': { retryable: false, hint: '权限不足，请在开放平台控制台开通该接口 / Insufficient permission: enable this API for the app in the Alipay console.' },
  'isv.invalid-signature': {
    retryable: false,
    hint: '验签失败：确认应用私钥与控制台上传的应用公钥成对、charset 与 sign_type 一致；可用 `zhima sign` 打印待签名字符串比对 / Signature rejected: check that the private key matches the app public key uploaded in the console and that charset and signType match; `zhima sign` prints the sign content to compare.',
  },
  'isv.invalid-timestamp': {
    retryable: false,
    hint: '时间戳须为北京时间 (UTC+8) 且与网关相差不超过 15 分钟；请校准服务器时钟 / The timestamp must be China time (UTC+8) within 15 minutes of the gateway: sync the machine clock (NTP).',
  },
  'isv.missing-app-id': { retryable: false, hint: '缺少 app_id / app_id is missing: set appId.', option: 'appId' },
  'isv.invalid-app-id': { retryable: false, hint: 'app_id 无效 / app_id is unknown to the gateway: check appId and the environment (production or sandbox).', option: 'appId' },
  INVALID_PARAMETER: { retryable: false, hint: '数据质量校验未通过，错误字段见 sub_msg；上传前可用 @zhima/validator 检查 / Data quality check failed (field in sub_msg): validate the file with @zhima/validator before upload.' },
  INVALID_DATA_ARGUMENTS: { retryable: false, hint: '请检查 records、columns、primary_key_columns 是否完整且与文件一致 / records, columns or primary_key_columns are missing or disagree with the file.' },
  INVALID_FILE_TYPE: {
    retryable: false,
    hint: '文件类型不支持：目前只支持 txt 文件，文件名须以 .txt 结尾（默认 records.txt），file_type 为 json_data / Unsupported file type: only txt files are accepted: name the file *.txt (the default, records.txt) and send file_type json_data.',
    option: 'fileName',
  },
  INVALID_PRIMARY_ARGUMENTS: {
    retryable: false,
    hint: '主键列须都在 columns 中，且文件中的主键值不得重复；上传前可用 @zhima/validator 检查 / Every primary key column must be one of columns and key values must be unique in the file: validate it with @zhima/validator before upload.',
    bySubMsg: [
      {
        pattern: /重复|duplicat|repeat|唯一|unique/i,
        hint: '文件中有重复的主键值：上传前用 @zhima/validator 检查并去掉重复记录 / The file holds duplicate primary key values: validate it with @zhima/validator and remove the duplicates before upload.',
      },
      {
        pattern: /不在|不存在|不包含|not (?:in|among|found|exist)|column/i,
        hint: '主键列必须都在 columns 中 / Every primary key column must be one of columns.',
      },
    ],
  },
  JSON_PARSE_ERROR: { retryable: false, hint: '文件不是合法 JSON，须以 {"records": 开头 / The file is not valid JSON starting with {"records":: validate it with @zhima/validator.' },
};

/**
 * What the SDK knows about a gateway answer: whether retrying can help, and what to do. The hint
 * follows the `sub_code`, then the `code`; where one `sub_code` covers several causes, the `sub_msg`
 * picks the hint that fits (`INVALID_PRIMARY_ARGUMENTS`: duplicate key values vs a key column
 * missing from `columns`).
 *
 * @example
 * ```ts
 * describeGatewayAnswer({ code: '20000', sub_code: 'isp.unknow-error' }).retryable; // true
 * describeGatewayAnswer({ code: '40004', sub_code: 'INVALID_PRIMARY_ARGUMENTS', sub_msg: '主键重复' }).hint; // '文件中有重复的主键值…'
 * ```
 */
export function describeGatewayAnswer(answer: Pick<GatewayAnswer, 'code' | 'sub_code' | 'sub_msg'>): { retryable: boolean; hint: string | undefined; option: string | undefined } {
  const found = (answer.sub_code !== undefined ? HINTS[answer.sub_code] : undefined) ?? HINTS[answer.code];
  const subMsg = answer.sub_msg ?? '';
  const sharper = found?.bySubMsg?.find(({ pattern }) => pattern.test(subMsg));
  return { retryable: found?.retryable ?? false, hint: sharper?.hint ?? found?.hint, option: found?.option };
}

/**
 * The gateway answered, and the answer is not success (`code` other than `10000`).
 *
 * @example
 * ```ts
 * if (GatewayError.isInstance(err) && err.retryable) scheduleRetry();
 * ```
 */
export class GatewayError extends ZhimaError<'GATEWAY_ERROR'> {
  /** The gateway's `code`, e.g. `40004`. */
  readonly gatewayCode: string;
  readonly msg: string;
  readonly subCode: string | undefined;
  readonly subMsg: string | undefined;
  /** True for answers that a later attempt may turn into success. */
  readonly retryable: boolean;
  /** Whether the answer carried a valid gateway signature (unsigned error answers are legitimate). */
  readonly verified: boolean;
  /** The whole answer node. */
  readonly answer: GatewayAnswer;
  /** The `alipay-request-id` this client sent with the call (set by the client). */
  readonly requestId: string | undefined;
  /** The gateway's `trace_id` answer header: what Alipay support asks for. */
  readonly traceId: string | undefined;

  constructor({ answer, verified, method, requestId, traceId }: { answer: GatewayAnswer; verified: boolean; method: string; requestId?: string | undefined; traceId?: string | undefined }) {
    const { retryable, hint, option } = describeGatewayAnswer(answer);
    const detail = [answer.sub_code, answer.sub_msg].filter(Boolean).join(' ');
    super({
      code: 'GATEWAY_ERROR',
      message: `${method} failed: ${answer.code} ${answer.msg}${detail ? ` (${detail})` : ''}`,
      hint,
      option,
      [SUBCLASS]: true,
    });
    this.name = 'GatewayError';
    this.gatewayCode = answer.code;
    this.msg = answer.msg;
    this.subCode = answer.sub_code;
    this.subMsg = answer.sub_msg;
    this.retryable = retryable;
    this.verified = verified;
    this.answer = answer;
    this.requestId = requestId;
    this.traceId = traceId;
  }

  /**
   * Recognises gateway errors across copies of the package.
   *
   * @example
   * ```ts
   * if (GatewayError.isInstance(err)) console.log(err.subCode);
   * ```
   */
  static override isInstance(value: unknown): value is GatewayError;
  /** Inherited: the same as `ZhimaError.isInstance(value, code)`. */
  static override isInstance<C extends ZhimaErrorCode>(value: unknown, code: C): value is ZhimaErrorFor<C>;
  static override isInstance(value: unknown, code: ZhimaErrorCode = 'GATEWAY_ERROR'): boolean {
    return ZhimaError.isInstance(value, code);
  }
}
