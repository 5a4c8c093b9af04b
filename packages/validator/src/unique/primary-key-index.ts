const EMPTY = 0;
const UTF8 = new TextDecoder();
// Linear probing stays at a few probes per lookup up to 80 % load; past it, runs lengthen quickly.
const MAX_LOAD = 0.8;
// 4096 slots (48 KB): a small file never grows the table, a large one skips the tiny sizes.
const MIN_CAPACITY = 1 << 12;
// 2^30 slots × 12 bytes is 12 GiB, beyond any file the gateway takes (and typed-array limits beyond it).
const MAX_CAPACITY = 1 << 30;

/**
 * Gives an array buffer's memory back now rather than at some later collection, which a validator that
 * allocates little may not reach before the caller's next big step (an upload): a buffer transferred into
 * a message nobody reads is detached, and closing the channel frees it. Where there is no
 * `MessageChannel`, or it takes no transfer list (workerd), the collector frees it as usual: only
 * sooner or later, never a different answer.
 */
function freeNow(buffer: ArrayBufferLike): void {
  if (typeof MessageChannel === 'undefined' || !(buffer instanceof ArrayBuffer)) return;
  const { port1, port2 } = new MessageChannel();
  try {
    port1.postMessage(null, [buffer]);
  } catch {
    // Nothing to do: the buffer is left to the collector.
  } finally {
    port1.close();
    port2.close();
  }
}

function fmix(hash: number): number {
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  return (hash ^ (hash >>> 16)) >>> 0;
}

// 2^-32: a 32-bit hash times `capacity * TO_UNIT` is a slot in [0, capacity), any capacity.
const TO_UNIT = 1 / 4294967296;

// Mixes both halves so keys differing only in h1 (which is forced odd) still spread over the table,
// then maps the 32-bit mix onto the slots by multiplying (Lemire's range reduction): the table can be
// sized to its keys, not rounded up to a power of two (up to half of it empty for nothing).
function homeSlot(h1: number, h2: number, scale: number): number {
  return Math.floor(((h2 ^ Math.imul(h1, 0x9e3779b1)) >>> 0) * scale);
}

/**
 * A set of primary keys in 12 bytes per slot: a 64-bit fingerprint (two independent 32-bit hashes of
 * the key values) and the record index, in one open-addressing `Uint32Array`. A JS `Set` of joined keys
 * costs about 150 B per record and stops at 16.7M entries; this holds 10M keys in about 160 MB (the
 * table sized to the keys at 80 % load at most, not to a power of two).
 * A fingerprint match is only a candidate: callers confirm it against the earlier record's real values
 * (see `validateRecords`) and {@link add} the key when it was another key after all. Slots never leave
 * the class: the table may grow (and every slot move) between a match and its confirmation.
 *
 * @example
 * ```ts
 * const index = new PrimaryKeyIndex({ expected: 1000 });
 * const [earlier] = index.matching(['LN001', '2025-01']);
 * if (earlier === undefined) index.add(['LN001', '2025-01'], 0);
 * else console.log('candidate duplicate of record', earlier);
 * ```
 */
export class PrimaryKeyIndex {
  private table: Uint32Array;
  /** Number of slots, and `slots * TO_UNIT` for {@link homeSlot}. */
  private slots: number;
  private scale: number;
  private size = 0;
  private h1 = 0;
  private h2 = 0;
  private readonly estimate: (() => number) | undefined;
  /** Keys waiting for {@link insertStaged}: fingerprint (two words) and record index per key. */
  private staged = new Uint32Array(64 * 3);
  private stagedCount = 0;
  private touched = 0;

  /**
   * `expected`: keys to size for up front. `estimate`: asked at each growth for the final key count, so a
   * big file jumps to its final size at once instead of holding the old and new tables at every doubling.
   */
  constructor({ expected = 0, estimate }: { expected?: number; estimate?: () => number } = {}) {
    this.estimate = estimate;
    const capacity = PrimaryKeyIndex.capacityFor(MIN_CAPACITY, expected);
    this.table = new Uint32Array(capacity * 3);
    this.slots = capacity;
    this.scale = capacity * TO_UNIT;
  }

  /** At least `start` slots, and enough for `keys` at the load bound (at most MAX_CAPACITY). */
  private static capacityFor(start: number, keys: number): number {
    return Math.min(MAX_CAPACITY, Math.max(start, Math.ceil(keys / MAX_LOAD)));
  }

