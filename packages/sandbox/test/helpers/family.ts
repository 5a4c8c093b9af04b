// Calls of the feedback family built with the independent test client (helpers/client.ts).
import type { Sandbox } from '../../src/index.js';
import { chinaTimestamp, gatewayCall, publicParams, readAnswer, type FilePart, type ReadAnswer, type TestCharset } from './client.js';

export interface FamilyCall {
  sandbox: Sandbox;
  appId: string;
  privateKey: string;
  method: string;
  /** Verifies the answer with this key or certificate; the sandbox's alipayPublicKey by default. */
  alipayPublicKey?: string;
  charset?: TestCharset;
  /** Extra public params (certificate-mode SNs). */
  query?: Record<string, string>;
  headers?: Record<string, string>;
  now?: Date;
}

export interface FamilyAnswer extends ReadAnswer {
  traceId: string | null;
}

async function send(call: FamilyCall, request: Request): Promise<FamilyAnswer> {
  const headers = new Headers(request.headers);
  for (const [name, value] of Object.entries(call.headers ?? {})) headers.set(name, value);
  const response = await call.sandbox.fetch(new Request(request, { headers }));
  const answer = await readAnswer(response, { alipayPublicKey: call.alipayPublicKey ?? call.sandbox.alipayPublicKey, charset: call.charset ?? 'utf-8' });
  return { ...answer, traceId: response.headers.get('trace_id') };
}

function query(call: FamilyCall): Record<string, string> {
  return { ...publicParams({ appId: call.appId, method: call.method, timestamp: chinaTimestamp(call.now ?? new Date()), charset: call.charset }), ...call.query };
}

/** A biz_content method: `bizContent` is sent as given (a string) or as its JSON. */
export function bizCall(call: FamilyCall & { bizContent: string | Record<string, unknown> }): Promise<FamilyAnswer> {
  const biz = typeof call.bizContent === 'string' ? call.bizContent : JSON.stringify(call.bizContent);
  return send(call, gatewayCall({ query: query(call), body: { biz_content: biz }, charset: call.charset, privateKey: call.privateKey }));
}

/** An upload method: text params and file parts in a multipart body. */
export function uploadCall(call: FamilyCall & { fields: Record<string, string | undefined>; files: FilePart[] }): Promise<FamilyAnswer> {
  const body = Object.fromEntries(Object.entries(call.fields).filter((entry): entry is [string, string] => entry[1] !== undefined));
  return send(call, gatewayCall({ query: query(call), body, files: call.files, bodyKind: 'multipart', charset: call.charset, privateKey: call.privateKey }));
}
