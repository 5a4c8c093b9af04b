import { createHash } from 'node:crypto';
import { openAsBlob } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { validateRecords, type FieldRules, type RecordsPart, type ValidationReport } from '../src/index.js';
import { utf8AsByteString } from '../src/node/byte-string.js';
import { createSha256, validateFile } from '../src/node/index.js';
import { validateRecordsWith } from '../src/validate/validate-records.js';
import { inChunks } from './helpers.js';

// Split plans of files whose records are mostly flat strings (the byte-level proof takes them, with no
// parsed value: the plan keys only the records bounding a part, from the scanned bytes), mixed with
// records that break that shape (escapes, numbers, non-ASCII keys, whitespace, a `}` in a value, other
// key orders), checked against an oracle written here: each record's byte offsets are known from how the
// file was built, its values from JSON.parse of the whole file, the parts from the greedy rule (each part
// takes the next record while it stays within both bounds), hashes from node:crypto.

const COLUMNS = ['order_no', 'pay_month', 'user_name', 'memo'];
// user_name is a default sensitive field: the parts' keys are masked.
const KEY = ['order_no', 'user_name'];
const OPENING = Buffer.from('{"records":[');
const CLOSING = Buffer.from(']}');
const FRAME = OPENING.length + CLOSING.length;

type Layout = 'compact' | 'pretty' | 'lines';
type Kind = 'plain' | 'cjk-memo' | 'cjk-key' | 'escape' | 'u-escape' | 'number' | 'spaced' | 'brace' | 'reordered' | 'long' | 'missing' | 'blank-key' | 'repeat' | 'bad-memo';
type Row = Record<string, unknown>;

const NAMES = ['Li', 'Wang Wei', 'Zhang Sanfeng', 'Ouyang Xiaoming', 'X'];

/** maskPersonal as the docs state it: 1 char → `*`, up to 8 → first char kept, longer → first 3 and last 4 kept. */
function masked(value: string): string {
  const chars = [...value];
  if (chars.length <= 1) return '*';
  if (chars.length <= 8) return chars[0]! + '*'.repeat(chars.length - 1);
  return chars.slice(0, 3).join('') + '*'.repeat(chars.length - 7) + chars.slice(-4).join('');
}

function shownKey(record: Row): Record<string, string> {
  return { order_no: String(record['order_no']), user_name: masked(String(record['user_name'])) };
}

/** Record `i` of a kind, as its text in the file; `pick` chooses an earlier record to repeat the key of. */
function recordText(kind: Kind, i: number, pick: number, layout: Layout, earlier: Row[]): string {
  const record: Row = { order_no: `LN${i}`, pay_month: `2025-${String(1 + (i % 12)).padStart(2, '0')}`, user_name: NAMES[i % NAMES.length]!, memo: i % 3 === 0 ? '' : `m${i}` };
  switch (kind) {
    case 'cjk-memo':
      record['memo'] = `备注${i}乗😀`;
      break;
    case 'cjk-key':
      record['user_name'] = i % 2 === 0 ? '张三丰' : '欧阳小明同学你好';
      break;
    case 'escape':
      record['memo'] = `say "hi" \\ \n\t${i}`;
      break;
    case 'u-escape':
      return `{"order_no":"LN${i}","pay_month":"2025-01","user_name":"\\u738b\\u4e94","memo":"\\u5907\\u6ce8"}`;
    case 'number':
      record['memo'] = i;
      break;
    case 'spaced':
      return `{ "order_no" : "LN${i}" ,\n\t"pay_month":"2025-01",  "user_name":\r\n"${NAMES[i % NAMES.length]}" , "memo" : "s"  }`;
    case 'brace':
      record['memo'] = `a}b{${i}`;
      break;
    case 'reordered':
      return JSON.stringify({ memo: 'r', user_name: record['user_name'], pay_month: record['pay_month'], order_no: record['order_no'] });
    case 'long':
      record['memo'] = 'x'.repeat(2000 + (pick % 2000));
      break;
    case 'missing':
      delete record['memo'];
      break;
    case 'blank-key':
      record['user_name'] = ' ';
      break;
    case 'repeat': {
      // The key of an earlier plain record (never one that fails: those do not enter the key index).
      const plain = earlier.map((row, k) => [row, k] as const).filter(([row]) => row['memo'] !== undefined && row['kind'] === 'plain');
      if (plain.length > 0) {
        const [row] = plain[pick % plain.length]!;
        record['order_no'] = row['order_no'];
        record['user_name'] = row['user_name'];
      }
      break;
    }
    case 'bad-memo':
      record['memo'] = 'BAD';
      break;
    default:
  }
  earlier.push({ ...record, kind });
  return layout === 'pretty' ? JSON.stringify(record, null, 2).replaceAll('\n', '\n    ') : JSON.stringify(record);
}

