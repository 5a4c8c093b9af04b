import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import iconv from 'iconv-lite';
import type { Issue, ValidationReport } from '../src/index.js';
import { vi } from 'vitest';
import { PrimaryKeyIndex } from '../src/unique/primary-key-index.js';

export const COLUMNS = ['order_no', 'pay_month', 'user_name'];
export const PRIMARY_KEY = ['order_no', 'pay_month'];

/** Known-valid PRC ID numbers from public specimens (GB 11643 example and the Wikipedia example). */
export const VALID_IDS = ['11010519491231002X', '440524188001010014'];

export function record(i: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { order_no: `LN${i}`, pay_month: '2025-01', user_name: '张三', ...extra };
}

/** A file built with JSON.stringify, the independent reference serializer. */
export function fileText(records: unknown[]): string {
  return JSON.stringify({ records });
}

export function encode(text: string, charset: 'UTF-8' | 'GBK' = 'UTF-8'): Uint8Array {
  return charset === 'GBK' ? new Uint8Array(iconv.encode(text, 'gbk')) : new TextEncoder().encode(text);
}

/** Where `text[index]` lands in the file, computed from the string itself (not by the validator). */
export function positionOf(text: string, index: number, charset: 'UTF-8' | 'GBK' = 'UTF-8'): Pick<Issue, 'byteOffset' | 'line' | 'column'> {
  const before = text.slice(0, index);
  const lines = before.split('\n');
  return { byteOffset: encode(before, charset).length, line: lines.length, column: [...lines[lines.length - 1]!].length + 1 };
}

export function rules(report: ValidationReport): string[] {
  return report.issues.map((issue) => issue.rule);
}

export function errors(report: ValidationReport): Issue[] {
  return report.issues.filter((issue) => issue.severity === 'error');
}

export async function* inChunks(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.slice(at, at + size);
}

/** {@link inChunks} through one buffer, scribbled over with 0xFF before each refill: a consumer must not keep a chunk. */
export async function* inRefilledChunks(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  const buffer = new Uint8Array(size);
  for (let at = 0; at < bytes.length; at += size) {
    buffer.fill(0xff);
    const chunk = bytes.subarray(at, at + size);
    buffer.set(chunk);
    yield buffer.subarray(0, chunk.length);
  }
  buffer.fill(0xff);
}

export const options = { columns: COLUMNS, primaryKeyColumns: PRIMARY_KEY };

/**
 * Makes the key index hash keys staged from bytes by their decoded text through its `hash`, so a test
 * that mocks `hash` (to force fingerprint collisions) reaches byte-staged keys too.
 */
export function hashByteKeysAsText(): void {
  const decoder = new TextDecoder();
  const proto = PrimaryKeyIndex.prototype as unknown as { hash(values: readonly string[]): void; hashBytes(bytes: Uint8Array, ranges: Float64Array, from: number, columns: number): void };
  vi.spyOn(proto, 'hashBytes').mockImplementation(function (this: typeof proto, bytes, ranges, from, columns) {
    this.hash(Array.from({ length: columns }, (_, k) => decoder.decode(bytes.subarray(ranges[from + 2 * k], ranges[from + 2 * k + 1]))));
  });
}

/**
 * Runs full garbage collections and lets V8's concurrent sweeper free what they found, so a memory
 * measurement starts from live objects only (what the test wrote before is not counted as if the code under
 * test held it, nor freed in the middle of the measurement).
 */
export async function collectGarbage(): Promise<void> {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  for (let round = 0; round < 2; round++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

