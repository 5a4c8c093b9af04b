import { limitMs, SLOWEST_LINK_BYTES_PER_SECOND } from './answer-wait.js';

/**
 * How far one request has got, kept by the transport as bytes move, so that a timeout can say what
 * stalled. `upload`: the body is being sent; `wait`: it has all been handed to the network, no answer
 * yet; `download`: the answer's headers arrived, its body is being read.
 *
 * @example
 * ```ts
 * const progress: TransferProgress = { phase: 'upload', sentBytes: 0, totalBytes: 10_380_902, receivedBytes: 0, expectedBytes: undefined, uploadVisible: true };
 * ```
 */
export interface TransferProgress {
  phase: 'upload' | 'wait' | 'download';
  sentBytes: number;
  /** The request body's length, when known. */
  totalBytes: number | undefined;
  receivedBytes: number;
  /** The answer's `content-length`, when given. */
  expectedBytes: number | undefined;
  /** False when the transport cannot see the body leave (a byte body given whole to `fetch`). */
  uploadVisible: boolean;
}

/**
 * Which limit cut a request: the option's name as the user spells it, its value, and for the wait for
 * an answer the time added for request bytes that may still have been on their way (see `answerWait`).
 *
 * @example
 * ```ts
 * const limit: StallLimit = { option: 'headersTimeoutMs', ms: 120_000, inFlight: { bytes: 1_048_576, ms: 32_000 } };
 * ```
 */
export interface StallLimit {
  option: string;
  ms: number;
  inFlight?: { bytes: number; ms: number } | undefined;
}

const KIB = 1024;
const MIB = 1024 * 1024;

function unitFor(bytes: number): [divisor: number, name: string] {
  if (bytes >= MIB) return [MIB, 'MiB'];
  if (bytes >= KIB) return [KIB, 'KiB'];
  return [1, 'B'];
}

function inUnit(bytes: number, divisor: number): string {
  return divisor === 1 ? String(bytes) : (bytes / divisor).toFixed(1);
}

/**
 * A byte count for people: `812 B`, `64.0 KiB`, `9.9 MiB`; with a total, both in the total's unit
 * (`3.2 of 9.9 MiB`).
 *
 * @example
 * ```ts
 * formatBytes({ bytes: 3_355_443, of: 10_380_902 }); // '3.2 of 9.9 MiB'
 * ```
 */
export function formatBytes({ bytes, of }: { bytes: number; of?: number | undefined }): string {
  const [divisor, name] = unitFor(of ?? bytes);
  return of === undefined ? `${inUnit(bytes, divisor)} ${name}` : `${inUnit(bytes, divisor)} of ${inUnit(of, divisor)} ${name}`;
}

function formatDuration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

/**
 * The sentence a `TIMEOUT` error carries when a transport's own limit cut the request: what stalled,
 * how far it had got, how long it was given, and which option to change.
 *
 * @example
 * ```ts
 * describeStall({ progress, limit: { option: 'timeoutMs', ms: 60_000 } });
 * // 'the upload stalled: no bytes moved for 60 s after 3.2 of 9.9 MiB sent. …'
 * ```
 */
export function describeStall({ progress, limit }: { progress: TransferProgress; limit: StallLimit }): string {
  const quiet = formatDuration(limitMs(limit));
  const raise = `raise ${limit.option} (now ${limit.ms} ms)`;
  const slowButAlive = `If the link is this slow but alive, ${raise}: a transfer that keeps moving is never cut, however long it takes.`;
  const { phase, sentBytes, totalBytes, receivedBytes, expectedBytes } = progress;
  if (phase === 'upload') {
    return `the upload stalled: no bytes moved for ${quiet} after ${formatBytes({ bytes: sentBytes, of: totalBytes })} sent. ${slowButAlive}`;
  }
  if (phase === 'download') {
    return `the answer stalled: no bytes arrived for ${quiet} after ${formatBytes({ bytes: receivedBytes, of: expectedBytes })} received. ${slowButAlive}`;
  }
  const { inFlight } = limit;
  const given =
    inFlight === undefined
      ? ''
      : ` That was ${formatDuration(limit.ms)} (${limit.option}) for the server, plus ${formatDuration(inFlight.ms)} for the ${formatBytes({ bytes: inFlight.bytes })} that may still have been on its way (at ${formatBytes({ bytes: SLOWEST_LINK_BYTES_PER_SECOND })}/s).`;
  if (!progress.uploadVisible) {
    return `no answer for ${quiet} after the request started; its ${formatBytes({ bytes: totalBytes ?? 0 })} body was handed to fetch whole, which cannot see it leave, so it may still have been uploading.${given} If the link or the server is known to be slower, ${raise}.`;
  }
  const size = totalBytes === undefined ? '' : ` (${formatBytes({ bytes: sentBytes })})`;
  return `no answer for ${quiet} after the whole request was handed to the network${size}: the server or a proxy on the way is not answering.${given} If it is known to take longer, ${raise}.`;
}
