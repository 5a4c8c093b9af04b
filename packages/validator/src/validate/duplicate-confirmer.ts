import type { ReadAt } from '../input/chunks.js';
import { bilingual, recordMark, type IssueCollector } from '../report/issue.js';
import { maskValue, showValue } from '../report/mask.js';
import type { FileCharset } from '../scan/charset-bytes.js';
import type { PrimaryKeyIndex } from '../unique/primary-key-index.js';
import type { ConfirmedDuplicate } from './hold-back.js';
import { columnByRereading, rereadRecord } from './reread.js';

/**
 * A staged primary key whose fingerprint the index already held: a candidate duplicate, waiting to be
 * confirmed against the earlier record's values. It keeps no table slot (the table may grow before it is
 * confirmed); `column` is 0 when the candidate was not going to be kept in the report, so it was not counted.
 *
 * @example
 * ```ts
 * const candidate: DuplicateCandidate = { recordIndex: 9, values: ['LN1', '2025-01'], byteOffset: 900, byteLength: 120, line: 1, lineStart: 0, column: 901 };
 * ```
 */
export interface DuplicateCandidate {
  recordIndex: number;
  values: string[];
  byteOffset: number;
  byteLength: number;
  line: number;
  lineStart: number;
  column: number;
}

// Earlier records' key values re-read so far, most recently used last: repeats of one key (a file keyed on
// a month, say) then cost a map lookup instead of a read.
const REREAD_CACHE_RECORDS = 1024;

/**
 * Where proven duplicates go instead of the report while hold-back is on (see `HoldBackList`).
 *
 * @example
 * ```ts
 * const holder: DuplicateHolder = { active: true, holdDuplicate: (duplicate) => (pairs.push(duplicate), true) };
 * ```
 */
export interface DuplicateHolder {
  readonly active: boolean;
  /** Takes a proven duplicate; false when it must be reported after all. */
  holdDuplicate(duplicate: ConfirmedDuplicate): boolean;
}

interface EarlierRecord {
  values: readonly string[] | undefined;
  byteOffset: number;
  byteLength: number;
}

function sameValues(left: readonly string[] | undefined, right: readonly string[]): boolean {
  return left !== undefined && left.length === right.length && left.every((value, k) => value === right[k]);
}

/**
 * Settles duplicate candidates in file order: a candidate equal to an earlier record with the same
 * fingerprint is reported, one that is another key after all (a fingerprint collision) joins the index.
 * With `readAt` the earlier values are re-read (and cached); without it, or once the report is full and
 * already failing, the 64-bit fingerprint decides and duplicates are counted without any reading.
 *
 * @example
 * ```ts
 * const duplicates = new DuplicateConfirmer({ index, collector, readAt, charset: 'UTF-8', primaryKeyColumns, sensitiveFields, sparseOffsets: () => offsets });
 * duplicates.add(candidate);
 * await duplicates.confirm();
 * ```
 */
export class DuplicateConfirmer {
  private pending: DuplicateCandidate[] = [];
  /** Pending candidates with a column: the report room they may take. */
  private located = 0;
  private readonly reread = new Map<number, EarlierRecord | undefined>();
  private readonly index: PrimaryKeyIndex;
  private readonly collector: IssueCollector;
  private readonly readAt: ReadAt | undefined;
  private readonly charset: FileCharset;
  private readonly primaryKeyColumns: readonly string[];
  private readonly sensitiveFields: readonly string[];
  private readonly sparseOffsets: () => Float64Array;
  private readonly holder: DuplicateHolder | undefined;

  constructor(options: {
    index: PrimaryKeyIndex;
    collector: IssueCollector;
    readAt: ReadAt | undefined;
    charset: FileCharset;
    primaryKeyColumns: readonly string[];
    sensitiveFields: readonly string[];
    /** Start offsets of every 32nd record (see `SPARSE_SHIFT`), for re-reading earlier records. */
    sparseOffsets: () => Float64Array;
    /** With hold-back: every candidate is confirmed by re-reading and proven duplicates go here. */
    holder?: DuplicateHolder;
  }) {
    this.index = options.index;
    this.collector = options.collector;
    this.readAt = options.readAt;
    this.charset = options.charset;
    this.primaryKeyColumns = options.primaryKeyColumns;
    this.sensitiveFields = options.sensitiveFields;
    this.sparseOffsets = options.sparseOffsets;
    this.holder = options.holder;
  }

  /** True while candidates wait for {@link confirm}. */
  get waiting(): boolean {
    return this.pending.length > 0;
  }

  /**
   * Whether a new candidate could still be kept in the report, counting the room pending ones may take:
   * only then is its column worth computing.
   */
  get wantsLocation(): boolean {
    return this.collector.room > this.located;
  }

  /**
   * Whether a new candidate's fate is already known without reading: it will be counted as a duplicate
   * and never shown. Without `readAt` every pending candidate will be reported; with it, only a report
   * already full and failing makes the exact answer irrelevant to both `ok` and what is shown.
   */
  private get decidedUnseen(): boolean {
    if (this.holder?.active === true) return false;
    if (this.readAt === undefined) return this.collector.room <= this.pending.length;
    return this.fingerprintDecides;
  }

