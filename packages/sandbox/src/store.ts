/**
 * One accepted record, as the file held it (field code → value).
 *
 * @example
 * ```ts
 * const record: StoredRecord = { order_no: 'A1', pay_month: '2024-01', user_name: '张三' };
 * ```
 */
export type StoredRecord = Record<string, unknown>;

/**
 * One accepted file upload (`zhima.data.batch.feedback` or `zhima.merchant.closeloop.data.upload`), in
 * arrival order: what a test checks to see that a file was accepted once (the records, upserted by key,
 * cannot show a file sent twice).
 *
 * @example
 * ```ts
 * const upload: AcceptedUpload = { method: 'zhima.data.batch.feedback', sceneCode: undefined, taskId: undefined, fileName: 'day.txt', records: 500, bytes: 36_512, sha256: '9f86d0…' };
 * ```
 */
export interface AcceptedUpload {
  method: string;
  /** The `scene_code` of a closeloop upload; `undefined` for batch feedback. */
  sceneCode: string | undefined;
  /** The `task_id` answered to a closeloop upload; `undefined` for batch feedback (its answer has none). */
  taskId: string | undefined;
  /** The `filename` of the file part. */
  fileName: string;
  records: number;
  bytes: number;
  /** SHA-256 of the file part's bytes, lowercase hex. */
  sha256: string;
}

/**
 * Where records land: the app, and the scene for the closeloop and single uploads (`undefined`: the
 * batch-feedback records, which have no scene).
 *
 * @example
 * ```ts
 * const partition: RecordPartition = { appId: '2021000000000001', sceneCode: '8' };
 * ```
 */
export interface RecordPartition {
  appId: string;
  sceneCode?: string | undefined;
}

/**
 * Records accepted but not yet read into their partition: an uploaded part's bytes, parsed on the
 * first query. `bytes` is what they hold in memory.
 *
 * @example
 * ```ts
 * const batch: PendingRecords = { bytes: part.length, read: () => parsePart(part) };
 * ```
 */
export interface PendingRecords {
  bytes: number;
  read: () => readonly StoredRecord[];
}

// What a partition holds: records by primary key, and batches accepted after the last query, in order.
interface RecordTable {
  byKey: Map<string, StoredRecord>;
  pending: { primaryKeyColumns: readonly string[]; batch: PendingRecords }[];
}

/**
 * Accepted records per app and scene, upserted by primary key as the gateway does, so a file sent twice
 * (a retry after a lost answer) holds each key once; and the log of accepted uploads, which does show it.
 * A file's records are read into the store when first asked for (`records`), not on the upload: an
 * upload costs its validation only, and a test pays for parsing what it reads. Bytes waiting to be read
 * are bounded by `maxPendingBytes` (beyond it every waiting batch is read in), so memory stays that of the records.
 *
 * @example
 * ```ts
 * const store = new RecordStore();
 * store.upsert({ partition: { appId }, primaryKeyColumns: ['order_no'], records });
 * store.records({ appId }).length;
 * ```
 */
export class RecordStore {
  // app id → scene code ('' for batch feedback) → records
  readonly #byApp = new Map<string, Map<string, RecordTable>>();
  readonly #uploads = new Map<string, AcceptedUpload[]>();
  readonly #maxPendingBytes: number;
  // Tables with batches not yet read, and the bytes those batches hold.
  readonly #pendingTables = new Set<RecordTable>();
  #pendingBytes = 0;

  constructor({ maxPendingBytes = 64 * 1024 * 1024 }: { maxPendingBytes?: number } = {}) {
    this.#maxPendingBytes = maxPendingBytes;
  }

