import { TEMPLATE_PATH } from './methods/feedback-url-query.js';
import type { RecordStore } from './store.js';

/**
 * Paths under this prefix are the sandbox's own endpoints, not the gateway.
 *
 * @example
 * ```ts
 * if (url.pathname.startsWith(TOOLING_PREFIX)) return handleToolingRequest({ request, url, store, alipayPublicKey, appIds });
 * ```
 */
export const TOOLING_PREFIX = '/__sandbox/';

// The common loan template's fields (protocol.md §7), served where feedback_url points.
const LOAN_TEMPLATE_COLUMNS = [
  'user_name', 'user_credentials_type', 'user_credentials_no', 'order_no', 'biz_type', 'order_status',
  'create_amt', 'pay_month', 'gmt_ovd_date', 'overdue_days', 'overdue_amt', 'gmt_pay', 'memo',
];

function json(value: unknown, status = 200): Response {
  return new Response(JSON.stringify(value), { status, headers: { 'content-type': 'application/json;charset=UTF-8' } });
}

/**
 * The sandbox's own endpoints, for tests and tools:
 * `GET /__sandbox/records?app_id=…` (the accepted records, each primary key once),
 * `GET /__sandbox/uploads?app_id=…` (the accepted uploads in arrival order),
 * `DELETE /__sandbox/records[?app_id=…]` (records and uploads), `GET /__sandbox/info` (the Alipay public key and app ids) and
 * `GET /__sandbox/feedback-template` (where `feedback_url` points: the loan template's columns as CSV).
 *
 * @example
 * ```ts
 * await sandbox.fetch(new Request('http://sandbox/__sandbox/records?app_id=2021000000000001')).then((r) => r.json());
 * // { app_id: '2021000000000001', count: 2, records: [ … ] }
 * ```
 */
export function handleToolingRequest({
  request,
  url,
  store,
  alipayPublicKey,
  appIds,
}: {
  request: Request;
  url: URL;
  store: RecordStore;
  alipayPublicKey: string;
  appIds: string[];
}): Response {
  const appId = url.searchParams.get('app_id') ?? undefined;
  const route = `${request.method} ${url.pathname}`;
  switch (route) {
    case 'GET /__sandbox/records': {
      if (appId === undefined) return json({ error: 'Pass ?app_id=…' }, 400);
      const records = store.records({ appId });
      return json({ app_id: appId, count: records.length, records });
    }
    case 'GET /__sandbox/uploads': {
      if (appId === undefined) return json({ error: 'Pass ?app_id=…' }, 400);
      const uploads = store.uploads({ appId });
      return json({ app_id: appId, count: uploads.length, uploads });
    }
    case 'DELETE /__sandbox/records':
      store.clear({ appId });
      return json({ cleared: appId ?? 'all' });
    case 'GET /__sandbox/info':
      return json({ gateway_path: '/gateway.do', alipay_public_key: alipayPublicKey, app_ids: appIds });
    case `GET ${TEMPLATE_PATH}`:
      return new Response(`${LOAN_TEMPLATE_COLUMNS.join(',')}\n`, { headers: { 'content-type': 'text/csv;charset=UTF-8' } });
    default:
      return json({ error: `No sandbox endpoint ${route}` }, 404);
  }
}
