import { PART_CLOSING, PART_OPENING } from './part-frame.js';

/**
 * An incremental hash, fed bytes in order, digested once (hex). `@zhima/validator/node` gives SHA-256
 * through `node:crypto` (`createSha256`, or `createFileSha256` on a worker thread); WebCrypto has no
 * incremental digest, so elsewhere bring one. A hash with `updateRange` reads the source's bytes itself
 * (a file it opened): the validator then hands it offsets instead of bytes, and keeps no bytes for it.
 *
 * @example
 * ```ts
 * import { createHash } from 'node:crypto';
 * const hash: PartHash = (() => { const h = createHash('sha256'); return { update: (bytes) => void h.update(bytes), digest: () => h.digest('hex') }; })();
 * ```
 */
export interface PartHash {
  update(bytes: Uint8Array): void;
  /** Hash the source's bytes at `[offset, offset + length)`, read by the hash itself, next in order. */
  updateRange?(range: { offset: number; length: number }): void;
  digest(): string;
}

/** The bytes a scanner is looking at: `buf[0]` is at file offset `base`. */
export interface ScannedBytes {
  readonly buf: Uint8Array;
  readonly base: number;
}

const COMMA = Uint8Array.of(0x2c);
// The separator after a span's last record is kept across a pause so that the next record can
// continue the span; a separator longer than this (kilobytes of whitespace) leaves the part unhashed.
const KEPT_SEPARATOR_BYTES = 4096;
const EMPTY = new Uint8Array(0);

/**
 * Hashes each planned part's exact bytes (`{"records":[`, its spans joined by `,`, `]}`, as `readPart`
 * gives them) from the bytes the scanner already holds, as the planner places records: no second read.
 * Consecutive bytes are hashed in one call per scanned buffer. A part whose bytes it could not see
 * whole (a very long separator) gets no hash, and `readPart` is the way to hash it. A hash with
 * `updateRange` is given each span's file offsets when it would have been given its bytes, so it sees
 * every part whole.
 *
 * @example
 * ```ts
 * const hasher = new PartHasher({ create: createSha256, source: scanner });
 * hasher.open(12, 260); hasher.extend(509); hasher.pause();
 * const sha256 = hasher.seal();
 * ```
 */
export class PartHasher {
  private readonly create: () => PartHash;
  private readonly source: ScannedBytes;
  private hash: PartHash | undefined;
  private intact = true;
  /** File offsets `[from, to)` of the open span not hashed yet. */
  private from = 0;
  private to = 0;
  /** A copy of the bytes at `[savedAt, savedAt + saved.length)` from buffers the scanner let go. */
  private saved: Uint8Array = EMPTY;
  private savedAt = 0;

  constructor({ create, source }: { create: () => PartHash; source: ScannedBytes }) {
    this.create = create;
    this.source = source;
  }

  /** A new part, whose first record is at `[start, end)`. */
  open(start: number, end: number): void {
    this.hash = this.create();
    this.intact = true;
    this.hash.update(PART_OPENING);
    this.from = start;
    this.to = end;
  }

  /** The open span grows to `end` (the separator before the next record comes too). */
  extend(end: number): void {
    this.to = end;
  }

  /** A new span in the open part, its first record at `[start, end)`. */
  span(start: number, end: number): void {
    this.flush();
    this.hash?.update(COMMA);
    this.from = start;
    this.to = end;
  }

  /** Closes the open part: its hex digest, or undefined when its bytes were not all seen. */
  seal(): string | undefined {
    this.flush();
    const hash = this.hash;
    this.hash = undefined;
    if (hash === undefined || !this.intact) return undefined;
    hash.update(PART_CLOSING);
    return hash.digest();
  }

  /** The scanner is about to let its buffer go: hash what is placed, keep the separator that may follow. */
  pause(): void {
    this.flush();
    const { buf, base } = this.source;
    if (this.hash === undefined || !this.intact || this.hash.updateRange !== undefined) {
      this.saved = EMPTY;
      return;
    }
    const keep = Math.min(base + buf.length, this.to + KEPT_SEPARATOR_BYTES);
    if (this.to >= base) this.saved = buf.slice(this.to - base, keep - base);
    else if (this.to >= this.savedAt && base <= this.savedAt + this.saved.length && keep >= base) {
      // No record ended in this buffer: the separator began in an earlier one.
      const joined = new Uint8Array(keep - this.to);
      joined.set(this.saved.subarray(this.to - this.savedAt, base - this.savedAt));
      joined.set(buf.subarray(0, keep - base), base - this.to);
      this.saved = joined;
    } else this.saved = EMPTY;
    this.savedAt = this.to;
  }

  private flush(): void {
    const hash = this.hash;
    if (hash === undefined || this.from >= this.to) return;
    if (hash.updateRange !== undefined) hash.updateRange({ offset: this.from, length: this.to - this.from });
    else if (this.intact) {
      const { buf, base } = this.source;
      let at = this.from;
      if (at < base) {
        if (at < this.savedAt || base > this.savedAt + this.saved.length) this.intact = false;
        else {
          hash.update(this.saved.subarray(at - this.savedAt, base - this.savedAt));
          at = base;
        }
      }
      if (this.intact) hash.update(buf.subarray(at - base, this.to - base));
    }
    this.from = this.to;
  }
}
