// STAND-IN for the trace ids of issue 13 ("trace and request ids on results and errors") and the task id
// of `zhima.merchant.closeloop.data.upload`. Today's @zhima/core carries none of them on
// `GatewayResult`/`GatewayError`/`TransportError`, so this reads the fields under the names the tracing
// issue proposes when they are there and gives `null` otherwise. When core types them, read them directly.

/**
 * The ids Alipay support asks for, as far as the library exposes them.
 *
 * @example
 * ```ts
 * const ids: CallIds = { traceId: '0bd5a8e417...', requestId: 'b3f1…', taskId: null };
 * ```
 */
export interface CallIds {
  traceId: string | null;
  requestId: string | null;
  taskId: string | null;
}

const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

/**
 * Reads `traceId`, `requestId` and the answer's `task_id` from an upload result or error.
 *
 * @example
 * ```ts
 * const { traceId } = callIds(await client.batchFeedback(input));
 * ```
 */
export function callIds(value: unknown): CallIds {
  const source = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const answer = (source.response ?? source.answer ?? {}) as Record<string, unknown>;
  return { traceId: text(source.traceId), requestId: text(source.requestId), taskId: text(answer.task_id) };
}
