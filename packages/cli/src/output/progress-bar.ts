import type { CliIo } from '../io.js';

/**
 * A one-line progress bar redrawn in place on a terminal; silent elsewhere (logs and pipes stay clean).
 *
 * @example
 * ```ts
 * const bar = createProgressBar({ stream: io.stderr, label: 'validate', total: size });
 * bar.update({ done });
 * bar.finish();
 * ```
 */
export interface ProgressBar {
  /** `total` replaces the total given at creation (an upload learns its body size late). */
  update(progress: { done: number; total?: number | undefined; detail?: string }): void;
  /** Clears the line. */
  finish(): void;
}

const WIDTH = 24;
const REDRAW_MS = 100;

/**
 * Formats a byte count for people.
 *
 * @example
 * ```ts
 * formatBytes(1_572_864); // '1.5 MiB'
 * ```
 */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/**
 * Creates a {@link ProgressBar} that draws only when the stream is a TTY.
 *
 * @example
 * ```ts
 * const bar = createProgressBar({ stream: process.stderr, label: 'upload part-1.json', total: 52_428_800 });
 * ```
 */
export function createProgressBar({ stream, label, total: initialTotal }: { stream: CliIo['stderr']; label: string; total: number | undefined }): ProgressBar {
  if (stream.isTTY !== true) return { update: () => {}, finish: () => {} };
  let last = 0;
  let drawn = false;
  return {
    update({ done, total = initialTotal, detail }) {
      const now = Date.now();
      if (drawn && now - last < REDRAW_MS && (total === undefined || done < total)) return;
      last = now;
      drawn = true;
      const share = total ? Math.min(1, done / total) : 0;
      const filled = Math.round(share * WIDTH);
      const bar = total ? `[${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}] ${(share * 100).toFixed(0).padStart(3)}%` : '';
      stream.write(`\r\x1b[2K${label} ${bar} ${formatBytes(done)}${detail ? ` ${detail}` : ''}`);
    },
    finish() {
      if (drawn) stream.write('\r\x1b[2K');
    },
  };
}
