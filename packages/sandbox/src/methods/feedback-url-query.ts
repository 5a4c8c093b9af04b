import { businessFailure, success, type Answer } from '../gateway/answers.js';

/**
 * The method this module serves.
 *
 * @example
 * ```ts
 * if (params.method === FEEDBACK_URL_QUERY) feedbackUrlQuery({ params, origin });
 * ```
 */
export const FEEDBACK_URL_QUERY = 'zhima.data.feedbackurl.query';

/**
 * Where the sandbox serves template downloads (what `feedback_url` points at).
 *
 * @example
 * ```ts
 * `${origin}${TEMPLATE_PATH}?merchant_id=2088102000000001`;
 * ```
 */
export const TEMPLATE_PATH = '/__sandbox/feedback-template';

/**
 * `zhima.data.feedbackurl.query`: reads `{"merchant_id":…}` from `biz_content` and answers a
 * `feedback_url` on the sandbox itself, where the template's columns can be downloaded.
 *
 * @example
 * ```ts
 * feedbackUrlQuery({ params: { biz_content: '{"merchant_id":"2088102000000001"}' }, origin: 'http://127.0.0.1:8080' });
 * // { code: '10000', msg: 'Success', feedback_url: 'http://127.0.0.1:8080/__sandbox/feedback-template?merchant_id=2088102000000001' }
 * ```
 */
export function feedbackUrlQuery({ params, origin }: { params: Record<string, string>; origin: string }): Answer {
  let bizContent: unknown;
  try {
    bizContent = JSON.parse(params.biz_content ?? '');
  } catch {
    throw businessFailure({ subCode: 'INVALID_PARAMETER', subMsg: 'biz_content 须为 JSON，如 {"merchant_id":"2088…"} / biz_content must be JSON such as {"merchant_id":"2088…"}' });
  }
  const merchantId = (bizContent as { merchant_id?: unknown } | null)?.merchant_id;
  if (typeof merchantId !== 'string' || merchantId === '') {
    throw businessFailure({ subCode: 'INVALID_PARAMETER', subMsg: 'biz_content 缺少 merchant_id / biz_content has no merchant_id' });
  }
  return success({ feedback_url: `${origin}${TEMPLATE_PATH}?merchant_id=${encodeURIComponent(merchantId)}` });
}
