import { inspectGatewayUrl } from '@zhima/core/internal';
import { UsageError } from '../usage-error.js';

/**
 * Checks a gateway URL before any work with core's one reading of it (`inspectGatewayUrl`), so that a
 * typo is a usage error (exit 2) instead of five retried `Invalid URL` attempts or a bare HTTP 404.
 * `from` says where the URL came from (`--gateway`, `ZHIMA_GATEWAY`, the config file), for the message.
 *
 * @example
 * ```ts
 * checkGatewayUrl({ url: 'https://openapi.alipay.com/gateway.do', from: '--gateway' }); // returned as is
 * checkGatewayUrl({ url: 'openapi.alipay.com/gateway.do', from: '--gateway' }); // throws UsageError: no scheme
 * ```
 */
export function checkGatewayUrl({ url, from }: { url: string; from: string }): string {
  const found = inspectGatewayUrl({ url });
  if (found === undefined) return url;
  throw new UsageError({
    message: `The gateway URL ${JSON.stringify(url)} (from ${from}) ${found.problem}`,
    hint: `${found.hint} \`zhima sandbox\` prints its own (http://127.0.0.1:8787/gateway.do).`,
  });
}
