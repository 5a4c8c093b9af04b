import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RecordStore, type PendingRecords, type StoredRecord } from '../src/store.js';

// The store reads an uploaded file's records on the first query; these tests hold it to a plain
// oracle that upserts every batch at once into a Map per partition.
const APPS = ['app-1', 'app-2'] as const;
const SCENES = [undefined, '8'] as const;
const KEY = ['order_no', 'pay_month'];

type Operation =
  | { kind: 'upsert'; app: number; scene: number; records: StoredRecord[]; lazy: boolean }
  | { kind: 'query'; app: number; scene: number }
  | { kind: 'clear'; app: number | undefined };

const record = fc.record({ order_no: fc.constantFrom('A1', 'A2', 'A3', 'A,1', 'B'), pay_month: fc.constantFrom('2024-01', '2024-02'), amount: fc.nat({ max: 99 }).map(String) });
const operation: fc.Arbitrary<Operation> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('upsert' as const), app: fc.nat({ max: 1 }), scene: fc.nat({ max: 1 }), records: fc.array(record, { maxLength: 6 }), lazy: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('query' as const), app: fc.nat({ max: 1 }), scene: fc.nat({ max: 1 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('clear' as const), app: fc.option(fc.nat({ max: 1 }), { nil: undefined }) }) },
);

function pending(records: StoredRecord[], reads: { count: number }): PendingRecords {
  const text = JSON.stringify({ records });
  return {
    bytes: text.length,
    read: () => {
      reads.count++;
      return (JSON.parse(text) as { records: StoredRecord[] }).records;
    },
  };
}

describe('RecordStore', () => {
  it('answers every query as an eager Map per partition would, whatever mix of unread and read batches, clears and the pending-bytes bound', () => {
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 40 }), fc.constantFrom(0, 200, 1e9), (operations, maxPendingBytes) => {
        const store = new RecordStore({ maxPendingBytes });
        const oracle = new Map<string, Map<string, StoredRecord>>();
        const partition = (app: number, scene: number) => `${APPS[app]!}/${SCENES[scene] ?? ''}`;
        const reads = { count: 0 };
        for (const step of operations) {
          if (step.kind === 'upsert') {
            const table = oracle.get(partition(step.app, step.scene)) ?? new Map<string, StoredRecord>();
            for (const one of step.records) table.set(`${one.order_no}\u0000${one.pay_month}`, { ...one });
            oracle.set(partition(step.app, step.scene), table);
            store.upsert({ partition: { appId: APPS[step.app]!, sceneCode: SCENES[step.scene] }, primaryKeyColumns: KEY, records: step.lazy ? pending(step.records, reads) : step.records.map((one) => ({ ...one })) });
          } else if (step.kind === 'query') {
            const expected = [...(oracle.get(partition(step.app, step.scene))?.values() ?? [])];
            expect(store.records({ appId: APPS[step.app]!, sceneCode: SCENES[step.scene] })).toEqual(expected);
          } else {
            for (const name of [...oracle.keys()]) if (step.app === undefined || name.startsWith(`${APPS[step.app]!}/`)) oracle.delete(name);
            store.clear({ appId: step.app === undefined ? undefined : APPS[step.app]! });
          }
        }
        for (const app of [0, 1]) for (const scene of [0, 1]) expect(store.records({ appId: APPS[app]!, sceneCode: SCENES[scene] })).toEqual([...(oracle.get(partition(app, scene))?.values() ?? [])]);
      }),
      { numRuns: 300 },
    );
  });

  it('reads a batch on the first query only, once', () => {
    const store = new RecordStore();
    const reads = { count: 0 };
    store.upsert({ partition: { appId: 'app-1' }, primaryKeyColumns: KEY, records: pending([{ order_no: 'A1', pay_month: '2024-01' }], reads) });
    expect(reads.count).toBe(0);
    expect(store.records({ appId: 'app-1' })).toHaveLength(1);
    expect(store.records({ appId: 'app-1' })).toHaveLength(1);
    expect(reads.count).toBe(1);
  });

  it('reads waiting batches in once their bytes pass maxPendingBytes, so memory stays that of the records', () => {
    const store = new RecordStore({ maxPendingBytes: 100 });
    const reads = { count: 0 };
    const batch = () => pending([{ order_no: 'A1', pay_month: '2024-01', memo: 'x'.repeat(30) }], reads); // 74 bytes
    store.upsert({ partition: { appId: 'app-1' }, primaryKeyColumns: KEY, records: batch() });
    expect(reads.count).toBe(0);
    store.upsert({ partition: { appId: 'app-2' }, primaryKeyColumns: KEY, records: batch() });
    expect(reads.count).toBe(1);
    store.upsert({ partition: { appId: 'app-2' }, primaryKeyColumns: KEY, records: batch() });
    expect(reads.count).toBe(2);
    expect(store.records({ appId: 'app-2' })).toHaveLength(1);
    expect(reads.count).toBe(3);
  });
});