interface Built {
  bytes: Uint8Array;
  starts: number[];
  ends: number[];
  records: Row[];
}

/** The file, and each record's byte offsets from how the pieces were put together. */
function build(rows: readonly (readonly [Kind, number])[], layout: Layout): Built {
  const [opening, separator, closing] = layout === 'compact' ? ['{"records":[', ',', ']}'] : layout === 'lines' ? ['{"records":[\n', ',\n', '\n]}\n'] : ['{\n  "records": [\n    ', ',\n    ', '\n  ]\n}'];
  const earlier: Row[] = [];
  const pieces: string[] = [opening];
  const starts: number[] = [];
  const ends: number[] = [];
  let at = Buffer.byteLength(opening);
  rows.forEach(([kind, pick], i) => {
    if (i > 0) {
      pieces.push(separator);
      at += Buffer.byteLength(separator);
    }
    const text = recordText(kind, i, pick, layout, earlier);
    pieces.push(text);
    starts.push(at);
    at += Buffer.byteLength(text);
    ends.push(at);
  });
  pieces.push(closing);
  const text = pieces.join('');
  const records = (JSON.parse(text) as { records: Row[] }).records;
  expect(records).toHaveLength(rows.length);
  return { bytes: new TextEncoder().encode(text), starts, ends, records };
}

interface Held {
  /** Records failing a record check or a rule: never planned. */
  bad: Set<number>;
  /** Every copy of a key more than one passing record holds: planned, then taken out. */
  repeated: Set<number>;
}

function heldOf(records: Row[], rules: boolean): Held {
  const bad = new Set<number>();
  const holders = new Map<string, number[]>();
  records.forEach((record, i) => {
    const keys = Object.keys(record);
    if (keys.length !== COLUMNS.length || !COLUMNS.every((column) => Object.hasOwn(record, column))) bad.add(i);
    else if (KEY.some((column) => String(record[column]).trim() === '')) bad.add(i);
    else if (rules && record['memo'] === 'BAD') bad.add(i);
    if (bad.has(i)) return;
    const key = JSON.stringify(KEY.map((column) => record[column]));
    holders.set(key, [...(holders.get(key) ?? []), i]);
  });
  return { bad, repeated: new Set([...holders.values()].filter((group) => group.length > 1).flat()) };
}

function sha256(pieces: Uint8Array[]): string {
  const hash = createHash('sha256');
  for (const piece of pieces) hash.update(piece);
  return hash.digest('hex');
}

/**
 * The oracle's plan: records in order, each into the current part while the part stays within
 * `maxFileBytes` (frame, its spans, a comma between spans) and `maxRecordsPerFile`; consecutive records
 * make one span with the bytes between them; failing records never enter; repeated keys are taken out
 * afterwards (their part shrinks, loses its hash; a part left empty is dropped).
 */
