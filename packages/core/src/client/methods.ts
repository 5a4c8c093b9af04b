// The gateway method names of the Zhima data-feedback family, declared once: the client, the CLI and
// the sandbox all read them from here.

/**
 * `zhima.data.batch.feedback` (批量数据反馈): upload a `{"records":[…]}` file. The API this SDK is built around.
 *
 * @example
 * ```ts
 * await client.execute(BATCH_FEEDBACK_METHOD, …);
 * ```
 */
export const BATCH_FEEDBACK_METHOD = 'zhima.data.batch.feedback';

/**
 * `zhima.data.feedbackurl.query`: biz_content `{"merchant_id"}` → `feedback_url`, the `.xlsx` feedback
 * template of the app.
 *
 * @example
 * ```ts
 * await client.execute(FEEDBACK_URL_QUERY_METHOD, { bizContent: { merchant_id: '2088102000000001' } });
 * ```
 */
export const FEEDBACK_URL_QUERY_METHOD = 'zhima.data.feedbackurl.query';

/**
 * `zhima.merchant.closeloop.data.upload` (批量数据传入): the successor upload, the same records file per
 * `scene_code`; answers a `task_id`.
 *
 * @example
 * ```ts
 * const call: GatewayCall = { method: CLOSELOOP_DATA_UPLOAD_METHOD, params: { scene_code: '8', … }, files: [ … ] };
 * ```
 */
export const CLOSELOOP_DATA_UPLOAD_METHOD = 'zhima.merchant.closeloop.data.upload';

/**
 * `zhima.merchant.single.data.upload` (单条数据传入): one record as JSON in biz_content; answers a `task_id`.
 *
 * @example
 * ```ts
 * await client.execute(SINGLE_DATA_UPLOAD_METHOD, { bizContent: { scene_code: '8', data: '{"order_no":"A1",…}', primary_keys: 'order_no' } });
 * ```
 */
export const SINGLE_DATA_UPLOAD_METHOD = 'zhima.merchant.single.data.upload';

/**
 * `zhima.merchant.data.upload.initialize` (数据传入初始化): biz_content `{"scene_code"}` → `template_url`.
 * Dropped from one official SDK in 2025: it may be retiring.
 *
 * @example
 * ```ts
 * await client.execute(DATA_UPLOAD_INITIALIZE_METHOD, { bizContent: { scene_code: '8' } });
 * ```
 */
export const DATA_UPLOAD_INITIALIZE_METHOD = 'zhima.merchant.data.upload.initialize';

/**
 * `alipay.open.app.alipaycert.download`: biz_content `{"alipay_cert_sn"}` → `alipay_cert_content`, the
 * base64 of the Alipay public-key certificate PEM with that SN (certificate rotation).
 *
 * @example
 * ```ts
 * await client.execute(ALIPAY_CERT_DOWNLOAD_METHOD, { bizContent: { alipay_cert_sn: '6f2c…' } });
 * ```
 */
export const ALIPAY_CERT_DOWNLOAD_METHOD = 'alipay.open.app.alipaycert.download';
