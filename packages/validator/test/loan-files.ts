import iconv from 'iconv-lite';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Issue, ReadAt, ValidateRecordsOptions, ValidationReport } from '../src/index.js';
import { validateRecords } from '../src/index.js';
import { validateFile } from '../src/node/index.js';
import { inRefilledChunks } from './helpers.js';

// Merchant-scale loan files and a plain oracle for them, written independently of the validator.

export const LOAN_COLUMNS = ['user_name', 'user_credentials_type', 'user_credentials_no', 'order_no', 'biz_type', 'order_status', 'create_amt', 'pay_month', 'gmt_ovd_date', 'overdue_cnt'];
export const LOAN_KEY = ['order_no', 'pay_month'];

const NAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗';

/** A seeded pseudo-random generator (an LCG), so every file is reproducible from its seed. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32;
}

/** A loan record; order numbers and months make `order_no,pay_month` unique by record number. */
export function loanRecord(i: number, random: () => number): Record<string, string> {
  const month = 1 + (i % 12);
  const overdue = random() < 0.2;
  return {
    user_name: NAMES[Math.floor(random() * NAMES.length)]! + NAMES[Math.floor(random() * NAMES.length)]!,
    user_credentials_type: '0',
    user_credentials_no: `1101051949123${String(Math.floor(random() * 10000)).padStart(4, '0')}X`,
    order_no: `LN${String(Math.floor(i / 12)).padStart(10, '0')}`,
    biz_type: '1',
    order_status: '04',
    create_amt: `${1000 + Math.floor(random() * 90000)}.00`,
    pay_month: `2025-${String(month).padStart(2, '0')}`,
    gmt_ovd_date: overdue ? `2025-${String(month).padStart(2, '0')}-15` : '',
    overdue_cnt: overdue ? '1' : '0',
  };
}

export type Layout = 'compact' | 'pretty';

/** The file as a merchant writes it: `JSON.stringify` on one line, or pretty-printed with indent 2. */
export function fileOf(records: unknown[], layout: Layout): Uint8Array {
  return new TextEncoder().encode(layout === 'compact' ? JSON.stringify({ records }) : JSON.stringify({ records }, null, 2));
}

/**
 * Loan records with the primary key of record `from` copied onto record `to` for each pair (the rest of
 * the copy differs), so exactly those records repeat a key.
 */
export function loansWithDuplicates({ count, seed, copies }: { count: number; seed: number; copies: [from: number, to: number][] }): Record<string, string>[] {
  const random = seeded(seed);
  const records = Array.from({ length: count }, (_, i) => loanRecord(i, random));
  for (const [from, to] of copies) records[to] = { ...records[to]!, order_no: records[from]!.order_no!, pay_month: records[from]!.pay_month! };
  return records;
}

/** The oracle: `JSON.parse` and a Map of joined key values. Every later record holding a key seen before, with the first record holding it. */
export function duplicatesByOracle(bytes: Uint8Array, primaryKeyColumns: readonly string[]): [record: number, earlier: number][] {
  const { records } = JSON.parse(new TextDecoder().decode(bytes)) as { records: Record<string, string>[] };
  const first = new Map<string, number>();
  const found: [number, number][] = [];
  records.forEach((record, i) => {
    const key = JSON.stringify(primaryKeyColumns.map((column) => record[column]));
    const earlier = first.get(key);
    if (earlier === undefined) first.set(key, i);
    else found.push([i, earlier]);
  });
  return found;
}

export function reportedDuplicates(report: ValidationReport): [number, number][] {
  return report.issues.filter((issue: Issue) => issue.rule === 'primary-key-duplicate').map((issue) => [issue.recordIndex!, issue.relatedRecordIndex!]);
}

function chunksOf(bytes: Uint8Array, size: number): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.slice(at, at + size));
  return chunks;
}

/**
 * Every way a merchant hands a file to the validator. `exact`: duplicate candidates are confirmed by
 * re-reading; otherwise the 64-bit fingerprint decides.
 */
export const INPUT_KINDS = [
  { name: 'Uint8Array', exact: true },
  { name: 'ReadableStream', exact: false },
  { name: 'ReadableStream + readAt', exact: true },
  { name: 'AsyncIterable', exact: false },
  { name: 'AsyncIterable + readAt', exact: true },
  { name: 'AsyncIterable, one buffer refilled', exact: false },
  { name: 'validateFile', exact: true },
  { name: 'Blob', exact: true },
] as const;
export type InputKind = (typeof INPUT_KINDS)[number]['name'];

