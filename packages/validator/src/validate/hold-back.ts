import type { ReadAt } from '../input/chunks.js';
import { bilingual, type Issue, type IssueCollector, type Severity } from '../report/issue.js';
import { maskValue, showValue } from '../report/mask.js';
import type { PartPlanner } from '../split/part-plan.js';
import type { IssueSink } from './record-issues.js';

/**
 * Hold-back instead of failing the file: records that fail template rules or record-level checks, and
 * every copy of a repeated primary key, are left out of the split plan and listed. `maxRecords`
 * (default 10000) bounds the list: beyond it the file fails (`hold-back-limit`), since so many bad
 * records point at the export, not at single records.
 *
 * @example
 * ```ts
 * const holdBack: HoldBackOptions = { maxRecords: 1000 };
 * ```
 */
export interface HoldBackOptions {
  maxRecords?: number;
}

/**
 * A record held back: where it is (its original bytes are `byteLength` bytes from `byteOffset`, to copy
 * to a quarantine file), which it is, and why (its error issues, masked).
 *
 * @example
 * ```ts
 * const held: HeldBackRecord = { recordIndex: 41, recordNumber: 42, byteOffset: 10_250, byteLength: 248, primaryKey: { order_no: 'LN41', pay_month: '2025-01' }, issues };
 * ```
 */
export interface HeldBackRecord {
  recordIndex: number;
  recordNumber: number;
  byteOffset: number;
  byteLength: number;
  primaryKey?: Readonly<Record<string, string>>;
  issues: Issue[];
}

/**
 * A primary key held by more than one record: every copy is held back (which one is right is the
 * merchant's call).
 *
 * @example
 * ```ts
 * const repeated: RepeatedKey = { field: 'order_no,pay_month', primaryKey: { order_no: 'LN1', pay_month: '2025-01' }, recordIndexes: [5, 900_000], recordNumbers: [6, 900_001] };
 * ```
 */
export interface RepeatedKey {
  /** The primary key columns, comma-separated. */
  field: string;
  /** The key's values, masked where sensitive. */
  primaryKey: Readonly<Record<string, string>>;
  recordIndexes: number[];
  recordNumbers: number[];
}

/**
 * What hold-back took out of the file, in file order: every held-back record and every repeated key.
 *
 * @example
 * ```ts
 * for (const held of report.heldBack!.records) quarantine.write(await readAt({ offset: held.byteOffset, length: held.byteLength }));
 * ```
 */
export interface HeldBack {
  records: HeldBackRecord[];
  repeatedKeys: RepeatedKey[];
}

/**
 * A duplicate the confirmer proved: the later record, the earliest record holding the key, the key's
 * values, and where both records are.
 *
 * @example
 * ```ts
 * const pair: ConfirmedDuplicate = { recordIndex: 9, earlier: 2, values: ['LN1'], byteOffset: 900, byteLength: 120, earlierOffset: 130, earlierLength: 118 };
 * ```
 */
export interface ConfirmedDuplicate {
  recordIndex: number;
  earlier: number;
  values: readonly string[];
  byteOffset: number;
  byteLength: number;
  earlierOffset: number;
  earlierLength: number;
}

const DEFAULT_MAX_RECORDS = 10_000;
// A repeated key's message names at most this many record numbers (the group lists them all).
const SHOWN_NUMBERS = 10;

/**
 * Collects what hold-back takes out while the file is checked: as the issue sink in front of the
 * collector, it keeps each record's errors (besides charset errors, which fail the file) as a held-back
 * record; proven duplicates come from the confirmer. {@link finish} turns the duplicates into held-back
 * copies, takes them out of the plan and settles the limit.
 *
 * @example
 * ```ts
 * const holdBack = new HoldBackList({ collector, maxRecords: 10_000, span: () => ({ byteOffset, byteLength }) });
 * const heldBack = await holdBack.finish({ planner, readAt, primaryKeyColumns, sensitiveFields });
 * ```
 */
export class HoldBackList implements IssueSink {
  /** False once the limit was passed: then errors fail the file as without hold-back. */
  active = true;
  private readonly collector: IssueCollector;
  private readonly maxRecords: number;
  private readonly span: () => { byteOffset: number; byteLength: number };
  private readonly records: HeldBackRecord[] = [];
  private readonly duplicates: ConfirmedDuplicate[] = [];
  private lastHeld = -1;

  constructor(options: { collector: IssueCollector; maxRecords?: number | undefined; span: () => { byteOffset: number; byteLength: number } }) {
    this.collector = options.collector;
    this.maxRecords = options.maxRecords ?? DEFAULT_MAX_RECORDS;
    this.span = options.span;
  }

  roomFor(severity: Severity): number {
    return severity === 'error' && this.active ? Number.MAX_SAFE_INTEGER : this.collector.room;
  }

  add(issue: Issue): void {
    if (!this.takes(issue)) {
      this.collector.add(issue);
      return;
    }
    const last = this.records[this.records.length - 1];
    if (last !== undefined && last.recordIndex === issue.recordIndex) {
      last.issues.push(issue);
      return;
    }
    if (this.records.length + this.duplicates.length >= this.maxRecords) {
      this.overflow();
      this.collector.add(issue);
      return;
    }
    const recordIndex = issue.recordIndex!;
    this.records.push({ recordIndex, recordNumber: recordIndex + 1, ...this.span(), ...(issue.primaryKey === undefined ? {} : { primaryKey: issue.primaryKey }), issues: [issue] });
    this.lastHeld = recordIndex;
  }

