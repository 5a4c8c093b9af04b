import { validateRecords, type ValidationReport } from '@zhima/validator';
import { validateFile } from '@zhima/validator/node';
import type { CliIo } from '../io.js';
import { createProgressBar } from '../output/progress-bar.js';
import type { RecordsConfig } from '../config/records-config.js';
import type { InputSource } from './input-source.js';

// Small files validate faster than a progress bar can be read.
const PROGRESS_FROM_BYTES = 8 * 1024 * 1024;

/**
 * Validates one source with `@zhima/validator`, streaming files from disk, with a progress bar on a
 * terminal for large files.
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
  maxFileBytes,
  io,
}: {
  source: InputSource;
  records: RecordsConfig;
  declaredRecords?: number | string | undefined;
  maxFileBytes?: number | undefined;
  io: CliIo;
}): Promise<ValidationReport> {
  const bar = source.size >= PROGRESS_FROM_BYTES ? createProgressBar({ stream: io.stderr, label: `validate ${source.name}`, total: source.size }) : undefined;
  const options = {
    columns: records.columns,
    primaryKeyColumns: records.primaryKeyColumns,
    fileCharset: records.fileCharset,
    ...(records.rules === undefined ? {} : { rules: records.rules }),
    ...(declaredRecords === undefined ? {} : { records: declaredRecords }),
    ...(maxFileBytes === undefined ? {} : { maxFileBytes }),
    ...(bar === undefined ? {} : { onProgress: ({ bytes, records: count }: { bytes: number; records: number }) => bar.update({ done: bytes, detail: `${count} records` }) }),
  };
  try {
    if (source.bytes !== undefined) return await validateRecords(source.bytes, options);
    // validateFile re-reads for duplicate checks and takes Node's faster UTF-8 path.
    return await validateFile({ path: source.path, ...options });
  } finally {
    bar?.finish();
  }
}
