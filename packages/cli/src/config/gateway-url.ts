import { PRODUCTION_GATEWAY } from '@zhima/core';
import { UsageError } from '../usage-error.js';

const GATEWAY_PATH = '/gateway.do';

/**
 * Checks a gateway URL before any work, so that a typo is a usage error (exit 2) instead of five
 * retried `Invalid URL` attempts or a bare HTTP 404: an `http(s)://` scheme, no surrounding whitespace,
 * a path ending in `/gateway.do` (Alipay's and the sandbox's), no query or fragment (the client
 * appends the query). `from` says where the URL came from, for the message.
 *
 * @example
 * ```ts
 * checkGatewayUrl({ url: 'https://openapi.alipay.com/gateway.do', from: '--gateway' }); // returned as is
 * checkGatewayUrl({ url: 'openapi.alipay.com/gateway.do', from: '--gateway' }); // throws UsageError: no scheme
 * ```
 */
export function checkGatewayUrl({ url, from }: { url: string; from: string }): string {
  const problem = (message: string, hint: string) => new UsageError({ message: `The gateway URL ${JSON.stringify(url)} (from ${from}) ${message}`, hint });
  const example = `The production gateway is ${PRODUCTION_GATEWAY}; \`zhima sandbox\` prints its own (http://127.0.0.1:8787${GATEWAY_PATH}).`;
  if (url.trim() !== url) throw problem('starts or ends with whitespace.', `Remove the spaces (a copy-paste often adds one). ${example}`);
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) throw problem('has no scheme.', `Write it with https:// (or http:// for a local sandbox). ${example}`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw problem('is not a valid URL.', example);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw problem(`has the scheme ${parsed.protocol}, and the gateway speaks https.`, example);
  if (parsed.search !== '' || parsed.hash !== '' || url.includes('?')) throw problem('has a query or fragment; the request params are added to it.', `Give the gateway URL alone. ${example}`);
  if (!parsed.pathname.endsWith(GATEWAY_PATH)) throw problem(`has the path ${parsed.pathname}, and the gateway's path is ${GATEWAY_PATH}.`, example);
  return url;
}
