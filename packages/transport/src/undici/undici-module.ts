import { createRequire } from 'node:module';
import { ZhimaError } from '@zhima/core';
import type * as Undici from 'undici';

/** Set by tsup per output format (see `undici` below); unset when the sources run as they are. */
type BuildFlags = { __ZHIMA_CJS_BUILD__?: boolean };

function isNotFound(error: unknown): boolean {
  const { code } = (error ?? {}) as { code?: unknown };
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
}

function isUndiciMissing(error: unknown): boolean {
  const { message } = (error ?? {}) as { message?: unknown };
  return isNotFound(error) && typeof message === 'string' && /['"]undici['"]/.test(message);
}

function missingUndici(error: unknown): never {
  if (!isUndiciMissing(error)) throw error;
  // Node's resolution error (with its ERR_MODULE_NOT_FOUND / MODULE_NOT_FOUND code) stays as the cause.
  throw new ZhimaError({
    code: 'DEPENDENCY_MISSING',
    message:
      '@zhima/transport/undici needs the undici package, which is not installed (it is an optional peer dependency, so fetch-only and edge users never get it). Run: npm install undici@^7 — or use createFetchTransport from @zhima/transport, which needs nothing.',
    hint: '安装 undici：npm install undici@^7；或改用无需依赖的 createFetchTransport / Install it: npm install undici@^7 — or use createFetchTransport, which needs nothing.',
    cause: error,
  });
}

/** undici's `request()` on a given dispatcher: the options of `undici.request(url, options)` but the URL's. */
export type RequestOn = (dispatcher: Dispatcher, url: string, options: Omit<Undici.Dispatcher.RequestOptions, 'origin' | 'path'>) => Promise<Undici.Dispatcher.ResponseData>;
type Dispatcher = Undici.Dispatcher;

/**
 * What the transport takes from the `undici` package: its `Agent`, its `request()`, and the whole
 * package for the proxy agents.
 *
 * @example
 * ```ts
 * const { Agent, requestOn } = undici;
 * const response = await requestOn(new Agent(), 'https://example.com/', { method: 'GET' });
 * ```
 */
export interface UndiciParts {
  Agent: typeof Undici.Agent;
  requestOn: RequestOn;
  /**
   * The whole package, loaded on the first call: `ProxyAgent` and `EnvHttpProxyAgent` tunnel with the
   * `connect()` that the package's index gives every dispatcher.
   */
  whole(): typeof Undici;
}

type RequestFunction = (this: Dispatcher, options: Undici.Dispatcher.RequestOptions) => Promise<Undici.Dispatcher.ResponseData>;

// The two modules a direct request needs, instead of the package's index, which loads fetch, WebSocket,
// caches, cookies and mocks as well (and Node's own fetch through `globalThis.Headers`): about a third
// of the start-up, and a heap small enough that V8 does not run a major collection every few dozen MB
// of streamed body (10 per 242 MB with the index loaded, 1 without: bench/RESULTS.md). Their types:
// undici-lib.d.ts.

// A require() that works in both builds (and in these sources under vitest): the proxy agents are
// loaded synchronously, when a transport with `proxy` is created.
const requireHere: NodeJS.Require = (globalThis as BuildFlags).__ZHIMA_CJS_BUILD__ ? require : createRequire(import.meta.url);

function partsOf({ Agent, request }: { Agent: typeof Undici.Agent; request: RequestFunction }): UndiciParts {
  return {
    Agent,
    // What undici.request(url, { dispatcher }) does, minus its own argument checks (ours are typed).
    requestOn: (dispatcher, url, options) => {
      const { origin, pathname, search } = new URL(url);
      return request.call(dispatcher, { ...options, origin, path: `${pathname}${search}` } as Undici.Dispatcher.RequestOptions);
    },
    whole: () => requireHere('undici') as typeof Undici,
  };
}

function fromWhole(whole: typeof Undici): UndiciParts {
  return {
    Agent: whole.Agent,
    requestOn: (dispatcher, url, options) => whole.request(url, { ...options, dispatcher }),
    whole: () => whole,
  };
}

function requireParts(): UndiciParts {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the CommonJS build's own loader
    return partsOf({ Agent: require('undici/lib/dispatcher/agent.js') as typeof Undici.Agent, request: require('undici/lib/api/api-request.js') as RequestFunction });
  } catch (error) {
    // An undici that moved these files: the whole package does the same.
    if (!isNotFound(error)) throw error;
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- the CommonJS build's own loader
      return fromWhole(require('undici') as typeof Undici);
    } catch (wholeError) {
      return missingUndici(wholeError);
    }
  }
}

async function importParts(): Promise<UndiciParts> {
  try {
    const [agent, request] = await Promise.all([import('undici/lib/dispatcher/agent.js'), import('undici/lib/api/api-request.js')]);
    return partsOf({ Agent: agent.default, request: request.default });
  } catch (error) {
    if (!isNotFound(error)) throw error;
    return fromWhole((await import('undici').catch(missingUndici)) as typeof Undici);
  }
}

/**
 * The parts of the `undici` package (an optional peer dependency) the transport uses, loaded when
 * `@zhima/transport/undici` is imported; without undici the import fails with `ZhimaError`
 * `DEPENDENCY_MISSING` saying to `npm install undici`.
 *
 * @example
 * ```ts
 * const agent = new undici.Agent({ connections: 4 });
 * ```
 */
// The ESM build (and these sources, run by vitest or tsx) load undici with a top-level `await import()`,
// the CommonJS build with `require()`: tsup defines the flag per format, and esbuild drops the branch
// not taken only when the flag is written right in the condition. Either way bundlers see the dependency.
export const undici: UndiciParts = (globalThis as BuildFlags).__ZHIMA_CJS_BUILD__ ? requireParts() : await importParts();
