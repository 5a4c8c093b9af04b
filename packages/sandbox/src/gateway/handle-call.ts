import type { GatewayAnswer } from '@zhima/core';
import type { Charset } from '@zhima/core/internal';
import type { FieldRules } from '@zhima/validator';
import type { CallLog, SandboxCall } from '../call-log.js';
import type { AlipayKeyring } from '../certificates/keyring.js';
import type { Fault } from '../faults.js';
import { newTraceId } from '../ids.js';
import { METHOD_HANDLERS } from '../methods/index.js';
import type { SandboxScene } from '../scenes.js';
import type { RecordStore } from '../store.js';
import { Rejection, serviceUnavailable, type AnswerPlacement } from './answers.js';
import { identifyCaller, verifyCaller, type RegisteredApp } from './authenticate.js';
import { readGatewayRequest, type GatewayRequest } from './read-request.js';
import { renderAnswer, type Signing } from './render.js';

/**
 * Everything a gateway call reads or changes in the sandbox.
 *
 * @example
 * ```ts
 * const response = await answerGatewayCall({ request, state });
 * ```
 */
export interface GatewayState {
  apps: ReadonlyMap<string, RegisteredApp>;
  keyring: AlipayKeyring;
  alipayRootCertSn: string | undefined;
  store: RecordStore;
  scenes: ReadonlyMap<string, SandboxScene>;
  feedbackRules: FieldRules | undefined;
  calls: CallLog;
  nextFault: () => Fault;
  now: () => Date;
  maxBodyBytes: number;
  maxClockSkewMs: number;
}

/**
 * The response header that carries the answer's trace id, as the gateway sends it on v2 calls.
 *
 * @example
 * ```ts
 * response.headers.get(TRACE_ID_HEADER); // '0b8c5e1f…'
 * ```
 */
export const TRACE_ID_HEADER = 'trace_id';

/**
 * The request header a client's request id comes in (the official Node SDK sends it).
 *
 * @example
 * ```ts
 * request.headers.get(REQUEST_ID_HEADER);
 * ```
 */
export const REQUEST_ID_HEADER = 'alipay-request-id';

function delay(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}

// A body that delivers half its bytes and then fails: the node server turns the failure into a
// destroyed socket, an in-process caller sees its read reject.
function cutBody(bytes: Uint8Array): ReadableStream<Uint8Array> {
  let delivered = false;
  return new ReadableStream({
    // Erroring a stream drops what is queued, so the half goes out on one pull and the error on the next.
    pull(controller) {
      if (delivered) {
        controller.error(new Error('sandbox fault: connection cut mid-response'));
      } else {
        delivered = true;
        controller.enqueue(bytes.slice(0, Math.floor(bytes.length / 2)));
      }
    },
  });
}

function internalError(error: unknown): GatewayAnswer {
  return { code: '20000', msg: 'Service Currently Unavailable', sub_code: 'aop.unknow-error', sub_msg: `sandbox internal error: ${(error as Error)?.message}` };
}

function sortedNames(call: GatewayRequest | undefined): Pick<SandboxCall, 'paramNames' | 'fileParamNames'> {
  return { paramNames: Object.keys(call?.params ?? {}).sort(), fileParamNames: [...(call?.files.keys() ?? [])].sort() };
}

/**
 * Answers one call to the gateway path as the gateway does — read, identify the caller, verify, run the
 * method, sign — with the call's fault applied, a fresh `trace_id` header, and one entry in the call log.
 * A sandbox bug is still answered (an unsigned `20000` with HTTP 500), never thrown.
 *
 * @example
 * ```ts
 * const response = await answerGatewayCall({ request, state });
 * ```
 */
export async function answerGatewayCall({ request, state }: { request: Request; state: GatewayState }): Promise<Response> {
  const traceId = newTraceId();
  state.keyring.beginCall();
  const fault = state.nextFault();
  let call: GatewayRequest | undefined;
  let charset: Charset = 'utf-8';
  let signing: Signing | undefined;
  let method: string | undefined;
  let answer: GatewayAnswer;
  let placement: AnswerPlacement = 'method';
  let status = 200;
  try {
    call = await readGatewayRequest({ request, maxBodyBytes: state.maxBodyBytes });
    charset = call.charset;
    const { app, signType } = identifyCaller({ params: call.params, apps: state.apps });
    signing = state.keyring.signingFor({ app, signType });
    await verifyCaller({ params: call.params, charset, app, signType, methods: METHOD_HANDLERS, now: state.now(), maxClockSkewMs: state.maxClockSkewMs, alipayRootCertSn: state.alipayRootCertSn });
    method = call.params.method!;
    if (fault.outcome === 'unavailable') throw serviceUnavailable();
    answer = await METHOD_HANDLERS.get(method)!({
      appId: app.appId,
      params: call.params,
      files: call.files,
      charset,
      origin: new URL(request.url).origin,
      store: state.store,
      scenes: state.scenes,
      feedbackRules: state.feedbackRules,
      keyring: state.keyring,
    });
  } catch (error) {
    if (error instanceof Rejection) {
      ({ answer, placement, status } = error);
    } else {
      // A sandbox bug must still answer something a client can read, never take the server down.
      [answer, placement, status, signing, charset] = [internalError(error), 'error', 500, undefined, 'utf-8'];
    }
  }
  const rendered = await renderAnswer({ method, answer, placement, charset, signing });
  state.calls.add({
    method: call?.params.method,
    appId: call?.params.app_id,
    requestId: request.headers.get(REQUEST_ID_HEADER) ?? undefined,
    traceId,
    status,
    code: answer.code,
    subCode: answer.sub_code,
    signed: signing !== undefined,
    alipayCertSn: signing?.alipayCertSn,
    taskId: typeof answer.task_id === 'string' ? answer.task_id : undefined,
    ...sortedNames(call),
    requestBytes: call?.bodyBytes ?? (Number(request.headers.get('content-length')) || 0),
    responseBytes: rendered.bytes.length,
    fault: fault.outcome,
  });
  await delay(fault.delayMs);
  const headers = { 'content-type': `application/json;charset=${rendered.charset.toUpperCase()}`, 'content-length': String(rendered.bytes.length), [TRACE_ID_HEADER]: traceId };
  return new Response(fault.outcome === 'cut' ? cutBody(rendered.bytes) : (rendered.bytes as Uint8Array<ArrayBuffer>), { status, headers });
}