function oraclePlan({ built, maxFileBytes, maxRecordsPerFile, held, hashed }: { built: Built; maxFileBytes: number; maxRecordsPerFile: number; held: Held; hashed: boolean }): RecordsPart[] {
  const { bytes, starts, ends, records } = built;
  const planned: { indexes: number[] }[] = [];
  let current: { indexes: number[]; bytes: number } | undefined;
  let previous = -2;
  for (let i = 0; i < records.length; i++) {
    if (held.bad.has(i)) continue;
    const next = current !== undefined && previous === i - 1 ? ends[i]! - ends[i - 1]! : 1 + ends[i]! - starts[i]!;
    if (current !== undefined && (current.bytes + next > maxFileBytes || current.indexes.length >= maxRecordsPerFile)) {
      planned.push(current);
      current = undefined;
    }
    if (current === undefined) current = { indexes: [i], bytes: FRAME + ends[i]! - starts[i]! };
    else {
      current.indexes.push(i);
      current.bytes += next;
    }
    previous = i;
  }
  if (current !== undefined) planned.push(current);
  const parts: RecordsPart[] = [];
  for (const { indexes } of planned) {
    const kept = indexes.filter((i) => !held.repeated.has(i));
    if (kept.length === 0) continue;
    const spans: RecordsPart['spans'][number][] = [];
    for (const i of kept) {
      const last = spans.at(-1);
      if (last !== undefined && last.firstRecordIndex + last.records === i) {
        last.records++;
        last.length = ends[i]! - last.offset;
      } else spans.push({ offset: starts[i]!, length: ends[i]! - starts[i]!, firstRecordIndex: i, records: 1 });
    }
    const content = spans.flatMap((span, k) => [...(k === 0 ? [] : [Buffer.from(',')]), bytes.subarray(span.offset, span.offset + span.length)]);
    parts.push({
      index: parts.length,
      bytes: FRAME + spans.reduce((sum, span) => sum + span.length, 0) + spans.length - 1,
      records: kept.length,
      firstRecordIndex: kept[0]!,
      lastRecordIndex: kept.at(-1)!,
      firstPrimaryKey: shownKey(records[kept[0]!]!),
      lastPrimaryKey: shownKey(records[kept.at(-1)!]!),
      spans,
      ...(hashed && kept.length === indexes.length ? { sha256: sha256([OPENING, ...content, CLOSING]) } : {}),
    });
  }
  return parts;
}

const RULES: FieldRules = { memo: ({ value }) => (value === 'BAD' ? 'memo must not be BAD' : undefined) };

function expectPlan(report: ValidationReport, expected: RecordsPart[]): void {
  expect(report.issues.filter((issue) => issue.severity === 'error')).toEqual([]);
  expect(report.parts).toEqual(expected);
}

const clean = fc.oneof(
  { weight: 40, arbitrary: fc.constant<Kind>('plain') },
  { weight: 1, arbitrary: fc.constantFrom<Kind>('cjk-memo', 'cjk-key', 'escape', 'u-escape', 'number', 'spaced', 'brace', 'reordered', 'long') },
);
const defective = fc.oneof({ weight: 6, arbitrary: clean }, { weight: 1, arbitrary: fc.constantFrom<Kind>('missing', 'blank-key', 'repeat', 'repeat', 'bad-memo') });
const bounds = {
  layout: fc.constantFrom<Layout>('compact', 'pretty', 'lines'),
  // Across the scanner's 64 KiB batching: parts straddle buffers, and a part's last record is keyed before its buffer goes.
  chunk: fc.oneof(fc.integer({ min: 7, max: 3000 }), fc.integer({ min: 3000, max: 200_000 })),
  maxFileBytes: fc.integer({ min: 4200, max: 40_000 }),
  maxRecordsPerFile: fc.oneof(fc.constant(Number.POSITIVE_INFINITY), fc.integer({ min: 1, max: 300 })),
  hashed: fc.boolean(),
  rules: fc.boolean(),
};

