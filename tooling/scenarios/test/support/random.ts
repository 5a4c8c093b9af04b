/**
 * The suite's one seed. Every generated file and every defect position derives from it, so a failure
 * replays exactly: `SCENARIO_SEED=<seed> pnpm --filter @zhima/scenarios test`.
 */
export const SEED = Number(process.env.SCENARIO_SEED ?? 20260304) >>> 0;

/** A seeded generator (mulberry32): small, fast and the same on every machine. */
export interface Random {
  /** In [0, 1). */
  next(): number;
  /** An integer in [min, max). */
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
}

/**
 * A generator for one purpose, derived from {@link SEED} and a label, so adding a scenario never moves
 * the defects of another.
 */
export function randomFor(label: string): Random {
  let state = SEED;
  for (let i = 0; i < label.length; i++) state = Math.imul(state ^ label.charCodeAt(i), 0x9e3779b1) >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min)),
    pick: (items) => items[Math.floor(next() * items.length)]!,
  };
}
