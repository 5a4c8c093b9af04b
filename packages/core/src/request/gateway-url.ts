import { argumentError } from '../errors/argument-checks.js';
import { ZhimaError } from '../errors/zhima-error.js';

/**
 * What is wrong with a gateway URL: `problem` completes the sentence "The gateway URL … ", `hint` says
 * what to write instead.
 *
 * @example
 * ```ts
 * const problem: GatewayUrlProblem = { problem: 'has no scheme.', hint: 'Write it with https:// (or http:// for a local sandbox).' };
 * ```
 */
export interface GatewayUrlProblem {
  problem: string;
  hint: string;
}

const GATEWAY_PATH = '/gateway.do';
const EXAMPLE = "Alipay's gateway is https://openapi.alipay.com/gateway.do.";

/**
 * The one reading of a gateway URL, for the client and every front end: an `http(s)://` URL with no
 * whitespace anywhere, a path ending in `/gateway.do` (Alipay's and the sandbox's; anything else answers 404), and no query
 * or fragment (the client appends the signed query). `undefined` when it is fine.
 *
 * @example
 * ```ts
 * inspectGatewayUrl({ url: 'https://openapi.alipay.com/gateway.do' }); // undefined
 * inspectGatewayUrl({ url: 'openapi.alipay.com/gateway.do' })?.problem; // 'has no scheme.'
 * ```
 */
export function inspectGatewayUrl({ url }: { url: string }): GatewayUrlProblem | undefined {
  if (url.trim() !== url) return { problem: 'starts or ends with whitespace.', hint: `Remove the spaces (a copy-paste often adds one). ${EXAMPLE}` };
  if (/\s/.test(url)) return { problem: 'holds whitespace.', hint: `Remove it. ${EXAMPLE}` };
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return { problem: 'has no scheme.', hint: `Write it with https:// (or http:// for a local sandbox). ${EXAMPLE}` };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { problem: 'is not a valid URL.', hint: EXAMPLE };
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return { problem: `has the scheme ${parsed.protocol}, and the gateway speaks https.`, hint: EXAMPLE };
  if (parsed.search !== '' || parsed.hash !== '' || url.includes('?') || url.includes('#')) {
    return { problem: 'has a query or fragment; the request params are added to it.', hint: `Give the gateway URL alone. ${EXAMPLE}` };
  }
  if (!parsed.pathname.endsWith(GATEWAY_PATH)) return { problem: `has the path ${parsed.pathname}, and the gateway's path is ${GATEWAY_PATH}.`, hint: EXAMPLE };
  return undefined;
}

/**
 * {@link inspectGatewayUrl}, throwing `PARAM_INVALID` (`option` `gateway`) for a URL that is wrong: what
 * `createClient` runs on its `gateway`, so a typo fails at once instead of as retried network errors.
 *
 * @example
 * ```ts
 * checkGatewayUrl({ url: 'https://openapi.alipay.com/gateway.do' }); // returned as is
 * checkGatewayUrl({ url: 'https://openapi.alipay.com/gateway.do ' }); // throws PARAM_INVALID: … starts or ends with whitespace.
 * ```
 */
export function checkGatewayUrl({ url }: { url: string }): string {
  if (typeof url !== 'string') throw argumentError({ name: 'gateway', expected: 'the gateway URL as text', value: url });
  const found = inspectGatewayUrl({ url });
  if (found === undefined) return url;
  throw new ZhimaError({ code: 'PARAM_INVALID', message: `The gateway URL ${JSON.stringify(url)} ${found.problem}`, hint: found.hint, option: 'gateway' });
}
