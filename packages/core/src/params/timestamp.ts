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

// ASCII digits only: without the `u` flag `\d` never matches full-width or other scripts' digits.
const TIMESTAMP_SHAPE = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

/**
 * Reads a gateway `timestamp` (`yyyy-MM-dd HH:mm:ss`, China time) back as the moment it names: the
 * inverse of {@link formatTimestamp}, independent of the machine's zone. Gives `undefined`, never
 * throws, for text that is not exactly that shape (`2024-1-02 …`, ISO `T`, spaces around it) or not a
 * real wall-clock time (`2024-02-30`, `24:00:00`, a leap second `…:60`), so the caller picks the answer.
 *
 * @example
 * ```ts
 * parseTimestamp('2024-01-02 03:04:05')?.toISOString(); // '2024-01-01T19:04:05.000Z'
 * parseTimestamp('2024-02-30 00:00:00'); // undefined
 * ```
 */
export function parseTimestamp(text: string): Date | undefined {
  const match = TIMESTAMP_SHAPE.exec(text);
  if (match === null) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return undefined;
  const wall = new Date(0);
  // setUTCFullYear keeps years 0–99 as written (Date.UTC would read 0024 as 1924).
  wall.setUTCFullYear(year, month - 1, day);
  wall.setUTCHours(hour, minute, second, 0);
  // A day past the month's end (or 00) rolls into another month: not a real date.
  if (wall.getUTCMonth() !== month - 1 || wall.getUTCDate() !== day) return undefined;
  return new Date(wall.getTime() - CHINA_OFFSET_MS);
}