describe('split plans on the byte-level path', () => {
  it('match the oracle on mostly flat records mixed with records of other shapes, across chunk, buffer and part edges (property)', async () => {
    let parts = 0;
    await fc.assert(
      fc.asyncProperty(fc.record({ rows: fc.array(fc.tuple(clean, fc.nat()), { minLength: 1, maxLength: 1500, size: 'max' }), ...bounds }), async ({ rows, layout, chunk, maxFileBytes, maxRecordsPerFile, hashed, rules }) => {
        const built = build(rows, layout);
        const expected = oraclePlan({ built, maxFileBytes, maxRecordsPerFile, held: { bad: new Set(), repeated: new Set() }, hashed });
        parts += expected.length;
        const split = { maxFileBytes, ...(Number.isFinite(maxRecordsPerFile) ? { maxRecordsPerFile } : {}), ...(hashed ? { hash: createSha256 } : {}) };
        const options = { columns: COLUMNS, primaryKeyColumns: KEY, split, maxRecordBytes: 8192, ...(rules ? { rules: RULES } : {}) };
        expectPlan(await validateRecords({ input: built.bytes, ...options }), expected);
        expectPlan(await validateRecords({ input: inChunks(built.bytes, chunk), ...options }), expected);
        // Node's path (byte strings for the parsing proof) plans the same.
        expectPlan(await validateRecordsWith({ options: { input: inChunks(built.bytes, chunk), ...options }, byteString: utf8AsByteString }), expected);
      }),
      { numRuns: 60 },
    );
    expect(parts).toBeGreaterThan(300);
  });

  it('with hold-back: failing records and every copy of a repeated key are left out, the rest planned as the oracle plans it (property)', async () => {
    let held = 0;
    await fc.assert(
      fc.asyncProperty(fc.record({ rows: fc.array(fc.tuple(defective, fc.nat()), { minLength: 1, maxLength: 1500, size: 'max' }), ...bounds }), async ({ rows, layout, chunk, maxFileBytes, maxRecordsPerFile, hashed, rules }) => {
        const built = build(rows, layout);
        const holds = heldOf(built.records, rules);
        held += holds.bad.size + holds.repeated.size;
        const expected = oraclePlan({ built, maxFileBytes, maxRecordsPerFile, held: holds, hashed });
        const split = { maxFileBytes, ...(Number.isFinite(maxRecordsPerFile) ? { maxRecordsPerFile } : {}), ...(hashed ? { hash: createSha256 } : {}) };
        const options = { columns: COLUMNS, primaryKeyColumns: KEY, split, holdBack: true, maxRecordBytes: 8192, ...(rules ? { rules: RULES } : {}) };
        const readAt = async ({ offset, length }: { offset: number; length: number }) => built.bytes.slice(offset, offset + length);
        for (const report of [
          await validateRecords({ input: built.bytes, ...options }),
          await validateRecordsWith({ options: { input: inChunks(built.bytes, chunk), readAt, ...options }, byteString: utf8AsByteString }),
        ]) {
          expectPlan(report, expected);
          expect(report.heldBack!.records.map((record) => record.recordIndex)).toEqual([...holds.bad, ...holds.repeated].sort((a, b) => a - b));
        }
      }),
      { numRuns: 60 },
    );
    expect(held).toBeGreaterThan(200);
  });

  it('a record too large for any part is reported when it sits among flat records the byte proof would take', async () => {
    const rows = Array.from({ length: 300 }, (_, i) => [i === 150 || i === 299 ? 'long' : 'plain', 3000] as const);
    const built = build(rows, 'compact');
    for (const input of [built.bytes, inChunks(built.bytes, 4096)]) {
      const report = await validateRecords({ input, columns: COLUMNS, primaryKeyColumns: KEY, split: { maxFileBytes: 3000, hash: createSha256 } });
      expect(report.ok).toBe(false);
      expect(report.parts).toBeUndefined();
      expect(report.issues.map((issue) => `${issue.rule}:${issue.recordNumber}`)).toEqual(['record-too-large-for-part:151', 'record-too-large-for-part:300']);
    }
  });

  it('proves clean flat records from their bytes with a split too: JSON.parse runs only for the records bounding a part', async () => {
    const rows = Array.from({ length: 20_000 }, () => ['plain', 0] as const);
    const built = build(rows, 'compact');
    const expected = oraclePlan({ built, maxFileBytes: 200_000, maxRecordsPerFile: Number.POSITIVE_INFINITY, held: { bad: new Set(), repeated: new Set() }, hashed: true });
    const chunks = Math.ceil(built.bytes.length / 65_536);
    const parse = vi.spyOn(JSON, 'parse');
    try {
      const report = await validateRecords({ input: inChunks(built.bytes, 65_536), columns: COLUMNS, primaryKeyColumns: KEY, split: { maxFileBytes: 200_000, hash: createSha256 } });
      // One parse for each part's first record, one for its last (or one a buffer, while it is open).
      expect(parse.mock.calls.length).toBeLessThanOrEqual(2 * expected.length + chunks + 2);
      expectPlan(report, expected);
    } finally {
      parse.mockRestore();
    }
  });
});

