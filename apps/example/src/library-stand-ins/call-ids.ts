// STAND-IN for the trace ids of issue 13 ("trace and request ids on results and errors"). Today's
// @zhima/core carries neither on `GatewayResult`/`GatewayError`/`TransportError`, so this reads them under
// the names the tracing issue proposes when they are there and gives `null` otherwise. When core types
// them, read them directly. (The answer's `task_id` needs no stand-in: `result.response` holds it.)

/**
 * The ids Alipay support asks for, as far as the library exposes them.
 *
 * @example
 * ```ts
 * const ids: CallIds = { traceId: '0bd5a8e417...', requestId: 'b3f1…' };
 * ```
 */
export interface CallIds {
  traceId: string | null;
  requestId: string | null;
}

const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

/**
 * Reads `traceId` and `requestId` from an upload result or error.
 *
 * @example
 * ```ts
 * const { traceId } = callIds(await client.batchFeedback(input));
 * ```
 */
export function callIds(value: unknown): CallIds {
  const source = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  return { traceId: text(source.traceId), requestId: text(source.requestId) };
}