/** Validates `bytes` handed over as `kind`; streams arrive in chunks of `chunkSize` bytes. */
export async function validateAs(kind: InputKind, bytes: Uint8Array, options: Omit<ValidateRecordsOptions, 'input'>, chunkSize = 65_521): Promise<ValidationReport> {
  const readAt: ReadAt = async ({ offset, length }) => bytes.slice(offset, offset + length);
  switch (kind) {
    case 'Uint8Array':
      return validateRecords({ input: bytes, ...options });
    case 'ReadableStream':
    case 'ReadableStream + readAt': {
      const chunks = chunksOf(bytes, chunkSize);
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          const next = chunks.shift();
          if (next === undefined) controller.close();
          else controller.enqueue(next);
        },
      });
      return validateRecords({ input: stream, ...(kind === 'ReadableStream' ? options : { ...options, readAt }) });
    }
    case 'AsyncIterable':
    case 'AsyncIterable + readAt': {
      const chunks = chunksOf(bytes, chunkSize);
      async function* iterate(): AsyncGenerator<Uint8Array> {
        yield* chunks;
      }
      return validateRecords({ input: iterate(), ...(kind === 'AsyncIterable' ? options : { ...options, readAt }) });
    }
    case 'AsyncIterable, one buffer refilled':
      // Whatever the validator kept of an earlier chunk would be scribbled over (see inRefilledChunks).
      return validateRecords({ input: inRefilledChunks(bytes, chunkSize), ...options });
    case 'Blob': {
      // Its size and random access come with it: no totalBytes or readAt given.
      const { readAt: _readAt, totalBytes: _totalBytes, ...blobOptions } = options;
      return validateRecords({ input: new Blob([bytes.slice()]), ...blobOptions });
    }
    case 'validateFile': {
      const dir = await mkdtemp(join(tmpdir(), 'zhima-validator-scale-'));
      try {
        const path = join(dir, 'records.json');
        await writeFile(path, bytes);
        const { readAt: _readAt, totalBytes: _totalBytes, ...fileOptions } = options;
        return await validateFile({ path, ...fileOptions });
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    }
  }
}

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/** The ISO 7064 MOD 11-2 check character, written from the standard (not the validator's copy). */
export function idCheckChar(first17: string): string {
  const sum = [...first17].reduce((total, digit, i) => total + Number(digit) * ID_WEIGHTS[i]!, 0);
  return '10X98765432'[sum % 11]!;
}

/** A valid PRC ID number for record `i` (birth dates in 1949–1999), or, when `bad`, one with a wrong check character. */
export function idNumber(i: number, bad: boolean): string {
  const first17 = `110105${1949 + (i % 50)}${String(1 + (i % 12)).padStart(2, '0')}${String(1 + (i % 28)).padStart(2, '0')}${String(i % 1000).padStart(3, '0')}`;
  const right = idCheckChar(first17);
  return first17 + (bad ? (right === '0' ? '1' : '0') : right);
}

/** Loan records with valid ID numbers, except the records listed in `badIds`. */
export function loansWithBadIds({ count, seed, badIds }: { count: number; seed: number; badIds: ReadonlySet<number> }): Record<string, string>[] {
  const random = seeded(seed);
  return Array.from({ length: count }, (_, i) => ({ ...loanRecord(i, random), user_credentials_no: idNumber(i, badIds.has(i)) }));
}

/** The oracle for ID numbers: the indexes of records whose ID number's check character is wrong. */
export function badIdsByOracle(records: readonly Record<string, string>[]): number[] {
  const bad: number[] = [];
  records.forEach((record, i) => {
    const id = record['user_credentials_no']!;
    if (idCheckChar(id.slice(0, 17)) !== id[17]!.toUpperCase()) bad.push(i);
  });
  return bad;
}

/** The file in UTF-8 or GBK (iconv-lite, independent of the validator). */
export function encodeAs(text: string, charset: 'UTF-8' | 'GBK'): Uint8Array {
  return charset === 'GBK' ? new Uint8Array(iconv.encode(text, 'gbk')) : new TextEncoder().encode(text);
}
