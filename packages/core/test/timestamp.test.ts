import { afterEach, describe, expect, it } from 'vitest';
import { formatTimestamp } from '../src/index.js';

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
    expect(formatTimestamp(moment)).toBe(chinaTimeByIntl(moment));
  });
});

describe('formatTimestamp', () => {
  it('follows the process zone change (sanity: TZ really changes local time here)', () => {
    process.env.TZ = 'UTC';
    const utcHours = new Date('2024-01-01T16:00:00Z').getHours();
    process.env.TZ = 'America/Los_Angeles';
    expect(new Date('2024-01-01T16:00:00Z').getHours()).not.toBe(utcHours);
    expect(formatTimestamp(new Date('2024-01-01T16:00:00Z'))).toBe('2024-01-02 00:00:00');
  });

  it('rejects an invalid date instead of printing NaN', () => {
    expect(() => formatTimestamp(new Date('nope'))).toThrow(RangeError);
  });
});