  /**
   * Inserts or replaces each record under its primary key, in order after every earlier upsert of the
   * partition. `records` may be a batch read later ({@link PendingRecords}), on the first query.
   *
   * @example
   * ```ts
   * store.upsert({ partition: { appId: '2021000000000001', sceneCode: '8' }, primaryKeyColumns: ['order_no', 'pay_month'], records });
   * ```
   */
  upsert({ partition, primaryKeyColumns, records }: { partition: RecordPartition; primaryKeyColumns: readonly string[]; records: readonly StoredRecord[] | PendingRecords }): void {
    const table = this.#table(partition);
    const batch: PendingRecords = Array.isArray(records) ? { bytes: 0, read: () => records as readonly StoredRecord[] } : (records as PendingRecords);
    if (this.#pendingBytes + batch.bytes > this.#maxPendingBytes) for (const waiting of [...this.#pendingTables]) this.#readPending(waiting);
    table.pending.push({ primaryKeyColumns, batch });
    this.#pendingBytes += batch.bytes;
    this.#pendingTables.add(table);
  }

  /**
   * The partition's records in first-accepted order (a replaced record keeps its place).
   *
   * @example
   * ```ts
   * store.records({ appId: '2021000000000001' }); // batch feedback
   * store.records({ appId: '2021000000000001', sceneCode: '8' }); // closeloop and single uploads of scene 8
   * ```
   */
  records({ appId, sceneCode }: RecordPartition): StoredRecord[] {
    const table = this.#byApp.get(appId)?.get(sceneCode ?? '');
    if (table === undefined) return [];
    this.#readPending(table);
    // Copies, so a caller's edits cannot change what the sandbox holds.
    return Array.from(table.byKey.values(), (record) => ({ ...record }));
  }

  #table(partition: RecordPartition): RecordTable {
    let scenes = this.#byApp.get(partition.appId);
    if (scenes === undefined) {
      scenes = new Map();
      this.#byApp.set(partition.appId, scenes);
    }
    let table = scenes.get(partition.sceneCode ?? '');
    if (table === undefined) {
      table = { byKey: new Map(), pending: [] };
      scenes.set(partition.sceneCode ?? '', table);
    }
    return table;
  }

  #readPending(table: RecordTable): void {
    for (const { primaryKeyColumns, batch } of table.pending.splice(0)) {
      this.#pendingBytes -= batch.bytes;
      for (const record of batch.read()) {
        // A JSON array of the key values cannot collide the way a joined string ("a,b" + "c") can.
        table.byKey.set(JSON.stringify(primaryKeyColumns.map((column) => record[column])), record);
      }
    }
    this.#pendingTables.delete(table);
  }

  /**
   * Logs an accepted upload of an app.
   *
   * @example
   * ```ts
   * store.logUpload({ appId, upload: { method, sceneCode: '8', taskId, fileName: 'day.txt', records: 2, bytes: 120, sha256 } });
   * ```
   */
  logUpload({ appId, upload }: { appId: string; upload: AcceptedUpload }): void {
    const log = this.#uploads.get(appId) ?? [];
    log.push({ ...upload });
    this.#uploads.set(appId, log);
  }

  /**
   * The app's accepted file uploads in arrival order, every method and scene.
   *
   * @example
   * ```ts
   * store.uploads({ appId: '2021000000000001' }).length;
   * ```
   */
  uploads({ appId }: { appId: string }): AcceptedUpload[] {
    return Array.from(this.#uploads.get(appId) ?? [], (upload) => ({ ...upload }));
  }

  /**
   * Forgets every record (all scenes) and upload of one app, or of all apps.
   *
   * @example
   * ```ts
   * store.clear({});
   * ```
   */
  clear({ appId }: { appId?: string }): void {
    for (const [app, scenes] of this.#byApp) {
      if (appId !== undefined && app !== appId) continue;
      for (const table of scenes.values()) {
        for (const { batch } of table.pending) this.#pendingBytes -= batch.bytes;
        this.#pendingTables.delete(table);
      }
    }
    if (appId === undefined) {
      this.#byApp.clear();
      this.#uploads.clear();
    } else {
      this.#byApp.delete(appId);
      this.#uploads.delete(appId);
    }
  }
}
