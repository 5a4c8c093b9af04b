// The default logger's line, loaded only by a client created with `log`.
import { formatBytes } from '../http/transfer/transfer-progress.js';
import { failureCodes, type ResponseEvent } from './tracing.js';

/**
 * @internal The default logger's line for one call, in `key=value` form: the method, the outcome, the
 * last attempt's status, code and ids, the attempts made, the total time and the bytes sent.
 */
export function callLogLine({ method, attempts, elapsedMs, last, error }: { method: string; attempts: number; elapsedMs: number; last: ResponseEvent | undefined; error?: unknown }): string {
  const fields: [string, string | number | undefined][] = [
    ['method', method],
    ['outcome', error === undefined ? 'ok' : 'failed'],
    ['error', error === undefined ? undefined : failureCodes(error).errorCode],
    ['reason', error === undefined ? undefined : failureCodes(error).reason],
    ['status', last?.status],
    ['code', last?.code],
    ['sub_code', last?.subCode],
    ['attempts', attempts],
    ['ms', Math.round(elapsedMs)],
    ['sent', last?.requestBytes === undefined ? undefined : formatBytes({ bytes: last.requestBytes }).replace(' ', '')],
    ['records', last?.records],
    ['request_id', last?.requestId],
    ['trace_id', last?.traceId],
  ];
  return `zhima ${fields
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}=${value}`)
    .join(' ')}`;
}
