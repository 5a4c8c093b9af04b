import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PrimaryKeyIndex } from '../src/unique/primary-key-index.js';
import { collectGarbage, hashByteKeysAsText } from './helpers.js';

/** Inserts a key unless its fingerprint is held; returns the earlier record it matched. */
function insert(index: PrimaryKeyIndex, values: string[], recordIndex: number): number | undefined {
  const [earlier] = index.matching(values);
  if (earlier === undefined) index.add(values, recordIndex);
  return earlier;
}

/**
 * Makes distinct keys share fingerprints: the fingerprint becomes the key's number modulo `classes`, as
 * if the 64-bit hash collided all the time. Equal keys still get equal fingerprints.
 */
function forceCollisions(classes: number): void {
  const proto = PrimaryKeyIndex.prototype as unknown as { hash(values: readonly string[]): void };
  vi.spyOn(proto, 'hash').mockImplementation(function (this: { h1: number; h2: number }, values: readonly string[]) {
    let sum = 0;
    for (const value of values) for (let i = 0; i < value.length; i++) sum = (sum * 31 + value.charCodeAt(i)) % classes;
    this.h1 = 1;
    this.h2 = sum;
  });
  // Keys staged from bytes collide the same way.
  hashByteKeysAsText();
}

afterEach(() => {
  vi.restoreAllMocks();
});

// Key counts at which a table grown from the smallest one (4096 slots, 80 % load) doubles.
const GROWTH_POINTS = [3277, 6554, 13108, 26215, 52429, 104858];
const aroundGrowth = fc.oneof(
  fc.constantFrom(...GROWTH_POINTS).chain((point) => fc.integer({ min: point - 70, max: point + 70 })),
  fc.integer({ min: 0, max: 110_000 }),
);

/**
 * Runs the validator's protocol against a Map: keys staged in batches, matches kept as candidates and
 * confirmed only after `delay` more batches (so the table may grow in between), each candidate
 * compared with every earlier record sharing its fingerprint and added when none holds the same key.
 * Returns the duplicates found as [record, earlier record] pairs.
 */
function runProtocol({ keys, batchSize, delay, expected, estimate }: { keys: string[][]; batchSize: number; delay: number; expected?: number; estimate?: () => number }): { found: [number, number][]; collisions: number } {
  const index = new PrimaryKeyIndex({ ...(expected === undefined ? {} : { expected }), ...(estimate === undefined ? {} : { estimate }) });
  const found: [number, number][] = [];
  let collisions = 0;
  let waiting: number[][] = [];
  const confirm = (candidates: number[]) => {
    for (const recordIndex of candidates) {
      const values = keys[recordIndex]!;
      const same = index.matching(values).find((earlier) => JSON.stringify(keys[earlier]) === JSON.stringify(values));
      if (same === undefined) {
        collisions++;
        index.add(values, recordIndex);
      }
      else found.push([recordIndex, same]);
    }
  };
  for (let first = 0; first < keys.length; first += batchSize) {
    const batch: number[] = [];
    for (let i = first; i < Math.min(first + batchSize, keys.length); i++) index.stage(keys[i]!, i);
    index.insertStaged((recordIndex) => batch.push(recordIndex));
    waiting.push(batch);
    if (waiting.length > delay) confirm(waiting.shift()!);
  }
  for (const batch of waiting) confirm(batch);
  waiting = [];
  return { found, collisions };
}

function oracle(keys: string[][]): [number, number][] {
  const first = new Map<string, number>();
  const found: [number, number][] = [];
  keys.forEach((values, i) => {
    const joined = JSON.stringify(values);
    const earlier = first.get(joined);
    if (earlier === undefined) first.set(joined, i);
    else found.push([i, earlier]);
  });
  return found;
}

describe('PrimaryKeyIndex', () => {
  it('agrees with a JS Map on which keys repeat and where they were first seen, across growth', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.string({ maxLength: 4 }), fc.constantFrom('2025-01', '2025-02', '')), { maxLength: 400 }), (keys) => {
        const index = new PrimaryKeyIndex();
        const first = new Map<string, number>();
        keys.forEach((values, i) => {
          const joined = JSON.stringify(values);
          expect(insert(index, values, i)).toBe(first.get(joined));
          if (!first.has(joined)) first.set(joined, i);
        });
        expect(index.count).toBe(first.size);
      }),
      { numRuns: 200 },
    );
  });

  it('staged inserts confirmed batches later agree with a Map at every size around every growth point', () => {
    fc.assert(
      fc.property(
        aroundGrowth,
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 100 }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 0, max: 0xffff }),
        (count, repeatEvery, batchSize, delay, salt) => {
          // Every repeatEvery-th key repeats an earlier one (the first 3000 records included).
          const keys = Array.from({ length: count }, (_, i) => (i % repeatEvery === repeatEvery - 1 ? [`LN${(i * 7 + salt) % (i + 1)}`, '2025-01'] : [`LN${i}`, '2025-01']));
          expect(runProtocol({ keys, batchSize, delay })).toEqual({ found: oracle(keys), collisions: 0 });
        },
      ),
      { numRuns: 40 },
    );
  });

  it('forced fingerprint collisions between different keys: every duplicate still found, nothing else', () => {
    let collisions = 0;
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 8000 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 64 }),
        fc.integer({ min: 0, max: 3 }),
        fc.constantFrom(7, 101, 4093),
        (count, distinct, batchSize, delay, classes) => {
          forceCollisions(classes);
          // Few distinct order numbers: third and later copies of a key, and collisions, everywhere.
          const keys = Array.from({ length: count }, (_, i) => [`LN${i % (distinct * 97 + 1) === 0 ? i : i % distinct}`, i % 3 === 0 ? '2025-01' : '2025-02']);
          const outcome = runProtocol({ keys, batchSize, delay });
          vi.restoreAllMocks();
          expect(outcome.found).toEqual(oracle(keys));
          collisions += outcome.collisions;
        },
      ),
      { numRuns: 40 },
    );
    // The forced fingerprints did collide, so the comparison is not vacuous.
    expect(collisions).toBeGreaterThan(100);
  });

  it('any growth estimate (none, too small, too large, nonsense) leaves the answers right', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 30_000 }),
        fc.constantFrom(0, 10, 5000, 40_000, 1e7, -1, Number.NaN, Number.POSITIVE_INFINITY),
        fc.constantFrom(undefined, 0, 100, 30_000),
        (count, estimated, expected) => {
          const keys = Array.from({ length: count }, (_, i) => [`LN${i % 997 === 5 ? 5 : i}`, '2025-01']);
          expect(runProtocol({ keys, batchSize: 64, delay: 1, estimate: () => estimated, ...(expected === undefined ? {} : { expected }) }).found).toEqual(oracle(keys));
        },
      ),
      { numRuns: 30 },
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

