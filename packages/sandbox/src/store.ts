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
 * Accepted records per app and scene, upserted by primary key as the gateway does, so a file sent twice
 * (a retry after a lost answer) holds each key once; and the log of accepted uploads, which does show it.
 *
 * @example
 * ```ts
 * const store = new RecordStore();
 * store.upsert({ partition: { appId }, primaryKeyColumns: ['order_no'], records });
 * store.records({ appId }).length;
 * ```
 */
export class RecordStore {
  // app id → scene code ('' for batch feedback) → primary key → record
  readonly #byApp = new Map<string, Map<string, Map<string, StoredRecord>>>();
  readonly #uploads = new Map<string, AcceptedUpload[]>();

  /**
   * Inserts or replaces each record under its primary key; returns how many keys were new.
   *
   * @example
   * ```ts
   * store.upsert({ partition: { appId: '2021000000000001', sceneCode: '8' }, primaryKeyColumns: ['order_no', 'pay_month'], records });
   * ```
   */
  upsert({ partition, primaryKeyColumns, records }: { partition: RecordPartition; primaryKeyColumns: readonly string[]; records: readonly StoredRecord[] }): { inserted: number; replaced: number } {
    let scenes = this.#byApp.get(partition.appId);
    if (scenes === undefined) {
      scenes = new Map();
      this.#byApp.set(partition.appId, scenes);
    }
    let table = scenes.get(partition.sceneCode ?? '');
    if (table === undefined) {
      table = new Map();
      scenes.set(partition.sceneCode ?? '', table);
    }
    const before = table.size;
    for (const record of records) {
      // A JSON array of the key values cannot collide the way a joined string ("a,b" + "c") can.
      table.set(JSON.stringify(primaryKeyColumns.map((column) => record[column])), record);
    }
    const inserted = table.size - before;
    return { inserted, replaced: records.length - inserted };
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
    // Copies, so a caller's edits cannot change what the sandbox holds.
    return Array.from(this.#byApp.get(appId)?.get(sceneCode ?? '')?.values() ?? [], (record) => ({ ...record }));
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
    if (appId === undefined) {
      this.#byApp.clear();
      this.#uploads.clear();
    } else {
      this.#byApp.delete(appId);
      this.#uploads.delete(appId);
    }
  }
}
