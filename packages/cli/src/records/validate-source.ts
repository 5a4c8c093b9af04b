import { open, type FileHandle } from 'node:fs/promises';
import { validateRecords, type ReadAt, type SplitOptions, type ValidationReport } from '@zhima/validator';
import { validateBytes, validateFile } from '@zhima/validator/node';
import type { RecordsConfig } from '../config/records-config.js';
import type { CliIo } from '../io.js';
import { createProgressBar } from '../output/progress-bar.js';
import type { InputSource } from './input-source.js';

/**
 * Validates one source with `@zhima/validator`, streaming (a file from disk with `validateFile`,
 * standard input chunk by chunk), with a progress bar on a terminal. With `split`, the validator also
 * plans the parts to upload (`report.parts`). With `spoolTo`, standard input is also written to that
 * file as it is read (backpressure included), so `send` can upload it from disk. With `holdBack`, bad
 * records are held back instead of failing the file (`report.heldBack`); standard input then needs
 * `spoolTo` (the validator re-reads records from it). With `bytes` (a file already read into memory),
 * those bytes are validated instead of the file on disk.
 *
 * @example
 * ```ts
 * const report = await validateSource({ source, records: recordsConfig, declaredRecords: 1000, io });
 * ```
 */
export async function validateSource({
  source,
  records,
  declaredRecords,
  split,
  spoolTo,
  holdBack,
  bytes,
  io,
}: {
  source: InputSource;
  records: RecordsConfig;
  declaredRecords?: number | string | undefined;
  /** Plan the parts while validating (`report.parts`). */
  split?: SplitOptions | undefined;
  /** Standard input only: the file to copy it into while validating. */
  spoolTo?: string | undefined;
  /** Hold back bad records (`report.heldBack`) instead of failing the file. */
  holdBack?: boolean | undefined;
  /** A file source's bytes, already read: validated as they are. */
  bytes?: Uint8Array | undefined;
  io: CliIo;
}): Promise<ValidationReport> {
  const bar = createProgressBar({ stream: io.stderr, label: `validate ${source.name}`, total: source.kind === 'file' ? source.size : undefined });
  const options = {
    columns: records.columns,
    primaryKeyColumns: records.primaryKeyColumns,
    fileCharset: records.fileCharset,
    sensitiveFields: records.sensitiveFields,
    ...(records.maxIssues === undefined ? {} : { maxIssues: records.maxIssues }),
    ...(records.rules === undefined ? {} : { rules: records.rules }),
    ...(declaredRecords === undefined ? {} : { records: declaredRecords }),
    ...(split === undefined ? {} : { split }),
    ...(holdBack === true ? { holdBack: true } : {}),
    onProgress: ({ bytes, records: count }: { bytes: number; records: number }) => bar.update({ done: bytes, detail: `${count} records` }),
  };
  const spool = spoolTo !== undefined && holdBack === true ? spoolReader(spoolTo) : undefined;
  try {
    // validateFile re-reads for duplicate checks and takes Node's faster UTF-8 path.
    if (bytes !== undefined) return await validateBytes({ bytes, ...options });
    return source.kind === 'file'
      ? await validateFile({ path: source.path, ...options })
      : await validateRecords({ input: spoolTo === undefined ? source.stream : teeToFile({ chunks: source.stream, path: spoolTo }), ...(spool === undefined ? {} : { readAt: spool.readAt }), ...options });
  } finally {
    bar.finish();
    await spool?.close();
  }
}

// Positioned reads of the spool while it is written: the validator asks only for bytes it has seen,
// and each chunk is on disk before it sees it.
function spoolReader(path: string): { readAt: ReadAt; close(): Promise<void> } {
  let handle: Promise<FileHandle> | undefined;
  return {
    readAt: async ({ offset, length }) => {
      const file = await (handle ??= open(path, 'r'));
      const buffer = new Uint8Array(length);
      const { bytesRead } = await file.read(buffer, 0, length, offset);
      return buffer.subarray(0, bytesRead);
    },
    close: async () => {
      if (handle !== undefined) await (await handle).close();
    },
  };
}

// Each chunk is on disk before the validator sees it, so the file holds exactly the validated bytes.
async function* teeToFile({ chunks, path }: { chunks: AsyncIterable<Uint8Array>; path: string }): AsyncGenerator<Uint8Array> {
  const handle = await open(path, 'wx', 0o600);
  try {
    for await (const chunk of chunks) {
      await handle.write(chunk);
      yield chunk;
    }
  } finally {
    await handle.close();
  }
}
