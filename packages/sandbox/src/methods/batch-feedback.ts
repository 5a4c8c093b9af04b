import type { GatewayAnswer } from '@zhima/core';
import { BATCH_FEEDBACK_METHOD } from '@zhima/core/internal';
import { validateFeedbackParams } from '@zhima/validator';
import { success } from '../gateway/answers.js';
import { rejectFirstError } from './business-params.js';
import type { MethodRequest } from './method.js';
import { acceptRecordsFile } from './records-file.js';

/**
 * `zhima.data.batch.feedback` (批量数据反馈): `@zhima/validator`'s `validateFeedbackParams` on the
 * params, then the records file (see `acceptRecordsFile`) checked against the sandbox's `rules`;
 * accepted records land in the app's batch-feedback records. The answer has no fields of its own.
 *
 * @example
 * ```ts
 * const answer = await batchFeedback(request); // { code: '10000', msg: 'Success' }
 * ```
 */
export async function batchFeedback({ appId, params, files, store, feedbackRules }: MethodRequest): Promise<GatewayAnswer> {
  rejectFirstError(validateFeedbackParams(params).issues);
  await acceptRecordsFile({ method: BATCH_FEEDBACK_METHOD, partition: { appId }, params, files, store, rules: feedbackRules, taskId: undefined });
  return success();
}
