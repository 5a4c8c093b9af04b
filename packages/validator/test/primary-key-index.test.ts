import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PrimaryKeyIndex } from '../src/unique/primary-key-index.js';

function insert(index: PrimaryKeyIndex, values: string[], recordIndex: number): number | undefined {
  index.hash(values);
  const slot = index.find();
  if (slot >= 0) return index.recordAt(slot);
  index.claim(~slot, recordIndex);
  return undefined;
}

describe('PrimaryKeyIndex', () => {
  it('agrees with a JS Map on which keys repeat and where they were first seen, across growth', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.string({ maxLength: 4 }), fc.constantFrom('2025-01', '2025-02', '')), { maxLength: 400 }), (keys) => {
        const index = new PrimaryKeyIndex();
        const oracle = new Map<string, number>();
        keys.forEach((values, i) => {
          const joined = JSON.stringify(values);
          expect(insert(index, values, i)).toBe(oracle.get(joined));
          if (!oracle.has(joined)) oracle.set(joined, i);
        });
        expect(index.count).toBe(oracle.size);
      }),
      { numRuns: 200 },
    );
  });

  it('staged inserts agree with a JS Map, repeats inside one batch and growth mid-batch included', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.string({ maxLength: 3 }), fc.constantFrom('2025-01', '2025-02')), { maxLength: 600 }),
        fc.integer({ min: 1, max: 300 }),
        (keys, batchSize) => {
          const index = new PrimaryKeyIndex();
          const oracle = new Map<string, number>();
          const matches: [number, number][] = [];
          const expected: [number, number][] = [];
          keys.forEach((values, i) => {
            index.stage(values, i);
            const joined = JSON.stringify(values);
            const earlier = oracle.get(joined);
            if (earlier === undefined) oracle.set(joined, i);
            else expected.push([i, earlier]);
            if ((i + 1) % batchSize === 0 || i === keys.length - 1) index.insertStaged((recordIndex, slot) => matches.push([recordIndex, index.recordAt(slot)]));
          });
          expect(matches).toEqual(expected);
          expect(index.count).toBe(oracle.size);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('keeps 100k distinct keys apart and finds each again after growing from the smallest table', () => {
    const index = new PrimaryKeyIndex();
    const clashes: number[] = [];
    for (let i = 0; i < 100_000; i++) if (insert(index, [`LN${i}`, '2025-01'], i) !== undefined) clashes.push(i);
    expect(clashes).toEqual([]);
    const found: (number | undefined)[] = [];
    const expected: number[] = [];
    for (let i = 0; i < 100_000; i += 997) {
      found.push(insert(index, [`LN${i}`, '2025-01'], -1));
      expected.push(i);
    }
    expect(found).toEqual(expected);
  });

  it('grows straight to the estimated final size instead of doubling step by step', () => {
    const index = new PrimaryKeyIndex({ estimate: () => 100_000 });
    const first = index.capacity;
    let i = 0;
    while (index.capacity === first) insert(index, [`LN${i}`, String(i++)], i);
    expect(index.capacity * 0.8).toBeGreaterThanOrEqual(100_000);
    expect(index.capacity).toBeLessThan(4 * 100_000);
    for (let k = 0; k < i; k += 97) expect(insert(index, [`LN${k}`, String(k)], -1)).toBe(k + 1);
  });
});
