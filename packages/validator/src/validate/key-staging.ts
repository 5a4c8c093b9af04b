import { PrimaryKeyIndex } from '../unique/primary-key-index.js';
import { SPARSE_SHIFT } from './reread.js';

const UTF8 = new TextDecoder();

/**
 * The primary keys of a file on their way into the key index: staged a batch at a time (hashed as each
 * record passes, inserted together so the table's cache misses overlap), with the values of the batch
 * kept so that a key whose fingerprint is already held becomes a duplicate candidate naming its values.
 * Also remembers where every 32nd record starts, so candidates can re-read earlier records.
 *
 * @example
 * ```ts
 * const keys = new KeyStaging({ keyColumns: 2, batchRecords: 64, expectedRecords: 0, estimate: () => 0 });
 * keys.beginBatch(0);
 * keys.stage(['LN1', '2025-01'], 0);
 * keys.insertStaged((recordIndex) => console.log('candidate', recordIndex));
 * ```
 */
export class KeyStaging {
  readonly index: PrimaryKeyIndex;
  /** Start offsets of every 2^SPARSE_SHIFT-th record, for re-reading earlier records. */
  sparseOffsets = new Float64Array(1024);
  private readonly keyColumns: number;
  /** Primary key values staged in this batch, `keyColumns` per batch position. */
  private readonly stagedKeys: string[];
  private batchFirstRecord = 0;
  /** Batch positions staged from bytes: their values are read from `stagedBytes` only for a match. */
  private readonly stagedFromBytes: Uint8Array;
  private readonly stagedRanges: Float64Array;
  private stagedBytes: Uint8Array | undefined;

  constructor(options: {
    keyColumns: number;
    batchRecords: number;
    /** The `records` param when given: sizes the index up front. */
    expectedRecords: number;
    /** Asked when the index grows: the final key count it should jump to (see `PrimaryKeyIndex`). */
    estimate: () => number;
  }) {
    this.keyColumns = options.keyColumns;
    this.stagedKeys = new Array<string>(options.batchRecords * options.keyColumns).fill('');
    this.stagedFromBytes = new Uint8Array(options.batchRecords);
    this.stagedRanges = new Float64Array(options.batchRecords * options.keyColumns * 2);
    this.index = new PrimaryKeyIndex({ expected: options.expectedRecords, estimate: options.estimate });
  }

  /** The next records staged belong to a batch whose first record is `firstRecord`. */
  beginBatch(firstRecord: number): void {
    this.batchFirstRecord = firstRecord;
  }

  /** Stages the primary key of record `recordIndex` (of the current batch), keeping its values for a match. */
  stage(keyValues: readonly string[], recordIndex: number): void {
    const { stagedKeys } = this;
    const first = (recordIndex - this.batchFirstRecord) * this.keyColumns;
    for (let k = 0; k < keyValues.length; k++) stagedKeys[first + k] = keyValues[k]!;
    this.stagedFromBytes[recordIndex - this.batchFirstRecord] = 0;
    this.index.stage(keyValues, recordIndex);
  }

  /**
   * Stages a primary key given as UTF-8 byte ranges of `bytes` (see `FlatRecordShape.match`), which must
   * stay unchanged until {@link insertStaged}: its values are decoded only if it matches.
   */
  stageBytes(bytes: Uint8Array, ranges: Float64Array, from: number, recordIndex: number): void {
    const { keyColumns } = this;
    const position = recordIndex - this.batchFirstRecord;
    this.stagedBytes = bytes;
    this.stagedFromBytes[position] = 1;
    const staged = this.stagedRanges;
    const to = position * 2 * keyColumns;
    for (let j = 0; j < 2 * keyColumns; j++) staged[to + j] = ranges[from + j]!;
    this.index.stageBytes(bytes, ranges, from, keyColumns, recordIndex);
  }

  /** The staged values of batch position `k`, copied (candidates outlive the batch). */
  stagedValues(k: number): string[] {
    const { keyColumns } = this;
    if (this.stagedFromBytes[k] === 0) return this.stagedKeys.slice(k * keyColumns, (k + 1) * keyColumns);
    const values: string[] = [];
    const ranges = this.stagedRanges;
    for (let c = 0; c < keyColumns; c++) values.push(UTF8.decode(this.stagedBytes!.subarray(ranges[(k * keyColumns + c) * 2]!, ranges[(k * keyColumns + c) * 2 + 1]!)));
    return values;
  }

  /** Inserts the batch's staged keys; `onMatch` gets each record whose fingerprint was already held. */
  insertStaged(onMatch: (recordIndex: number) => void): void {
    this.index.insertStaged(onMatch);
    this.stagedBytes = undefined;
  }

  /** Remembers a record's start offset if it is the first of its group of 2^SPARSE_SHIFT. */
  remember(recordIndex: number, offset: number): void {
    if ((recordIndex & ((1 << SPARSE_SHIFT) - 1)) !== 0) return;
    const slot = recordIndex >>> SPARSE_SHIFT;
    if (slot >= this.sparseOffsets.length) {
      const grown = new Float64Array(this.sparseOffsets.length * 2);
      grown.set(this.sparseOffsets);
      this.sparseOffsets = grown;
    }
    this.sparseOffsets[slot] = offset;
  }
}
