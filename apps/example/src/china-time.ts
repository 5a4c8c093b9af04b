import { formatTimestamp } from '@zhima/core';

const DAY_MS = 24 * 60 * 60 * 1000;
const DAY_TEXT = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * The China-time calendar day (`yyyy-MM-dd`, UTC+8) of an instant, whatever the machine's zone.
 *
 * @example
 * ```ts
 * chinaDay(new Date('2026-11-30T16:30:00Z')); // '2026-12-01'
 * ```
 */
export function chinaDay(instant: Date): string {
  return formatTimestamp({ date: instant }).slice(0, 10);
}

/**
 * Yesterday in China time: the day a T+1 job reports.
 *
 * @example
 * ```ts
 * yesterdayInChina(new Date('2026-11-30T17:30:00Z')); // '2026-11-30' (01:30 on 1 December in China)
 * ```
 */
export function yesterdayInChina(now: Date): string {
  return chinaDay(new Date(now.getTime() - DAY_MS));
}

/**
 * Whether `text` is a real calendar date written `yyyy-MM-dd`.
 *
 * @example
 * ```ts
 * isDay('2026-02-29'); // false
 * ```
 */
export function isDay(text: string): boolean {
  const match = DAY_TEXT.exec(text);
  if (match === null) return false;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return date.toISOString().slice(0, 10) === text;
}

/**
 * The day `days` after `day` (negative: before).
 *
 * @example
 * ```ts
 * addDays('2026-11-30', 1); // '2026-12-01'
 * ```
 */
export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/**
 * Whole days from `from` to `to` (both `yyyy-MM-dd`).
 *
 * @example
 * ```ts
 * daysBetween('2026-11-01', '2026-11-30'); // 29
 * ```
 */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/**
 * The instant a China-time day starts (00:00 UTC+8), plus `seconds`.
 *
 * @example
 * ```ts
 * chinaInstant('2026-12-01').toISOString(); // '2026-11-30T16:00:00.000Z'
 * ```
 */
export function chinaInstant(day: string, seconds = 0): Date {
  return new Date(Date.parse(`${day}T00:00:00+08:00`) + seconds * 1000);
}
