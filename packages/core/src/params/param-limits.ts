// The length limits the API pages state for each method's params (in characters), in one place: the
// client enforces those it must refuse before sending, the validator reports all of them.

/**
 * `zhima.data.batch.feedback`: the longest value of each business param, from the API page.
 *
 * @example
 * ```ts
 * FEEDBACK_PARAM_MAX_LENGTHS.columns; // 100
 * ```
 */
export const FEEDBACK_PARAM_MAX_LENGTHS = {
  columns: 100,
  primary_key_columns: 100,
  records: 20,
  file_type: 20,
  file_charset: 10,
  biz_ext_params: 100,
  file_description: 100,
} as const;

/**
 * The data-upload successors (`zhima.merchant.closeloop.data.upload`, `…single.data.upload`): the
 * longest `linked_merchant_id` (a 16-digit PID) and `biz_ext_params`.
 *
 * @example
 * ```ts
 * DATA_UPLOAD_PARAM_MAX_LENGTHS.biz_ext_params; // 256
 * ```
 */
export const DATA_UPLOAD_PARAM_MAX_LENGTHS = { linked_merchant_id: 16, biz_ext_params: 256 } as const;

/**
 * The limit of a single upload's `data`. The API page gives no unit, so both characters and
 * request-charset bytes count.
 *
 * @example
 * ```ts
 * const fits = text.length <= MAX_SINGLE_DATA_LENGTH && encodeText({ text, charset }).length <= MAX_SINGLE_DATA_LENGTH;
 * ```
 */
export const MAX_SINGLE_DATA_LENGTH = 4096;
