import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RecordsConfig } from '../config/records-config.js';
import type { CliIo } from '../io.js';
import { createFileSha256, createSha256, openRecordsFile, type FileSha256 } from '@zhima/validator/node';
import { formatHeldBack, formatReport } from '../output/format-report.js';
import { formatBytes } from '../output/progress-bar.js';
import type { InputSource } from '../records/input-source.js';
import { validateSource } from '../records/validate-source.js';
import type { ReceiptInput } from './receipt.js';
import { inMemoryFile, receiptKey, type PartSource, type SplitBounds, type UploadFile } from './upload-parts.js';

/**
 * Validates every input before anything is sent, printing the report of each invalid one and of each
 * valid one with warnings (the gateway may still refuse what they point at). `@zhima/validator` plans
 * each input's parts within `bounds` and hashes them as it validates it (no second read before upload). Standard input is streamed
 * into `spool` (a folder) as it is validated, so its parts are cut from disk. `valid` is `undefined`
 * when any input is invalid: then nothing may be sent. With `holdBack`, bad records are held back
 * (`PartSource.heldBack`, left out of the parts) and listed instead of failing their input. The valid
 * inputs' files stay open for their upload: close them with {@link closeAll}.
 *
 * @example
 * ```ts
 * const { inputs, valid } = await validateInputs({ sources, records, bounds, holdBack: false, spool, io, write });
 * ```
 */
export async function validateInputs({
  sources,
  records,
  bounds,
  holdBack,
  spool,
  io,
  write,
}: {
  sources: InputSource[];
  records: RecordsConfig;
  bounds: SplitBounds;
  holdBack: boolean;
  spool: string | undefined;
  io: CliIo;
  write: (text: string) => void;
}): Promise<{ inputs: ReceiptInput[]; valid: PartSource[] | undefined }> {
  const inputs: ReceiptInput[] = [];
  const valid: PartSource[] = [];
  const opened: UploadFile[] = [];
  try {
    for (const source of sources) {
      const began = Date.now();
      const path = source.kind === 'file' ? source.path : join(spool!, 'records.json');
      // A file within one part is read into memory once: validated and sent from the same bytes. A larger
      // one is opened before it is read: its upload content fails before its last bytes once the file
      // changes, so what is sent is what is validated here.
      const bytes = source.kind === 'file' && source.size <= bounds.maxFileBytes ? await readFile(path) : undefined;
      const file = bytes !== undefined ? inMemoryFile({ bytes }) : source.kind === 'file' ? await openRecordsFile({ path }) : undefined;
      if (file !== undefined) opened.push(file);
      // The size bound is handled by splitting (the parts are planned, and hashed, while validating), so only the other rules decide here.
      // Bytes in memory are hashed when sent, once: as the whole file, or as the parts a hold-back or the record bound makes.
      const hashes = bytes === undefined ? partHashes({ path }) : undefined;
      const split = hashes === undefined ? bounds : { ...bounds, hash: hashes.hash };
      const report = await validateSource({ source, records, split, spoolTo: source.kind === 'stdin' ? path : undefined, holdBack, bytes, io }).finally(() => hashes?.close());
      const size = bytes?.length ?? (source.kind === 'file' ? source.size : (await stat(path)).size);
      const { ok, errorCount, warningCount, issues, truncated, recordCount, heldBack } = report;
      inputs.push({
        name: source.name,
        bytes: size,
        records: recordCount,
        heldBack: heldBack?.records.length ?? 0,
        repeatedKeys: (heldBack?.repeatedKeys ?? []).map((repeated) => ({ primaryKey: receiptKey(repeated.primaryKey), recordNumbers: repeated.recordNumbers })),
        ok,
        errorCount,
        warningCount,
        issues,
        truncated,
        validationMs: Date.now() - began,
        allPartsReached: false,
      });
      if (!ok || warningCount > 0) write(formatReport({ name: source.name, report }));
      else write(`valid    ${source.name}: ${recordCount} records, ${formatBytes(size)}\n`);
      if (ok && heldBack !== undefined && heldBack.records.length > 0) write(formatHeldBack({ name: source.name, heldBack }));
      // With split, a valid report always carries its plan.
      if (ok) {
        const openedFile = file ?? (await openRecordsFile({ path }));
        if (file === undefined) opened.push(openedFile);
        valid.push({
          name: source.name,
          path,
          file: openedFile,
          size,
          recordCount,
          sha256: report.sha256,
          parts: report.parts!,
          heldBack: heldBack?.records.length === 0 ? undefined : heldBack,
        });
      }
    }
  } catch (error) {
    await closeAll(opened);
    throw error;
  }
  if (valid.length === sources.length) return { inputs, valid };
  await closeAll(opened);
  return { inputs, valid: undefined };
}

/**
 * Closes the files of validated inputs (`PartSource.file`) once their parts are sent.
 *
 * @example
 * ```ts
 * try { await uploadAll({ valid }); } finally { await closeAll(valid.map((source) => source.file)); }
 * ```
 */
export async function closeAll(files: readonly UploadFile[]): Promise<void> {
  await Promise.all(files.map((file) => file.close()));
}

/**
 * Runs `work` with a private temporary folder for standard input's spool (when an input is `-`),
 * removed afterwards whatever happens.
 *
 * @example
 * ```ts
 * await withStdinSpool({ sources, work: (spool) => validateInputs({ sources, records, spool, io, write }) });
 * ```
 */
export async function withStdinSpool<T>({ sources, work }: { sources: InputSource[]; work: (spool: string | undefined) => Promise<T> }): Promise<T> {
  const spool = sources.some((source) => source.kind === 'stdin') ? await mkdtemp(join(tmpdir(), 'zhima-stdin-')) : undefined;
  try {
    return await work(spool);
  } finally {
    if (spool !== undefined) await rm(spool, { recursive: true, force: true });
  }
}

// The parts are hashed as they are validated: on a worker thread that reads them from the file (standard
// input: from the spool, where each chunk is written before the validator sees it) when there is a core
// for it; on one core, the worker's start-up and its read would only add to that core's work.
function partHashes({ path }: { path: string }): FileSha256 {
  return availableParallelism() > 1 ? createFileSha256({ path }) : { hash: createSha256, close: async () => undefined };
}