  count(severity: Severity): void {
    this.collector.count(severity);
  }

  /** True when record `recordIndex` (the one just checked) is held back. */
  holds(recordIndex: number): boolean {
    return this.lastHeld === recordIndex;
  }

  /** Takes a proven duplicate; false once the limit was passed (then it is reported as an error). */
  holdDuplicate(duplicate: ConfirmedDuplicate): boolean {
    if (!this.active) return false;
    if (this.records.length + this.duplicates.length >= this.maxRecords) {
      this.overflow();
      return false;
    }
    this.duplicates.push(duplicate);
    return true;
  }

  /**
   * Holds back every copy of each repeated key (the earliest copy too), takes the copies out of
   * `planner`, and returns the list in file order.
   */
  async finish({
    planner,
    readAt,
    primaryKeyColumns,
    sensitiveFields,
  }: {
    planner: PartPlanner | undefined;
    readAt: ReadAt;
    primaryKeyColumns: readonly string[];
    sensitiveFields: readonly string[];
  }): Promise<HeldBack> {
    const byIndex = new Map(this.records.map((held) => [held.recordIndex, held]));
    const groups = new Map<number, { values: readonly string[]; copies: Map<number, { byteOffset: number; byteLength: number }> }>();
    for (const duplicate of this.duplicates) {
      let group = groups.get(duplicate.earlier);
      if (group === undefined) {
        group = { values: duplicate.values, copies: new Map([[duplicate.earlier, { byteOffset: duplicate.earlierOffset, byteLength: duplicate.earlierLength }]]) };
        groups.set(duplicate.earlier, group);
      }
      group.copies.set(duplicate.recordIndex, { byteOffset: duplicate.byteOffset, byteLength: duplicate.byteLength });
    }
    const field = primaryKeyColumns.join(',');
    const repeatedKeys: RepeatedKey[] = [];
    const taken: { recordIndex: number; byteOffset: number; byteLength: number }[] = [];
    for (const [earliest, group] of [...groups].sort(([left], [right]) => left - right)) {
      const recordIndexes = [...group.copies.keys()].sort((left, right) => left - right);
      const recordNumbers = recordIndexes.map((recordIndex) => recordIndex + 1);
      const primaryKey = Object.fromEntries(group.values.map((value, k) => [primaryKeyColumns[k]!, maskValue({ value, field: primaryKeyColumns[k]!, sensitiveFields })]));
      repeatedKeys.push({ field, primaryKey, recordIndexes, recordNumbers });
      const shown = group.values.map((value, k) => showValue({ value, field: primaryKeyColumns[k]!, sensitiveFields })).join(', ');
      const numbers = recordNumbers.slice(0, SHOWN_NUMBERS).join(', ') + (recordNumbers.length > SHOWN_NUMBERS ? ', …' : '');
      for (const recordIndex of recordIndexes) {
        const where = group.copies.get(recordIndex)!;
        const issue: Issue = {
          code: 'INVALID_PRIMARY_ARGUMENTS',
          rule: 'primary-key-duplicate',
          severity: 'error',
          message: bilingual(`主键 ${field} = ${shown} 出现在 ${recordIndexes.length} 条记录中（第 ${numbers} 条），全部暂缓发送`, `primary key ${field} = ${shown} is held by ${recordIndexes.length} records (numbers ${numbers}): all are held back`),
          recordIndex,
          recordNumber: recordIndex + 1,
          primaryKey,
          relatedRecordIndex: recordIndex === earliest ? recordIndexes[1]! : earliest,
          field,
          byteOffset: where.byteOffset,
        };
        const held = byIndex.get(recordIndex);
        if (held !== undefined) held.issues.push(issue);
        else {
          byIndex.set(recordIndex, { recordIndex, recordNumber: recordIndex + 1, ...where, primaryKey, issues: [issue] });
          taken.push({ recordIndex, ...where });
        }
      }
    }
    if (byIndex.size > this.maxRecords) this.overflow();
    for (const { recordIndex, byteOffset, byteLength } of taken) await planner?.exclude({ recordIndex, start: byteOffset, end: byteOffset + byteLength, readAt });
    return { records: [...byIndex.values()].sort((left, right) => left.recordIndex - right.recordIndex), repeatedKeys };
  }

  /** Held back: a record-level error, while the list takes more. Charset errors mean the file's charset is wrong. */
  private takes(issue: Issue): boolean {
    return this.active && issue.severity === 'error' && issue.recordIndex !== undefined && issue.rule !== 'charset-invalid';
  }

  private overflow(): void {
    if (!this.active) return;
    this.active = false;
    this.collector.add({
      code: 'INVALID_DATA_ARGUMENTS',
      rule: 'hold-back-limit',
      severity: 'error',
      message: bilingual(
        `超过 ${this.maxRecords} 条记录需要暂缓发送：问题多半出在导出程序，而不是个别记录；整个文件不发送`,
        `more than ${this.maxRecords} records would be held back: the export is more likely wrong than the records; the file is not sent`,
      ),
    });
  }
}
