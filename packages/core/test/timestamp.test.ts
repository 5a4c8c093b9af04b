import { afterEach, describe, expect, it } from 'vitest';
import { formatTimestamp, ZhimaError } from '../src/index.js';
import { parseTimestamp } from '../src/internal.js';
import { thrownBy } from './fixtures/caught.js';

// Expected values come from Intl with the Asia/Shanghai zone database, not from our arithmetic.
function chinaTimeByIntl(date: Date): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
      .formatToParts(date)
      .map((part) => [part.type, part.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
}

const originalTz = process.env.TZ;
afterEach(() => {
  if (originalTz === undefined) delete process.env.TZ;
  else process.env.TZ = originalTz;
});

const moments = [
  new Date('2024-01-01T16:00:00Z'), // midnight in China: the date rolls over
  new Date('2024-02-29T23:59:59Z'), // leap day into March
  new Date('2024-12-31T17:30:00Z'), // new year in China, not yet in UTC
  new Date('2024-03-10T10:30:00Z'), // US DST switch day
  new Date('2024-11-03T08:59:59Z'),
];

describe.each(['UTC', 'America/Los_Angeles', 'America/St_Johns', 'Asia/Shanghai', 'Pacific/Kiritimati'])('formatTimestamp with TZ=%s', (zone) => {
  it.each(moments)('formats %s as China time', (moment) => {
    process.env.TZ = zone;
    expect(formatTimestamp({ date: moment })).toBe(chinaTimeByIntl(moment));
  });
});

describe('formatTimestamp', () => {
  it('follows the process zone change (sanity: TZ really changes local time here)', () => {
    process.env.TZ = 'UTC';
    const utcHours = new Date('2024-01-01T16:00:00Z').getHours();
    process.env.TZ = 'America/Los_Angeles';
    expect(new Date('2024-01-01T16:00:00Z').getHours()).not.toBe(utcHours);
    expect(formatTimestamp({ date: new Date('2024-01-01T16:00:00Z') })).toBe('2024-01-02 00:00:00');
  });

  it('refuses an invalid Date, or anything but a Date, with PARAM_INVALID instead of printing NaN (a RangeError before)', () => {
    for (const date of [new Date('nope'), '2024-01-01', 1704067200000, null]) {
      const error = thrownBy(() => formatTimestamp({ date: date as Date }));
      expect(ZhimaError.isInstance(error, 'PARAM_INVALID')).toBe(true);
      expect((error as ZhimaError).hint).toMatch(/new Date\(\)/);
    }
  });

  it('writes four-digit years, so that parseTimestamp reads back what it wrote, and refuses years it cannot write', () => {
    const early = new Date('0024-06-01T00:00:00Z');
    expect(formatTimestamp({ date: early })).toBe('0024-06-01 08:00:00');
    expect(parseTimestamp({ text: formatTimestamp({ date: early }) })?.getTime()).toBe(early.getTime());
    expect(ZhimaError.isInstance(thrownBy(() => formatTimestamp({ date: new Date(8.64e15) })), 'PARAM_INVALID')).toBe(true);
    expect(ZhimaError.isInstance(thrownBy(() => formatTimestamp({ date: new Date('-000001-01-01T00:00:00Z') })), 'PARAM_INVALID')).toBe(true);
  });

  it('formats now when given no date', () => {
    const before = Date.now();
    const now = parseTimestamp({ text: formatTimestamp() })!.getTime();
    expect(now).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(now).toBeLessThanOrEqual(Date.now());
  });
});

describe('parseTimestamp', () => {
  // Hand-written vectors: China wall time → the UTC instant, worked out by subtracting 8 hours by hand.
  it.each([
    ['2024-01-02 03:04:05', '2024-01-01T19:04:05.000Z'],
    ['2024-01-01 00:00:00', '2023-12-31T16:00:00.000Z'], // midnight in China is the previous day in UTC
    ['2024-01-01 07:59:59', '2023-12-31T23:59:59.000Z'],
    ['2024-01-01 08:00:00', '2024-01-01T00:00:00.000Z'],
    ['2024-02-29 23:59:59', '2024-02-29T15:59:59.000Z'], // leap day
    ['2000-02-29 12:00:00', '2000-02-29T04:00:00.000Z'], // divisible by 400: a leap year
    ['2024-03-10 10:30:00', '2024-03-10T02:30:00.000Z'], // a US DST switch day: China has none
    ['1970-01-01 08:00:00', '1970-01-01T00:00:00.000Z'],
    ['2099-12-31 23:59:59', '2099-12-31T15:59:59.000Z'],
  ])('reads %s as %s', (text, iso) => {
    expect(parseTimestamp({ text })?.toISOString()).toBe(iso);
  });

  it('reads a two-digit year as written, not as 19xx', () => {
    expect(parseTimestamp({ text: '0024-06-01 08:00:00' })?.getUTCFullYear()).toBe(24);
  });

  it.each([
    ['an impossible day', '2024-02-30 00:00:00'],
    ['29 February of a common year', '2023-02-29 00:00:00'],
    ['1900, not a leap year', '1900-02-29 00:00:00'],
    ['day 00', '2024-01-00 00:00:00'],
    ['month 00', '2024-00-10 00:00:00'],
    ['month 13', '2024-13-01 00:00:00'],
    ['hour 24', '2024-01-02 24:00:00'],
    ['minute 60', '2024-01-02 03:60:00'],
    ['a leap second', '2024-12-31 23:59:60'],
    ['one-digit fields', '2024-1-02 03:04:05'],
    ['the ISO T', '2024-01-02T03:04:05'],
    ['ISO with a zone', '2024-01-02T03:04:05Z'],
    ['milliseconds', '2024-01-02 03:04:05.000'],
    ['no seconds', '2024-01-02 03:04'],
    ['a leading space', ' 2024-01-02 03:04:05'],
    ['a trailing newline', '2024-01-02 03:04:05\n'],
    ['two spaces', '2024-01-02  03:04:05'],
    ['slashes', '2024/01/02 03:04:05'],
    ['full-width digits', '２０２４-01-02 03:04:05'],
    ['Arabic-Indic digits', '٢٠٢٤-01-02 03:04:05'],
    ['the empty string', ''],
  ])('gives undefined for %s', (_label, text) => {
    expect(parseTimestamp({ text })).toBeUndefined();
  });

  // Oracle: Intl with the Asia/Shanghai zone database formats each instant; parsing must give it back
  // (to the second). Instants spread over 1992–2099 by a fixed stride, in several process zones. Not
  // earlier: China kept summer time from 1986 to 1991, which the zone database (rightly) has and the
  // gateway's fixed UTC+8 does not.
  const start = Date.UTC(1992, 0, 1);
  const stride = 1_987_654_321_987 % (Date.UTC(2099, 0, 1) - start);
  const instants = Array.from({ length: 500 }, (_, i) => new Date(start + ((i * stride) % (Date.UTC(2099, 0, 1) - start)) - ((i * 7919) % 1000)));
  it.each(['UTC', 'America/Los_Angeles', 'Asia/Shanghai', 'Pacific/Kiritimati'])('inverts Intl Asia/Shanghai wall time for 500 instants with TZ=%s', (zone) => {
    process.env.TZ = zone;
    for (const instant of instants) {
      const wholeSeconds = Math.floor(instant.getTime() / 1000) * 1000;
      expect(parseTimestamp({ text: chinaTimeByIntl(instant) })?.getTime()).toBe(wholeSeconds);
    }
  });
});