// Merchant scale: 120k records on disk, validateFile with the gateway's split and node:crypto hashes.
describe.each(['compact', 'pretty', 'lines'] as const)('120k records, %s', (layout) => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'zhima-byte-split-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const kinds: Kind[] = ['cjk-memo', 'cjk-key', 'escape', 'u-escape', 'number', 'spaced', 'brace', 'reordered', 'long', 'missing', 'blank-key', 'repeat', 'bad-memo'];
  // A seeded defect or odd shape every few hundred records, anywhere.
  let seed = 15;
  const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const rows = Array.from({ length: 120_000 }, () => [random() < 0.004 ? kinds[Math.floor(random() * kinds.length)]! : 'plain', Math.floor(random() * 1e9)] as const);

  it('plans, hashes and holds back as the oracle does', async () => {
    const built = build(rows, layout);
    const path = join(dir, `records-${layout}.json`);
    await writeFile(path, built.bytes);
    const holds = heldOf(built.records, true);
    expect(holds.bad.size).toBeGreaterThan(50);
    expect(holds.repeated.size).toBeGreaterThan(20);
    const split = { maxFileBytes: 1_048_576, maxRecordsPerFile: 7000, hash: createSha256 };
    const report = await validateFile({ path, columns: COLUMNS, primaryKeyColumns: KEY, rules: RULES, holdBack: true, split, maxFileBytes: built.bytes.length });
    const expected = oraclePlan({ built, maxFileBytes: split.maxFileBytes, maxRecordsPerFile: split.maxRecordsPerFile, held: holds, hashed: true });
    expect(expected.length).toBeGreaterThan(15);
    expectPlan(report, expected);
    expect(report.heldBack!.records.map((record) => record.recordIndex)).toEqual([...holds.bad, ...holds.repeated].sort((a, b) => a - b));
    // The portable path on a Blob (Node's openAsBlob, a browser's File): its size and random access come with it.
    for (const input of [await openAsBlob(path), new File([built.bytes.slice()], 'records.json')]) {
      const fromBlob = await validateRecords({ input, columns: COLUMNS, primaryKeyColumns: KEY, rules: RULES, holdBack: true, split, maxFileBytes: built.bytes.length });
      expectPlan(fromBlob, expected);
      expect(fromBlob.heldBack).toEqual(report.heldBack);
    }

    // Without hold-back or rules, on the same bytes less the failing records: every part hashed.
    const cleanRows = rows.map(([kind, pick]) => [['missing', 'blank-key', 'repeat', 'bad-memo'].includes(kind) ? 'plain' : kind, pick] as const);
    const cleanBuilt = build(cleanRows, layout);
    await writeFile(path, cleanBuilt.bytes);
    const plain = await validateFile({ path, columns: COLUMNS, primaryKeyColumns: KEY, split, maxFileBytes: cleanBuilt.bytes.length });
    expectPlan(plain, oraclePlan({ built: cleanBuilt, maxFileBytes: split.maxFileBytes, maxRecordsPerFile: split.maxRecordsPerFile, held: { bad: new Set(), repeated: new Set() }, hashed: true }));
  });
});
