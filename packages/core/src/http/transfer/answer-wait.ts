import type { StallLimit, TransferProgress } from './transfer-progress.js';

const KIB = 1024;
const MIB = 1024 * KIB;

/**
 * The wait for an answer's headers that every built-in transport gives the server unless told
 * otherwise (`headersTimeoutMs`): 120 s, or `timeoutMs` when that is longer. Lowering `timeoutMs` to
 * catch stalls sooner must not shorten the server's own time to take in and process a 50 MB file.
 *
 * @example
 * ```ts
 * createUndiciTransport({ headersTimeoutMs: 2 * DEFAULT_HEADERS_TIMEOUT_MS });
 * ```
 */
export const DEFAULT_HEADERS_TIMEOUT_MS = 120_000;

/**
 * How many of the last request bytes handed over may still be on their way when the last one is
 * handed over: the OS socket buffers on both sides, and the queues between. Measured: on loopback,
 * Node, Bun and Deno all have 4.0–4.6 MiB of an upload taken before a peer that reads nothing blocks
 * them; Linux grows a socket's send buffer up to 4 MiB (`net.ipv4.tcp_wmem`). Twice that, for proxies.
 */
export const IN_FLIGHT_BYTES = 8 * MIB;

/**
 * The slowest link the allowance for bytes in flight is sized for: 32 KiB/s, half the 64 KB/s link a
 * merchant reported (issue 10). At that rate the 8 MiB of {@link IN_FLIGHT_BYTES} take 256 s.
 */
export const SLOWEST_LINK_BYTES_PER_SECOND = 32 * KIB;

/**
 * The `headersTimeoutMs` in force: the caller's, or {@link DEFAULT_HEADERS_TIMEOUT_MS} and `timeoutMs`,
 * whichever is longer (`timeoutMs` off, 0, counts as never).
 *
 * @example
 * ```ts
 * headersTimeoutFor({ timeoutMs: 1_000 }); // 120_000
 * headersTimeoutFor({ timeoutMs: 300_000 }); // 300_000
 * headersTimeoutFor({ timeoutMs: 1_000, headersTimeoutMs: 5_000 }); // 5_000
 * ```
 */
export function headersTimeoutFor({ timeoutMs, headersTimeoutMs }: { timeoutMs: number; headersTimeoutMs?: number | undefined }): number {
  if (headersTimeoutMs !== undefined) return headersTimeoutMs;
  return Math.max(DEFAULT_HEADERS_TIMEOUT_MS, timeoutMs === 0 ? Number.POSITIVE_INFINITY : timeoutMs);
}

/**
 * How long a request waits for its answer's headers once its last byte is handed to the network:
 * `headersTimeoutMs`, plus time for the bytes that may still be on their way (see
 * {@link IN_FLIGHT_BYTES}) at {@link SLOWEST_LINK_BYTES_PER_SECOND}, in whole seconds. Handing bytes
 * over is not delivering them: a 1 MB upload is taken by the OS in milliseconds and may then drain for
 * a minute, and nothing of that is visible to the client. A body the transport cannot watch leave (a
 * byte body handed to fetch whole) may be in flight all of it.
 *
 * @example
 * ```ts
 * const wait = answerWait({ headersTimeoutMs: 120_000, progress });
 * // { option: 'headersTimeoutMs', ms: 120_000, inFlight: { bytes: 1_048_576, ms: 32_000 } }
 * ```
 */
export function answerWait({ headersTimeoutMs, progress }: { headersTimeoutMs: number; progress: Pick<TransferProgress, 'totalBytes' | 'uploadVisible'> }): StallLimit {
  const { totalBytes, uploadVisible } = progress;
  const bytes = uploadVisible ? Math.min(totalBytes ?? IN_FLIGHT_BYTES, IN_FLIGHT_BYTES) : (totalBytes ?? 0);
  const ms = Math.floor(bytes / SLOWEST_LINK_BYTES_PER_SECOND) * 1000;
  return ms === 0 ? { option: 'headersTimeoutMs', ms: headersTimeoutMs } : { option: 'headersTimeoutMs', ms: headersTimeoutMs, inFlight: { bytes, ms } };
}

/**
 * The time a {@link StallLimit} allows: its option's value plus any allowance for bytes in flight;
 * `Infinity` when the option is off (`0` or `Infinity`).
 *
 * @example
 * ```ts
 * limitMs({ option: 'headersTimeoutMs', ms: 120_000, inFlight: { bytes: 1_048_576, ms: 32_000 } }); // 152_000
 * ```
 */
export function limitMs({ ms, inFlight }: StallLimit): number {
  if (!(Number.isFinite(ms) && ms > 0)) return Number.POSITIVE_INFINITY;
  return ms + (inFlight?.ms ?? 0);
}
