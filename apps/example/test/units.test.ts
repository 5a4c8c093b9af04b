import { GatewayError, TransportError, ZhimaError } from '@zhima/core';
import { describe, expect, it } from 'vitest';
import { addDays, chinaDay, isDay, yesterdayInChina } from '../src/china-time.js';
import { contentHash, recordKey } from '../src/job/record-identity.js';
import { classifyFailure } from '../src/library-stand-ins/classify-failure.js';
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

describe('the failure policy stand-in', () => {
  const gateway = (code: string, sub_code?: string) => new GatewayError({ answer: { code, msg: 'm', ...(sub_code ? { sub_code } : {}) }, verified: true, method: 'zhima.data.batch.feedback' });
  it.each([
    ['a data-quality refusal: this part only', gateway('40004', 'INVALID_PARAMETER'), { outcome: 'refused', stopsRun: false, laterRunMaySucceed: false }],
    ['a busy gateway after the retries', gateway('20000', 'isp.unknow-error'), { outcome: 'refused', stopsRun: true, laterRunMaySucceed: true }],
    ['a signature refusal: every part would get it', gateway('40002', 'isv.invalid-signature'), { outcome: 'refused', stopsRun: true, laterRunMaySucceed: false }],
    ['no connection', new TransportError({ reason: 'CONNECT', message: 'refused' }), { outcome: 'not-sent', stopsRun: true, laterRunMaySucceed: true }],
    ['a timeout after sending', new TransportError({ reason: 'TIMEOUT', message: 'slow' }), { outcome: 'not-answered', stopsRun: true, laterRunMaySucceed: true }],
    ['an HTTP 413', new TransportError({ reason: 'HTTP_STATUS', status: 413, message: 'too large' }), { outcome: 'refused', stopsRun: false, laterRunMaySucceed: false }],
    ['an answer whose signature fails', new ZhimaError({ code: 'SIGNATURE_INVALID', message: 'bad' }), { outcome: 'unverified', stopsRun: true, laterRunMaySucceed: false }],
  ] as const)('%s', (_name, error, expected) => {
    expect(classifyFailure({ error })).toEqual(expected);
  });
  it('rethrows what is not an SDK error (a bug, not a gateway outcome)', () => {
    expect(() => classifyFailure({ error: new TypeError('x is undefined') })).toThrow(TypeError);
  });
});
