import { validateRecords, type Issue, type SplitOptions, type ValidationReport } from '@zhima/validator';
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
  split,
  io,
}: {
  source: InputSource;
  records: RecordsConfig;
  declaredRecords?: number | string | undefined;
  maxFileBytes?: number | undefined;
  /** Plan the parts while validating (`report.parts`). */
  split?: SplitOptions | undefined;
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
    ...(split === undefined ? {} : { split }),
    ...(bar === undefined ? {} : { onProgress: ({ bytes, records: count }: { bytes: number; records: number }) => bar.update({ done: bytes, detail: `${count} records` }) }),
  };
  try {
    // validateFile re-reads for duplicate checks and takes Node's faster UTF-8 path.
    const report = source.bytes !== undefined ? await validateRecords({ input: source.bytes, ...options }) : await validateFile({ path: source.path, ...options });
    return refuseEmpty(report);
  } finally {
    bar?.finish();
  }
}

// A file without records is nothing to send, not an upload. @zhima/validator is gaining this rule
// (`records-empty`); until the version the CLI is built with reports it, the CLI adds it here. Once it
// does, such a report is no longer ok and this changes nothing: then delete it.
function refuseEmpty(report: ValidationReport): ValidationReport {
  if (!report.ok || report.recordCount > 0) return report;
  const issue: Issue = {
    code: 'INVALID_DATA_ARGUMENTS',
    rule: 'records-empty',
    severity: 'error',
    message: '文件没有记录，无需上传 / The file holds no records: there is nothing to send. A day without data needs no upload; if records were expected, check the export that wrote this file.',
  };
  return { ...report, ok: false, errorCount: report.errorCount + 1, issues: [issue, ...report.issues] };
}
