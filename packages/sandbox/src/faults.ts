import { ZhimaError } from '@zhima/core';

/**
 * Transient failures to inject, each as a share of gateway calls (0 to 1), drawn from a seeded generator
 * so a failing run can be replayed. `unavailable` answers `20000 isp.unknow-error` without storing
 * anything; `cut` stores the records and then breaks the answer midway (the client cannot know it was
 * accepted: exactly the case where resending must not double data); `delay` holds the answer back.
 *
 * @example
 * ```ts
 * const faults: FaultOptions = { seed: 42, unavailable: 0.2, cut: 0.1, delay: 0.3, maxDelayMs: 500 };
 * ```
 */
export interface FaultOptions {
  seed: number;
  unavailable?: number;
  cut?: number;
  delay?: number;
  /** Delays are drawn uniformly from 0 to this. Defaults to 1000 ms. */
  maxDelayMs?: number;
}

/**
 * What happens to one call.
 *
 * @example
 * ```ts
 * const fault: Fault = { outcome: 'cut', delayMs: 0 };
 * ```
 */
export interface Fault {
  outcome: 'normal' | 'unavailable' | 'cut';
  delayMs: number;
}

// mulberry32: tiny, fast and good enough to spread faults evenly; the same seed gives the same run.
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function faultError(message: string): ZhimaError<'PARAM_INVALID'> {
  return new ZhimaError({ code: 'PARAM_INVALID', message, hint: 'Give each fault share as a number from 0 to 1, e.g. { seed: 1, unavailable: 0.3 }.' });
}

/**
 * Draws the fault of each call in arrival order. Without options every call is normal.
 *
 * @example
 * ```ts
 * const next = createFaultPlan({ faults: { seed: 1, unavailable: 0.3 } });
 * next().outcome; // 'normal' | 'unavailable'
 * ```
 */
export function createFaultPlan({ faults }: { faults: FaultOptions | undefined }): () => Fault {
  if (faults === undefined) return () => ({ outcome: 'normal', delayMs: 0 });
  const { seed, unavailable = 0, cut = 0, delay = 0, maxDelayMs = 1000 } = faults;
  for (const [name, share] of Object.entries({ unavailable, cut, delay })) {
    if (!(share >= 0 && share <= 1)) throw faultError(`faults.${name} must be a share between 0 and 1, got ${share}.`);
  }
  if (unavailable + cut > 1) throw faultError(`faults.unavailable + faults.cut must not exceed 1.`);
  const random = mulberry32(seed);
  return () => {
    const roll = random();
    const outcome = roll < unavailable ? 'unavailable' : roll < unavailable + cut ? 'cut' : 'normal';
    const delayMs = random() < delay ? Math.round(random() * maxDelayMs) : 0;
    return { outcome, delayMs };
  };
}