describe('giving memory back', () => {
  const arrayBuffers = () => process.memoryUsage().arrayBuffers;
  // Closing the channel that holds the detached table completes within a few turns of the event loop.
  const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

  it('release() frees the table at once, with no collection: 5M expected keys (75 MB) come back', async () => {
    await collectGarbage();
    const index = new PrimaryKeyIndex({ expected: 5_000_000 });
    insert(index, ['LN1', '2025-01'], 0);
    const held = arrayBuffers();
    index.release();
    await settle();
    expect(held - arrayBuffers()).toBeGreaterThanOrEqual((5_000_000 / 0.8) * 12 - 1024 * 1024);
    expect(index.count).toBe(0);
  });

  it('a growth frees the outgrown table at once', async () => {
    const index = new PrimaryKeyIndex({ expected: 1_000_000 });
    await collectGarbage();
    const before = arrayBuffers();
    for (let i = 0; index.capacity < 1_000_000 / 0.8 + 1; i++) index.add([`LN${i}`, 'm'], i);
    await settle();
    // Only the new table (twice the old one) is held: the old 15 MB are gone.
    expect(arrayBuffers() - before).toBeLessThan(index.capacity * 12 - (1_000_000 / 0.8) * 12 + 1024 * 1024);
  });
});

describe('a table sized to its keys, not to a power of two', () => {
  it('holds an expected 10M keys in at most 10M / 0.8 slots (a power of two would take 16.8M: 201 MB instead of 157 MB)', () => {
    const index = new PrimaryKeyIndex({ expected: 10_000_000 });
    expect(index.capacity).toBe(12_500_000);
  });

  it('keeps every key of odd-sized tables apart and finds each again, across growth and the wrap from the last slot to the first', () => {
    fc.assert(
      fc.property(fc.integer({ min: 4097, max: 60_000 }), fc.integer({ min: 1, max: 40_000 }), (expected, count) => {
        const index = new PrimaryKeyIndex({ expected });
        const oracle = new Map<string, number>();
        for (let i = 0; i < count; i++) {
          const key = [`K${(i * 7919) % (count + 13)}`, 'm'];
          const earlier = insert(index, key, i);
          const joined = key.join('|');
          // A 64-bit fingerprint match between different keys is possible but not at this size.
          expect(earlier).toBe(oracle.get(joined));
          if (!oracle.has(joined)) oracle.set(joined, i);
        }
        expect(index.count).toBe(oracle.size);
        expect(index.capacity * 0.8).toBeGreaterThanOrEqual(index.count);
      }),
      { numRuns: 25 },
    );
  });
});

describe('keys staged from bytes', () => {
  it('get the fingerprint of the same keys staged as strings (ASCII, CJK, astral, empty)', () => {
    const value = fc.string({ unit: fc.constantFrom('a', '7', '-', '张', '乗', 'é', '😀', '\u0000'), maxLength: 8 });
    fc.assert(
      fc.property(fc.array(fc.array(value, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 40 }), (keys) => {
        const columns = keys[0]!.length;
        const rows = keys.map((row) => Array.from({ length: columns }, (_, k) => row[k % row.length]!));
        const fromStrings = new PrimaryKeyIndex({});
        const fromBytes = new PrimaryKeyIndex({});
        const encoder = new TextEncoder();
        const matchesOf = (index: PrimaryKeyIndex) => {
          const found: number[] = [];
          index.insertStaged((recordIndex) => found.push(recordIndex));
          return found;
        };
        rows.forEach((row, recordIndex) => {
          fromStrings.stage(row, recordIndex);
          const encoded = row.map((text) => encoder.encode(text));
          const bytes = new Uint8Array(1 + encoded.reduce((sum, part) => sum + part.length, 0));
          const ranges = new Float64Array(2 + 2 * columns);
          let at = 1;
          encoded.forEach((part, k) => {
            bytes.set(part, at);
            ranges[2 + 2 * k] = at;
            ranges[2 + 2 * k + 1] = at + part.length;
            at += part.length;
          });
          fromBytes.stageBytes(bytes, ranges, 2, columns, recordIndex);
        });
        expect(matchesOf(fromBytes)).toEqual(matchesOf(fromStrings));
        // The same fingerprints: every key staged from bytes is found by its strings.
        for (const row of rows) expect(fromBytes.matching(row)).toEqual(fromStrings.matching(row));
      }),
      { numRuns: 300 },
    );
  });
});
