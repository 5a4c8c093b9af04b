import { ZhimaError } from '@zhima/core';
import type * as Undici from 'undici';

/** Set by tsup per output format (see `undici` below); unset when the sources run as they are. */
type BuildFlags = { __ZHIMA_CJS_BUILD__?: boolean };

function isUndiciMissing(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && typeof message === 'string' && /['"]undici['"]/.test(message);
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

function requireUndici(): typeof Undici {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the CommonJS build's own loader (see above)
    return require('undici') as typeof Undici;
  } catch (error) {
    return missingUndici(error);
  }
}

/**
 * The `undici` package (an optional peer dependency), loaded when `@zhima/transport/undici` is
 * imported; without it the import fails with `ZhimaError` `DEPENDENCY_MISSING` saying to `npm install undici`.
 *
 * @example
 * ```ts
 * const agent = new undici.Agent({ connections: 4 });
 * ```
 */
// The ESM build (and these sources, run by vitest or tsx) load undici with a top-level `await import()`,
// the CommonJS build with `require()`: tsup defines the flag per format, and esbuild drops the branch
// not taken only when the flag is written right in the condition. Either way bundlers see the dependency.
export const undici: typeof Undici = (globalThis as BuildFlags).__ZHIMA_CJS_BUILD__ ? requireUndici() : await import('undici').catch(missingUndici);
