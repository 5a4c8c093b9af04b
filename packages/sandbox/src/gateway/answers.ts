import type { GatewayAnswer } from '@zhima/core';

/**
 * Which node carries an answer: `error_response` for gateway-level failures (public params, signature,
 * body), the method's own `<method>_response` node for business answers and service errors.
 *
 * @example
 * ```ts
 * const placement: AnswerPlacement = 'error'; // {"error_response":{…}}
 * ```
 */
export type AnswerPlacement = 'error' | 'method';

/**
 * A request the sandbox answers with a failure instead of running the method. Thrown inside the
 * handler and turned into a response at its edge; never escapes the sandbox.
 *
 * @example
 * ```ts
 * throw missingParam('app_id');
 * ```
 */
export class Rejection extends Error {
  readonly answer: GatewayAnswer;
  readonly placement: AnswerPlacement;
  /** HTTP status: 200 like the gateway, except for requests the HTTP layer itself refuses. */
  readonly status: number;

  constructor({ answer, placement = 'error', status = 200 }: { answer: GatewayAnswer; placement?: AnswerPlacement; status?: number }) {
    super(`${answer.code} ${answer.sub_code ?? ''} ${answer.sub_msg ?? ''}`.trim());
    this.name = 'Rejection';
    this.answer = answer;
    this.placement = placement;
    this.status = status;
  }
}

/**
 * The success answer: `10000 Success` plus the method's result fields.
 *
 * @example
 * ```ts
 * success({ feedback_url: 'https://…' }); // { code: '10000', msg: 'Success', feedback_url: 'https://…' }
 * ```
 */
export function success(fields: Record<string, string | undefined> = {}): GatewayAnswer {
  // An absent optional field (biz_ext_params not sent) is left out of the answer, not written as null.
  const present = Object.entries(fields).filter((entry): entry is [string, string] => entry[1] !== undefined);
  return { code: '10000', msg: 'Success', ...Object.fromEntries(present) };
}

// The gateway spells each missing public param's sub_code in its own way.
const MISSING_SUB_CODE: Record<string, string> = {
  app_id: 'isv.missing-app-id',
  method: 'isv.missing-method',
  sign: 'isv.missing-signature',
  sign_type: 'isv.missing-signature-type',
  timestamp: 'isv.missing-timestamp',
  version: 'isv.missing-version',
};

/**
 * `40001 Missing Required Arguments` for a public param.
 *
 * @example
 * ```ts
 * missingParam('sign').answer.sub_code; // 'isv.missing-signature'
 * ```
 */
export function missingParam(name: string): Rejection {
  return new Rejection({
    answer: {
      code: '40001',
      msg: 'Missing Required Arguments',
      sub_code: MISSING_SUB_CODE[name] ?? `isv.missing-${name.replaceAll('_', '-')}`,
      sub_msg: `缺少必选参数 ${name} / Missing required parameter ${name}`,
    },
  });
}

/**
 * `40002 Invalid Arguments` with a gateway `isv.*` sub_code.
 *
 * @example
 * ```ts
 * invalidParam({ subCode: 'isv.invalid-timestamp', subMsg: '非法的时间戳参数 / Invalid timestamp' });
 * ```
 */
export function invalidParam({ subCode, subMsg, status }: { subCode: string; subMsg: string; status?: number }): Rejection {
  return new Rejection({ answer: { code: '40002', msg: 'Invalid Arguments', sub_code: subCode, sub_msg: subMsg }, status });
}

/**
 * `40004 Business Failed` with one of the method's documented sub_codes, in the method's node.
 *
 * @example
 * ```ts
 * businessFailure({ subCode: 'INVALID_FILE_TYPE', subMsg: 'file_type 须为 json_data / file_type must be json_data' });
 * ```
 */
export function businessFailure({ subCode, subMsg }: { subCode: string; subMsg: string }): Rejection {
  return new Rejection({ answer: { code: '40004', msg: 'Business Failed', sub_code: subCode, sub_msg: subMsg }, placement: 'method' });
}

/**
 * `20000 isp.unknow-error` (the gateway's own spelling): a transient failure the client should retry.
 *
 * @example
 * ```ts
 * serviceUnavailable().answer.code; // '20000'
 * ```
 */
export function serviceUnavailable(): Rejection {
  return new Rejection({
    answer: { code: '20000', msg: 'Service Currently Unavailable', sub_code: 'isp.unknow-error', sub_msg: '系统繁忙 / System busy' },
    placement: 'method',
  });
}