  /** No re-reading: none is possible, or the report is full and already failing (only counts remain). */
  private get fingerprintDecides(): boolean {
    if (this.holder?.active === true) return this.readAt === undefined;
    return this.readAt === undefined || (this.collector.full && this.collector.errorCount > 0);
  }

  /** Takes a candidate found while scanning (in file order). */
  add(candidate: DuplicateCandidate): void {
    if (this.decidedUnseen) {
      this.collector.count('error');
      return;
    }
    if (candidate.column > 0) this.located++;
    this.pending.push(candidate);
  }

  /** Settles every pending candidate, in order (a collision joins the index before later ones are settled). */
  async confirm(): Promise<void> {
    const pending = this.pending;
    this.pending = [];
    this.located = 0;
    for (const candidate of pending) {
      const earlier = this.index.matching(candidate.values);
      let duplicateOf: number | undefined;
      let earlierRecord: EarlierRecord | undefined;
      if (this.readAt === undefined || this.fingerprintDecides) duplicateOf = earlier[0];
      else {
        for (const recordIndex of earlier) {
          const found = await this.earlierRecord(recordIndex, this.readAt);
          if (sameValues(found?.values, candidate.values)) {
            duplicateOf = recordIndex;
            earlierRecord = found;
            break;
          }
        }
      }
      if (duplicateOf === undefined) this.index.add(candidate.values, candidate.recordIndex);
      else if (earlierRecord === undefined || !this.hold(candidate, duplicateOf, earlierRecord)) await this.report(candidate, duplicateOf);
    }
  }

  /** Hands a proven duplicate to the holder, when there is one that takes it. */
  private hold(candidate: DuplicateCandidate, earlier: number, earlierRecord: EarlierRecord): boolean {
    if (this.holder === undefined) return false;
    return this.holder.holdDuplicate({
      recordIndex: candidate.recordIndex,
      earlier,
      values: candidate.values,
      byteOffset: candidate.byteOffset,
      byteLength: candidate.byteLength,
      earlierOffset: earlierRecord.byteOffset,
      earlierLength: earlierRecord.byteLength,
    });
  }

  /** An earlier record's primary key values and place, re-read through `readAt` unless recently seen. */
  private async earlierRecord(recordIndex: number, readAt: ReadAt): Promise<EarlierRecord | undefined> {
    const cache = this.reread;
    if (cache.has(recordIndex)) {
      const found = cache.get(recordIndex);
      cache.delete(recordIndex);
      cache.set(recordIndex, found);
      return found;
    }
    const again = await rereadRecord({ readAt, sparseOffsets: this.sparseOffsets(), recordIndex, charset: this.charset });
    const found = again === undefined ? undefined : { values: this.primaryKeyOf(again.value), byteOffset: again.byteOffset, byteLength: again.byteLength };
    if (cache.size >= REREAD_CACHE_RECORDS) cache.delete(cache.keys().next().value!);
    cache.set(recordIndex, found);
    return found;
  }

  /** The primary key values of a parsed record, as the checker reads them. */
  private primaryKeyOf(record: unknown): string[] | undefined {
    if (typeof record !== 'object' || record === null) return undefined;
    return this.primaryKeyColumns.map((field) => {
      const raw = (record as Record<string, unknown>)[field];
      return typeof raw === 'string' ? raw : String(raw);
    });
  }

  private async report(candidate: DuplicateCandidate, earlier: number): Promise<void> {
    const collector = this.collector;
    if (collector.full) {
      collector.count('error');
      return;
    }
    // Not counted while scanning: an earlier candidate that took report room proved to be another key.
    const column =
      candidate.column > 0
        ? candidate.column
        : await columnByRereading({ readAt: this.readAt!, lineStart: candidate.lineStart, byteOffset: candidate.byteOffset, charset: this.charset });
    const key = this.primaryKeyColumns.join(',');
    const shown = candidate.values.map((value, k) => showValue({ value, field: this.primaryKeyColumns[k]!, sensitiveFields: this.sensitiveFields })).join(', ');
    const primaryKey = Object.fromEntries(candidate.values.map((value, k) => [this.primaryKeyColumns[k]!, maskValue({ value, field: this.primaryKeyColumns[k]!, sensitiveFields: this.sensitiveFields })]));
    collector.add({
      code: 'INVALID_PRIMARY_ARGUMENTS',
      rule: 'primary-key-duplicate',
      severity: 'error',
      message: bilingual(`主键 ${key} = ${shown} 重复：记录 ${recordMark(earlier)} 与记录 ${recordMark(candidate.recordIndex)}`, `duplicate primary key ${key} = ${shown}: records ${recordMark(earlier)} and ${recordMark(candidate.recordIndex)}`),
      recordIndex: candidate.recordIndex,
      recordNumber: candidate.recordIndex + 1,
      primaryKey,
      relatedRecordIndex: earlier,
      field: key,
      byteOffset: candidate.byteOffset,
      line: candidate.line,
      column,
    });
  }
}
