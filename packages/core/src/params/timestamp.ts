const CHINA_OFFSET_MS = 8 * 60 * 60 * 1000;

const pad = (value: number): string => String(value).padStart(2, '0');

/**
 * Formats a moment as the gateway's `timestamp`: `yyyy-MM-dd HH:mm:ss` in China time (UTC+8, no DST),
 * whatever the machine's zone. (The official Node SDK formats local time: 8 hours off on UTC servers.)
 *
 * @example
 * ```ts
 * formatTimestamp(new Date('2024-01-01T19:04:05Z')); // '2024-01-02 03:04:05'
 * ```
 */
export function formatTimestamp(date: Date = new Date()): string {
  const ms = date.getTime();
  if (!Number.isFinite(ms)) throw new RangeError('formatTimestamp: invalid Date');
  // Shift the instant by +8 h and read it with the UTC getters: no dependency on the process zone.
  const china = new Date(ms + CHINA_OFFSET_MS);
  return (
    `${china.getUTCFullYear()}-${pad(china.getUTCMonth() + 1)}-${pad(china.getUTCDate())} ` +
    `${pad(china.getUTCHours())}:${pad(china.getUTCMinutes())}:${pad(china.getUTCSeconds())}`
  );
}
