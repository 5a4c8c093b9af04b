import { PrimaryKeyIndex } from '../unique/primary-key-index.js';
import { SPARSE_SHIFT } from './reread.js';

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
    this.index.stage(keyValues, recordIndex);
  }

  /** The staged values of batch position `k`, copied (candidates outlive the batch). */
  stagedValues(k: number): string[] {
    return this.stagedKeys.slice(k * this.keyColumns, (k + 1) * this.keyColumns);
  }

  /** Inserts the batch's staged keys; `onMatch` gets each record whose fingerprint was already held. */
  insertStaged(onMatch: (recordIndex: number) => void): void {
    this.index.insertStaged(onMatch);
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
