import { describe, expect, it } from 'vitest';
import { addDays, chinaDay, isDay, yesterdayInChina } from '../src/china-time.js';
import { contentHash, recordKey } from '../src/job/record-identity.js';
import { TEMPLATE } from '../src/merchant/loan-template.js';

describe('China-time days', () => {
  it('T+1 is yesterday in UTC+8 on either side of 16:00 UTC (China midnight), whatever the process zone', () => {
    expect(yesterdayInChina(new Date('2026-11-30T15:59:59Z'))).toBe('2026-11-29');
    expect(yesterdayInChina(new Date('2026-11-30T16:00:00Z'))).toBe('2026-11-30');
    expect(yesterdayInChina(new Date('2027-01-01T01:00:00Z'))).toBe('2026-12-31');
    expect(chinaDay(new Date('2024-02-28T16:00:00Z'))).toBe('2024-02-29');
    expect([isDay('2024-02-29'), isDay('2026-02-29'), isDay('2026-13-01'), isDay('26-11-30')]).toEqual([true, false, false, false]);
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
  });
});

describe('record identity', () => {
  it('keys cannot collide through separators; the hash follows the template columns, not key order', () => {
    const primaryKeyColumns = ['order_no', 'pay_month'];
    expect(recordKey({ record: { order_no: 'A,B', pay_month: 'C' }, primaryKeyColumns })).not.toBe(recordKey({ record: { order_no: 'A', pay_month: 'B,C' }, primaryKeyColumns }));
    const record = Object.fromEntries(TEMPLATE.columns.map((column) => [column, `v-${column}`]));
    const reversed = Object.fromEntries(Object.entries(record).reverse());
    expect(contentHash({ record, columns: TEMPLATE.columns })).toBe(contentHash({ record: reversed, columns: TEMPLATE.columns }));
    expect(contentHash({ record: { ...record, memo: 'x' }, columns: TEMPLATE.columns })).not.toBe(contentHash({ record, columns: TEMPLATE.columns }));
  });
});
