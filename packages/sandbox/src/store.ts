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
 * One accepted `zhima.data.batch.feedback` upload, in arrival order: what a test checks to see that a
 * file was accepted once (the records, upserted by key, cannot show a file sent twice).
 *
 * @example
 * ```ts
 * const upload: AcceptedUpload = { fileName: 'day.json', records: 500, bytes: 36_512, sha256: '9f86d0…' };
 * ```
 */
export interface AcceptedUpload {
  /** The `filename` of the file part. */
  fileName: string;
  records: number;
  bytes: number;
  /** SHA-256 of the file part's bytes, lowercase hex. */
  sha256: string;
}

/**
 * Accepted records per app, upserted by primary key as the gateway does, so a file sent twice (a retry
 * after a lost answer) holds each key once; and the log of accepted uploads, which does show it.
 *
 * @example
 * ```ts
 * const store = new RecordStore();
 * store.upsert({ appId, primaryKeyColumns: ['order_no'], records });
 * store.records({ appId }).length;
 * ```
 */
export class RecordStore {
  readonly #byApp = new Map<string, Map<string, StoredRecord>>();
  readonly #uploads = new Map<string, AcceptedUpload[]>();

  /**
   * Inserts or replaces each record under its primary key; returns how many keys were new.
   *
   * @example
   * ```ts
   * store.upsert({ appId: '2021000000000001', primaryKeyColumns: ['order_no', 'pay_month'], records });
   * ```
   */
  upsert({ appId, primaryKeyColumns, records }: { appId: string; primaryKeyColumns: readonly string[]; records: readonly StoredRecord[] }): { inserted: number; replaced: number } {
    let table = this.#byApp.get(appId);
    if (table === undefined) {
      table = new Map();
      this.#byApp.set(appId, table);
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
   * The app's records in first-accepted order (a replaced record keeps its place).
   *
   * @example
   * ```ts
   * store.records({ appId: '2021000000000001' });
   * ```
   */
  records({ appId }: { appId: string }): StoredRecord[] {
    // Copies, so a caller's edits cannot change what the sandbox holds.
    return Array.from(this.#byApp.get(appId)?.values() ?? [], (record) => ({ ...record }));
  }

  /**
   * Logs an accepted upload of an app.
   *
   * @example
   * ```ts
   * store.logUpload({ appId, upload: { fileName: 'day.json', records: 2, bytes: 120, sha256 } });
   * ```
   */
  logUpload({ appId, upload }: { appId: string; upload: AcceptedUpload }): void {
    const log = this.#uploads.get(appId) ?? [];
    log.push({ ...upload });
    this.#uploads.set(appId, log);
  }

  /**
   * The app's accepted uploads in arrival order.
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
   * Forgets every record and upload of one app, or of all apps.
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