  /** Slots in the table (keys it can hold is 80% of that). */
  get capacity(): number {
    return this.slots;
  }

  /** Number of keys held. */
  get count(): number {
    return this.size;
  }

  /**
   * Frees the table at once (157 MB for 10M keys) when the keys are no longer needed: the index is
   * empty and unusable afterwards.
   */
  release(): void {
    const table = this.table;
    this.table = new Uint32Array(0);
    this.slots = 0;
    this.size = 0;
    freeNow(table.buffer);
  }

  /**
   * Queues a key for {@link insertStaged}: hashes `values` now (the caller may reuse the array) and keeps
   * the fingerprint with its record index.
   */
  stage(values: readonly string[], recordIndex: number): void {
    this.hash(values);
    this.pushStaged(recordIndex);
  }

  /**
   * {@link stage} for key values given as UTF-8 byte ranges (`ranges[from + 2k]` to `ranges[from + 2k + 1]`
   * of `bytes`, one per key column): the same fingerprint as staging the decoded strings, without
   * decoding ASCII values.
   */
  stageBytes(bytes: Uint8Array, ranges: Float64Array, from: number, columns: number, recordIndex: number): void {
    this.hashBytes(bytes, ranges, from, columns);
    this.pushStaged(recordIndex);
  }

  /** {@link hash} of the values in byte ranges (see {@link stageBytes}). */
  private hashBytes(bytes: Uint8Array, ranges: Float64Array, from: number, columns: number): void {
    let a = 0x811c9dc5;
    let b = 0x9747b28c;
    for (let k = 0; k < columns; k++) {
      const start = ranges[from + 2 * k]!;
      const end = ranges[from + 2 * k + 1]!;
      let i = start;
      while (i < end && bytes[i]! < 0x80) i++;
      // A non-ASCII value hashes as its UTF-16 text, as `stage` sees it.
      const text = i < end ? UTF8.decode(bytes.subarray(start, end)) : undefined;
      const length = text === undefined ? end - start : text.length;
      for (let j = 0; j < length; j++) {
        const unit = text === undefined ? bytes[start + j]! : text.charCodeAt(j);
        a = Math.imul(a ^ unit, 0x01000193);
        b = Math.imul(b + unit, 0x5bd1e995);
        b ^= b >>> 13;
      }
      a = Math.imul(a ^ (length + 0x10000), 0x01000193);
      b = Math.imul(b + length + 0x10000, 0x5bd1e995);
      b ^= b >>> 13;
    }
    this.fingerprint(a, b);
  }

  private pushStaged(recordIndex: number): void {
    const at = this.stagedCount * 3;
    if (at === this.staged.length) {
      const grown = new Uint32Array(this.staged.length * 2);
      grown.set(this.staged);
      this.staged = grown;
    }
    this.staged[at] = this.h1;
    this.staged[at + 1] = this.h2;
    this.staged[at + 2] = recordIndex;
    this.stagedCount++;
  }

  /**
   * Inserts the staged keys in order; a key whose fingerprint is already held is not inserted but handed
   * to `onMatch`: a candidate duplicate, to confirm with {@link matching} (then {@link add} it if it
   * proves to be another key).
   *
   * Each insert lands on a random slot of a table far larger than the CPU caches. Reading every home
   * slot first, in a loop of independent loads, lets those cache misses overlap instead of stalling one
   * record at a time: a measured 8 % of the whole validation time on a 1M-record file.
   */
  insertStaged(onMatch: (recordIndex: number) => void): void {
    const { staged, table, scale } = this;
    const end = this.stagedCount * 3;
    this.stagedCount = 0;
    let touched = 0;
    for (let at = 0; at < end; at += 3) touched ^= table[homeSlot(staged[at]!, staged[at + 1]!, scale) * 3]!;
    // Kept in a field so the compiler cannot drop the loads as dead code.
    this.touched = touched;
    for (let at = 0; at < end; at += 3) {
      this.h1 = staged[at]!;
      this.h2 = staged[at + 1]!;
      const slot = this.find();
      if (slot < 0) this.claim(~slot, staged[at + 2]!);
      else onMatch(staged[at + 2]!);
    }
  }

