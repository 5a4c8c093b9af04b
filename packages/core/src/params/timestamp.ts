import { kindOf, requireOptions } from '../errors/argument-checks.js';
import { ZhimaError } from '../errors/zhima-error.js';

const CHINA_OFFSET_MS = 8 * 60 * 60 * 1000;

const pad = (value: number): string => String(value).padStart(2, '0');

/**
 * Formats a moment as the gateway's `timestamp`: `yyyy-MM-dd HH:mm:ss` in China time (UTC+8, no DST),
 * whatever the machine's zone. (The official Node SDK formats local time: 8 hours off on UTC servers.)
 * `date` defaults to now; an invalid `Date` is `PARAM_INVALID`. The inverse of {@link parseTimestamp}.
 *
 * @example
 * ```ts
 * formatTimestamp({ date: new Date('2024-01-01T19:04:05Z') }); // '2024-01-02 03:04:05'
 * formatTimestamp().slice(0, 10); // today's date in China, e.g. '2024-01-02'
 * ```
 */
export function formatTimestamp(options: { date?: Date } = {}): string {
  const { date = new Date() } = requireOptions(options, 'formatTimestamp');
  const ms = date instanceof Date ? date.getTime() : Number.NaN;
  if (!Number.isFinite(ms)) {
    throw new ZhimaError({
      code: 'PARAM_INVALID',
      message: `formatTimestamp: date must be a valid Date, got ${date instanceof Date ? 'an invalid Date' : kindOf(date)}.`,
      hint: '传入有效的 Date（如 new Date()）/ Pass a valid Date, such as new Date() or new Date(\'2024-01-01T00:00:00Z\').',
    });
  }
  // Shift the instant by +8 h and read it with the UTC getters: no dependency on the process zone.
  const china = new Date(ms + CHINA_OFFSET_MS);
  const year = china.getUTCFullYear();
  // `yyyy` has four digits: other years would give text that parseTimestamp (and the gateway) cannot read.
  if (!(year >= 0 && year <= 9999)) {
    throw new ZhimaError({ code: 'PARAM_INVALID', message: `formatTimestamp: date must fall in the years 0000–9999 in China time, got ${date.toISOString()}.`, hint: 'Pass the current time: new Date().' });
  }
  return (
    `${String(year).padStart(4, '0')}-${pad(china.getUTCMonth() + 1)}-${pad(china.getUTCDate())} ` +
    `${pad(china.getUTCHours())}:${pad(china.getUTCMinutes())}:${pad(china.getUTCSeconds())}`
  );
}

// ASCII digits only: without the `u` flag `\d` never matches full-width or other scripts' digits.
const TIMESTAMP_SHAPE = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

/**
 * Reads a gateway `timestamp` (`yyyy-MM-dd HH:mm:ss`, China time) back as the moment it names: the
 * inverse of {@link formatTimestamp}, independent of the machine's zone. Gives `undefined`, never
 * throws, for anything that is not text of exactly that shape (`2024-1-02 …`, ISO `T`, spaces around it) or not a
 * real wall-clock time (`2024-02-30`, `24:00:00`, a leap second `…:60`), so the caller picks the answer.
 *
 * @example
 * ```ts
 * parseTimestamp({ text: '2024-01-02 03:04:05' })?.toISOString(); // '2024-01-01T19:04:05.000Z'
 * parseTimestamp({ text: '2024-02-30 00:00:00' }); // undefined
 * ```
 */
export function parseTimestamp({ text }: { text: string }): Date | undefined {
  const match = typeof text === 'string' ? TIMESTAMP_SHAPE.exec(text) : null;
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
