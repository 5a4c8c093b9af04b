import { ALIPAY_CERT_DOWNLOAD_METHOD, BATCH_FEEDBACK_METHOD, CLOSELOOP_DATA_UPLOAD_METHOD, DATA_UPLOAD_INITIALIZE_METHOD, FEEDBACK_URL_QUERY_METHOD, SINGLE_DATA_UPLOAD_METHOD } from '@zhima/core/internal';
import { alipayCertDownload } from './alipay-cert-download.js';
import { batchFeedback } from './batch-feedback.js';
import { closeloopDataUpload } from './closeloop-data-upload.js';
import { dataUploadInitialize } from './data-upload-initialize.js';
import { feedbackUrlQuery } from './feedback-url-query.js';
import type { MethodHandler } from './method.js';
import { singleDataUpload } from './single-data-upload.js';

/**
 * The methods the sandbox serves, by name; any other `method` is answered `isv.invalid-method`.
 *
 * @example
 * ```ts
 * const handler = METHOD_HANDLERS.get(params.method);
 * ```
 */
export const METHOD_HANDLERS: ReadonlyMap<string, MethodHandler> = new Map<string, MethodHandler>([
  [BATCH_FEEDBACK_METHOD, batchFeedback],
  [FEEDBACK_URL_QUERY_METHOD, feedbackUrlQuery],
  [CLOSELOOP_DATA_UPLOAD_METHOD, closeloopDataUpload],
  [SINGLE_DATA_UPLOAD_METHOD, singleDataUpload],
  [DATA_UPLOAD_INITIALIZE_METHOD, dataUploadInitialize],
  [ALIPAY_CERT_DOWNLOAD_METHOD, alipayCertDownload],
]);
