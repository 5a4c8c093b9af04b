import { createHash } from 'node:crypto';
import { mkdir, open } from 'node:fs/promises';
import { join } from 'node:path';
import type { FileCharset } from '@zhima/core';
import { decodeText } from '@zhima/core/internal';
import type { HeldBack, Issue } from '@zhima/validator';
import { openRecordsFile } from '@zhima/validator/node';

/**
 * One line of a quarantine file (`<journal>/quarantine/<runId>.jsonl`): a record `zhima send
 * --hold-back` held back, where it is in its input, why (the validator's issues, personal data masked)
 * and the record itself as it was in the file. `record` is the record's original text (its UTF-8 bytes
 * are the file's bytes for a UTF-8 file); a GBK file's exact bytes are in `recordBase64` too. The
 * record is unmasked personal data: the file is written `0600`.
 *
 * @example
 * ```ts
 * const line: QuarantineLine = JSON.parse(text.split('\n')[0]!);
 * console.log(line.input, line.recordNumber, line.issues.map((issue) => issue.rule));
 * ```
 */
export interface QuarantineLine {
  /** The input as named on the command line (`<stdin>` for standard input). */
  input: string;
  /** 1-based: the n-th record of the input. */
  recordNumber: number;
  /** 0-based index in the input's `records` array. */
  recordIndex: number;
  /** Where the record's bytes are in the input (0-based) and how many. */
  byteOffset: number;
  byteLength: number;
  /** The primary key values, masked where sensitive; null when the record's key could not be read. */
  primaryKey: Readonly<Record<string, string>> | null;
  /** Why it was held back: its errors (`code`, `rule`, masked `message`, `field`, `line`, `column`, …). */
  issues: Issue[];
  /** The record as it was in the file, decoded from its charset. */
  record: string;
  /** GBK files only: the record's exact bytes, base64. */
  recordBase64?: string;
}

/**
 * What went into the quarantine file for one input: a line count, the original bytes held and the
 * sha256 of the input's lines (the receipt's `held-back` part).
 *
 * @example
 * ```ts
 * const { records, bytes, sha256 } = written.inputs[0]!;
 * ```
 */
export interface QuarantinedInput {
  input: string;
  records: number;
  bytes: number;
  sha256: string;
}

// Beside receipts/ in the journal folder.
const QUARANTINE_DIR = 'quarantine';

/**
 * Writes the records each input held back to `<journalDir>/quarantine/<runId>.jsonl` (JSON Lines, one
 * {@link QuarantineLine} per record, inputs in order, records in file order), mode `0600` (it holds the
 * records' personal data unmasked). The bytes come from each input's file (`path`), read at the
 * offsets the validator gave. Writes nothing and returns undefined when no input held anything back.
 *
 * @example
 * ```ts
 * const written = await writeQuarantine({ journalDir, runId, fileCharset: 'UTF-8', inputs: [{ name, path, heldBack: report.heldBack! }] });
 * ```
 */
export async function writeQuarantine({
  journalDir,
  runId,
  fileCharset,
  inputs,
}: {
  journalDir: string;
  runId: string;
  fileCharset: FileCharset;
  inputs: readonly { name: string; path: string; heldBack: HeldBack | undefined }[];
}): Promise<{ path: string; inputs: QuarantinedInput[] } | undefined> {
  const held = inputs.filter((input) => (input.heldBack?.records.length ?? 0) > 0);
  if (held.length === 0) return undefined;
  const dir = join(journalDir, QUARANTINE_DIR);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, `${runId}.jsonl`);
  const out = await open(path, 'wx', 0o600);
  const written: QuarantinedInput[] = [];
  try {
    await out.chmod(0o600);
    for (const input of held) {
      const file = await openRecordsFile({ path: input.path });
      const hash = createHash('sha256');
      let bytes = 0;
      try {
        for (const record of input.heldBack!.records) {
          const original = await file.readAt({ offset: record.byteOffset, length: record.byteLength });
          const line: QuarantineLine = {
            input: input.name,
            recordNumber: record.recordNumber,
            recordIndex: record.recordIndex,
            byteOffset: record.byteOffset,
            byteLength: record.byteLength,
            primaryKey: record.primaryKey ?? null,
            issues: record.issues,
            record: decodeText({ bytes: original, charset: fileCharset }),
            ...(fileCharset === 'GBK' ? { recordBase64: Buffer.from(original).toString('base64') } : {}),
          };
          const text = `${JSON.stringify(line)}\n`;
          hash.update(text);
          bytes += record.byteLength;
          await out.write(text);
        }
      } finally {
        await file.close();
      }
      written.push({ input: input.name, records: input.heldBack!.records.length, bytes, sha256: hash.digest('hex') });
    }
  } finally {
    await out.close();
  }
  return { path, inputs: written };
}
