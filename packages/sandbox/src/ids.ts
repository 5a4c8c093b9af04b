function randomHex(bytes: number): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/**
 * A new `trace_id` for one answer: 32 lowercase hex characters, unique per call, as the gateway's
 * header carries one per call.
 *
 * @example
 * ```ts
 * newTraceId(); // '0b8c5e1f…'
 * ```
 */
export function newTraceId(): string {
  return randomHex(16);
}

/**
 * A new `task_id` for one accepted upload ("每次上传都会生成一个任务号"): 32 lowercase hex characters.
 *
 * @example
 * ```ts
 * newTaskId(); // '5d1e9a…'
 * ```
 */
export function newTaskId(): string {
  return randomHex(16);
}
