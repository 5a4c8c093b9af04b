import { ZhimaError } from '@zhima/core';
import type { CallLog } from './call-log.js';
import type { AlipayKeyring } from './certificates/keyring.js';
import type { SandboxScene } from './scenes.js';
import type { RecordStore } from './store.js';
import { templateSceneCode } from './templates/template-url.js';
import { headerRowXlsx, XLSX_CONTENT_TYPE } from './templates/xlsx.js';

/**
 * Paths under this prefix are the sandbox's own endpoints, not the gateway.
 *
 * @example
 * ```ts
 * if (url.pathname.startsWith(TOOLING_PREFIX)) return handleToolingRequest({ request, url, tooling });
 * ```
 */
export const TOOLING_PREFIX = '/__sandbox/';

/**
 * What the tooling endpoints read and change.
 *
 * @example
 * ```ts
 * const tooling: ToolingState = { store, calls, keyring, scenes, appIds, alipayPublicKey, alipayRootCertificate };
 * ```
 */
export interface ToolingState {
  store: RecordStore;
  calls: CallLog;
  keyring: AlipayKeyring;
  scenes: ReadonlyMap<string, SandboxScene>;
  appIds: readonly string[];
  alipayPublicKey: string;
  alipayRootCertificate: string | undefined;
}

function json(value: unknown, status = 200): Response {
  return new Response(JSON.stringify(value), { status, headers: { 'content-type': 'application/json;charset=UTF-8' } });
}

async function rotate({ url, keyring }: { url: URL; keyring: AlipayKeyring }): Promise<Response> {
  const afterCalls = url.searchParams.get('after_calls');
  try {
    const rotated = await keyring.rotate({ chained: url.searchParams.get('chained') !== 'false', afterCalls: afterCalls === null ? 0 : Number(afterCalls) });
    return json({ alipay_cert_sn: rotated.alipayCertSn, alipay_cert: rotated.alipayCertificate, chained: rotated.chained, after_calls: afterCalls === null ? 0 : Number(afterCalls) });
  } catch (error) {
    if (!ZhimaError.isInstance(error, 'PARAM_INVALID')) throw error;
    return json({ error: error.message, hint: error.hint }, 400);
  }
}

function template({ url, tooling }: { url: URL; tooling: ToolingState }): Response {
  const scene = tooling.scenes.get(templateSceneCode({ pathname: url.pathname }) ?? '');
  const appId = url.searchParams.get('app_id');
  if (scene === undefined) return json({ error: `No template at ${url.pathname}: the scenes are ${[...tooling.scenes.keys()].join(', ')}` }, 404);
  if (appId === null || !tooling.appIds.includes(appId)) return json({ error: 'Pass the ?app_id=… of an app of this sandbox' }, 404);
  return new Response(headerRowXlsx({ header: scene.columns }) as Uint8Array<ArrayBuffer>, {
    headers: { 'content-type': XLSX_CONTENT_TYPE, 'content-disposition': `attachment; filename="template-${encodeURIComponent(scene.sceneCode)}.xlsx"` },
  });
}

/**
 * The sandbox's own endpoints, for tests and tools (README, "Sandbox endpoints"): records, uploads,
 * the call log, info, certificate rotation and the template files `feedback_url` and `template_url`
 * point at.
 *
 * @example
 * ```ts
 * await sandbox.fetch(new Request('http://sandbox/__sandbox/records?app_id=2021000000000001')).then((r) => r.json());
 * // { app_id: '2021000000000001', scene_code: null, count: 2, records: [ … ] }
 * ```
 */
export async function handleToolingRequest({ request, url, tooling }: { request: Request; url: URL; tooling: ToolingState }): Promise<Response> {
  const appId = url.searchParams.get('app_id') ?? undefined;
  const sceneCode = url.searchParams.get('scene_code') ?? undefined;
  const route = `${request.method} ${url.pathname}`;
  if (request.method === 'GET' && templateSceneCode({ pathname: url.pathname }) !== undefined) return template({ url, tooling });
  switch (route) {
    case 'GET /__sandbox/records': {
      if (appId === undefined) return json({ error: 'Pass ?app_id=… (and &scene_code=… for closeloop and single uploads)' }, 400);
      const records = tooling.store.records({ appId, sceneCode });
      return json({ app_id: appId, scene_code: sceneCode ?? null, count: records.length, records });
    }
    case 'GET /__sandbox/uploads': {
      if (appId === undefined) return json({ error: 'Pass ?app_id=…' }, 400);
      const uploads = tooling.store.uploads({ appId });
      return json({ app_id: appId, count: uploads.length, uploads });
    }
    case 'DELETE /__sandbox/records':
      tooling.store.clear({ appId });
      return json({ cleared: appId ?? 'all' });
    case 'GET /__sandbox/calls': {
      const calls = tooling.calls.list();
      return json({ count: calls.length, calls });
    }
    case 'DELETE /__sandbox/calls':
      tooling.calls.clear();
      return json({ cleared: 'calls' });
    case 'POST /__sandbox/alipay-certificate/rotate':
      return rotate({ url, keyring: tooling.keyring });
    case 'GET /__sandbox/info':
      return json({
        gateway_path: '/gateway.do',
        alipay_public_key: tooling.alipayPublicKey,
        alipay_cert_sn: tooling.keyring.current?.sn ?? null,
        alipay_root_cert: tooling.alipayRootCertificate ?? null,
        app_ids: tooling.appIds,
        scene_codes: [...tooling.scenes.keys()],
      });
    default:
      return json({ error: `No sandbox endpoint ${route}` }, 404);
  }
}
