import type { ConnectionOptions } from 'node:tls';
import type { Dispatcher } from 'undici';
import { undici } from './undici-module.js';

/**
 * TLS settings for connections to the gateway (and through a proxy tunnel).
 *
 * @example
 * ```ts
 * const tls: TlsOptions = { ca: readFileSync('corporate-root.pem', 'utf8') };
 * ```
 */
export type TlsOptions = Pick<ConnectionOptions, 'ca' | 'cert' | 'key' | 'passphrase' | 'rejectUnauthorized' | 'servername' | 'minVersion'>;

/**
 * How {@link createDispatcher} builds the connection pool.
 *
 * @example
 * ```ts
 * const options: DispatcherOptions = { connections: 4, keepAliveTimeoutMs: 10_000, connectTimeoutMs: 5_000, proxy: 'env' };
 * ```
 */
export interface DispatcherOptions {
  /** Most sockets per origin. Default: unlimited (undici's default). */
  connections?: number;
  /** How long an idle socket is kept for reuse. Default 4 000 ms (undici's default). */
  keepAliveTimeoutMs?: number;
  /** TCP + TLS handshake limit. Default 10 000 ms. */
  connectTimeoutMs?: number;
  /**
   * `'env'`: use `HTTPS_PROXY` / `HTTP_PROXY` / `NO_PROXY` from the environment (upper or lower case);
   * a URL: send everything through that proxy (credentials in the URL become `Proxy-Authorization`).
   */
  proxy?: 'env' | string;
  tls?: TlsOptions;
}

/**
 * The undici dispatcher behind {@link createUndiciTransport}: an `Agent` (keep-alive pool per origin), or a
 * proxy agent when `proxy` is set.
 *
 * @example
 * ```ts
 * const dispatcher = createDispatcher({ connections: 8, proxy: 'env' });
 * ```
 */
export function createDispatcher({ connections, keepAliveTimeoutMs, connectTimeoutMs = 10_000, proxy, tls }: DispatcherOptions): Dispatcher {
  const agentOptions = {
    ...(connections === undefined ? {} : { connections }),
    ...(keepAliveTimeoutMs === undefined ? {} : { keepAliveTimeout: keepAliveTimeoutMs }),
    connect: { ...tls, timeout: connectTimeoutMs },
  };
  // Behind a proxy the gateway's TLS runs inside the tunnel: `requestTls` carries it there.
  const proxied = { ...agentOptions, requestTls: { ...tls, timeout: connectTimeoutMs }, proxyTls: { timeout: connectTimeoutMs } };
  if (proxy === 'env') return new (undici.whole().EnvHttpProxyAgent)(proxied);
  if (proxy !== undefined) return new (undici.whole().ProxyAgent)({ ...proxied, uri: proxy });
  return new undici.Agent(agentOptions);
}
