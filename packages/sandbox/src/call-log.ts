/**
 * One gateway call as the sandbox logged it: ids, outcome and sizes, never a parameter value, record,
 * key or signature (only the names of the params that came).
 *
 * @example
 * ```ts
 * const call: SandboxCall = {
 *   seq: 1, method: 'zhima.data.batch.feedback', appId: '2021000000000001', requestId: 'b3f1…', traceId: '0b8c…',
 *   status: 200, code: '10000', subCode: undefined, signed: true, alipayCertSn: undefined, taskId: undefined,
 *   paramNames: ['app_id', 'charset', 'columns', …], fileParamNames: ['file'], requestBytes: 1834, responseBytes: 412, fault: 'normal',
 * };
 * ```
 */
export interface SandboxCall {
  /** Arrival order, from 1. */
  seq: number;
  /** `undefined` when the request could not be read far enough to know. */
  method: string | undefined;
  appId: string | undefined;
  /** The `alipay-request-id` request header, when sent. */
  requestId: string | undefined;
  /** The `trace_id` response header of the answer: new for every call. */
  traceId: string;
  status: number;
  code: string;
  subCode: string | undefined;
  /** `false` for the unsigned answers (unknown app or sign type, unreadable request). */
  signed: boolean;
  /** The `alipay_cert_sn` the answer carried (certificate mode). */
  alipayCertSn: string | undefined;
  /** The `task_id` of an accepted closeloop or single upload. */
  taskId: string | undefined;
  /** The names of the text params of query and body, sorted (so a test can see what a client sends). */
  paramNames: string[];
  /** The names of the file params, sorted. */
  fileParamNames: string[];
  /** Bytes of the request body as received. */
  requestBytes: number;
  /** Bytes of the answer body. */
  responseBytes: number;
  fault: 'normal' | 'unavailable' | 'cut';
}

/**
 * The sandbox's call log, in arrival order.
 *
 * @example
 * ```ts
 * const log = new CallLog();
 * log.add({ method, appId, … });
 * log.list().at(-1)?.traceId;
 * ```
 */
export class CallLog {
  #calls: SandboxCall[] = [];
  #seq = 0;

  /**
   * Logs one call, numbering it.
   *
   * @example
   * ```ts
   * log.add({ method: undefined, appId: undefined, requestId: undefined, traceId, status: 200, code: '40001', … });
   * ```
   */
  add(call: Omit<SandboxCall, 'seq'>): void {
    this.#calls.push({ seq: ++this.#seq, ...call });
  }

  /**
   * Copies of the logged calls.
   *
   * @example
   * ```ts
   * log.list().filter((call) => call.code !== '10000');
   * ```
   */
  list(): SandboxCall[] {
    return this.#calls.map((call) => ({ ...call, paramNames: [...call.paramNames], fileParamNames: [...call.fileParamNames] }));
  }

  /**
   * Forgets the logged calls (numbering goes on).
   *
   * @example
   * ```ts
   * log.clear();
   * ```
   */
  clear(): void {
    this.#calls = [];
  }
}