  /**
   * The record indexes of every held key whose fingerprint equals that of `values`, in probe order:
   * none for a new key, one for a candidate duplicate, more only after {@link add} kept keys whose
   * fingerprints collide.
   */
  matching(values: readonly string[]): number[] {
    this.hash(values);
    const found: number[] = [];
    for (let slot = this.find(); slot >= 0; slot = this.find(slot)) found.push(this.table[slot * 3 + 2]!);
    return found;
  }

  /** Holds a key, also when keys with the same fingerprint are held (a match that proved to be another key). */
  add(values: readonly string[], recordIndex: number): void {
    this.hash(values);
    let slot = this.find();
    while (slot >= 0) slot = this.find(slot);
    this.claim(~slot, recordIndex);
  }

  /** Sets the current key. Each value is followed by its length, so `['ab','c']` differs from `['a','bc']`. */
  private hash(values: readonly string[]): void {
    let a = 0x811c9dc5;
    let b = 0x9747b28c;
    for (const value of values) {
      for (let i = 0; i < value.length; i++) {
        const unit = value.charCodeAt(i);
        a = Math.imul(a ^ unit, 0x01000193);
        b = Math.imul(b + unit, 0x5bd1e995);
        b ^= b >>> 13;
      }
      a = Math.imul(a ^ (value.length + 0x10000), 0x01000193);
      b = Math.imul(b + value.length + 0x10000, 0x5bd1e995);
      b ^= b >>> 13;
    }
    this.fingerprint(a, b);
  }

  private fingerprint(a: number, b: number): void {
    // Stored values are never 0, which marks an empty slot.
    this.h1 = (fmix(a) | 1) >>> 0;
    this.h2 = fmix(b ^ Math.imul(a, 0x27d4eb2f));
  }

  /**
   * Probes for the current key from its home slot, or from the slot after `after` (to continue past a
   * match). Returns a slot whose fingerprint matches, or `~slot` of the empty slot where the key belongs.
   */
  private find(after = -1): number {
    const table = this.table;
    const slots = this.slots;
    let slot = after < 0 ? homeSlot(this.h1, this.h2, this.scale) : after + 1 === slots ? 0 : after + 1;
    for (;;) {
      const at = slot * 3;
      const stored = table[at]!;
      if (stored === EMPTY) return ~slot;
      if (stored === this.h1 && table[at + 1] === this.h2) return slot;
      slot = slot + 1 === slots ? 0 : slot + 1;
    }
  }

  /** Stores the current key in an empty slot found by {@link find}. */
  private claim(slot: number, recordIndex: number): void {
    const at = slot * 3;
    this.table[at] = this.h1;
    this.table[at + 1] = this.h2;
    this.table[at + 2] = recordIndex;
    this.size++;
    if (this.size > this.slots * MAX_LOAD) this.grow();
  }

  private grow(): void {
    const old = this.table;
    if (this.slots >= MAX_CAPACITY) throw new RangeError('PrimaryKeyIndex is full');
    const doubled = Math.min(this.slots * 2, MAX_CAPACITY);
    const estimated = this.estimate?.() ?? 0;
    let capacity = PrimaryKeyIndex.capacityFor(doubled, Number.isFinite(estimated) ? Math.min(estimated, MAX_CAPACITY * MAX_LOAD) : 0);
    let table: Uint32Array;
    try {
      table = new Uint32Array(capacity * 3);
    } catch {
      // An estimate from a wrong `totalBytes` may ask for more memory than there is: double instead.
      capacity = doubled;
      table = new Uint32Array(capacity * 3);
    }
    this.table = table;
    this.slots = capacity;
    this.scale = capacity * TO_UNIT;
    const saved1 = this.h1;
    const saved2 = this.h2;
    for (let at = 0; at < old.length; at += 3) {
      if (old[at] === EMPTY) continue;
      this.h1 = old[at]!;
      this.h2 = old[at + 1]!;
      // Keys with equal fingerprints (confirmed different) both live in the table: probe past them.
      let slot = this.find();
      while (slot >= 0) slot = this.find(slot);
      const to = ~slot * 3;
      table[to] = this.h1;
      table[to + 1] = this.h2;
      table[to + 2] = old[at + 2]!;
    }
    this.h1 = saved1;
    this.h2 = saved2;
    freeNow(old.buffer);
  }
}
