import { createUndiciTransport, type UndiciTransport } from '@zhima/transport/undici';

/**
 * The transport `zhima send` uploads with, given its inactivity timeout (`--timeout`): "give up when
 * nothing moves for this long". Stand-in until `@zhima/transport` ships one `timeoutMs` option on every
 * transport: undici's headers and body timeouts, both set to it, cover an answer that never comes or
 * stalls midway (a stalled upload itself is not covered by them).
 *
 * @example
 * ```ts
 * const transport = createSendTransport({ timeoutMs: 60_000 });
 * await transport.close();
 * ```
 */
export function createSendTransport({ timeoutMs }: { timeoutMs: number }): UndiciTransport {
  return createUndiciTransport({ headersTimeoutMs: timeoutMs, bodyTimeoutMs: timeoutMs });
}
