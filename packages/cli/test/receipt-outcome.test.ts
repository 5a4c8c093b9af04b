import { GatewayError, TransportError } from '@zhima/core';
import { describe, expect, it } from 'vitest';
import { exitCodeOf, receiptErrorOf, runResultOf } from '../src/index.js';
import type { PartOutcome, RunResult } from '../src/index.js';

const parts = (...outcomes: PartOutcome[]) => outcomes.map((outcome) => ({ outcome }));

describe('receipt outcomes shared by zhima send and jobs that leave its receipt', () => {
  it('exit codes are the README table', () => {
    // README "Exit codes", copied by hand: success 0, failed 1, refused 3, nothing sent 4, unverified 5, held back 6.
    const table: Record<RunResult, number> = { success: 0, failed: 1, refused: 3, 'nothing-sent': 4, unverified: 5, 'held-back': 6 };
    for (const [result, code] of Object.entries(table) as [RunResult, number][]) expect(exitCodeOf({ result })).toBe(code);
  });

  it('unverified outranks a stop, a stop or a lost answer outranks a refusal, and a refusal outranks success', () => {
    expect(runResultOf({ parts: parts('accepted', 'refused', 'unverified'), stopped: true })).toBe('unverified');
    expect(runResultOf({ parts: parts('accepted', 'refused'), stopped: true })).toBe('failed');
    expect(runResultOf({ parts: parts('refused', 'not-answered'), stopped: false })).toBe('failed');
    expect(runResultOf({ parts: parts('accepted', 'not-sent'), stopped: false })).toBe('failed');
    expect(runResultOf({ parts: parts('accepted', 'refused', 'skipped'), stopped: false })).toBe('refused');
    expect(runResultOf({ parts: parts('accepted', 'skipped'), stopped: false })).toBe('success');
    // Held-back records need a person, but less than a refusal or a stop does.
    expect(runResultOf({ parts: parts('held-back', 'accepted', 'refused'), stopped: false })).toBe('refused');
    expect(runResultOf({ parts: parts('held-back', 'accepted'), stopped: true })).toBe('failed');
    expect(runResultOf({ parts: parts('held-back', 'accepted', 'skipped'), stopped: false })).toBe('held-back');
    expect(runResultOf({ parts: parts('held-back'), stopped: false })).toBe('held-back');
    expect(runResultOf({ parts: [], stopped: false })).toBe('success');
  });

  it('a failure becomes plain receipt data: gateway codes for a refusal, the reason for a transport failure', () => {
    const refusal = new GatewayError({ answer: { code: '40004', msg: 'Business Failed', sub_code: 'INVALID_PARAMETER', sub_msg: '参数有误' }, verified: true, method: 'zhima.data.batch.feedback' });
    expect(receiptErrorOf({ error: refusal })).toEqual({ code: 'GATEWAY_ERROR', message: refusal.message, gatewayCode: '40004', subCode: 'INVALID_PARAMETER', subMsg: '参数有误', reason: null });
    expect(receiptErrorOf({ error: new TransportError({ reason: 'TIMEOUT', message: 'no answer in 60 s' }) })).toEqual({ code: 'TRANSPORT_ERROR', message: 'no answer in 60 s', gatewayCode: null, subCode: null, subMsg: null, reason: 'TIMEOUT' });
    expect(receiptErrorOf({ error: new Error('disk full') })).toEqual({ code: 'UNKNOWN', message: 'disk full', gatewayCode: null, subCode: null, subMsg: null, reason: null });
    expect(receiptErrorOf({ error: 'thrown text' })).toMatchObject({ code: 'UNKNOWN', message: 'thrown text' });
  });
});
