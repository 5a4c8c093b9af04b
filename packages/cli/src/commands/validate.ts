import { resolve } from 'node:path';
import type { ValidationReport } from '@zhima/validator';
import { COMMON_OPTIONS, parseCommandArgs, RECORDS_OPTIONS } from '../args.js';
import { DEFAULT_CONFIG_FILE, loadConfigFile } from '../config/config-file.js';
import { resolveRecordsConfig } from '../config/records-config.js';
import { EXIT, type CliIo } from '../io.js';
import { formatReport, formatValidationSummary } from '../output/format-report.js';
import { collectSources } from '../records/input-source.js';
import { validateSource } from '../records/validate-source.js';
import { UsageError } from '../usage-error.js';

/**
 * `zhima validate --help`.
 *
 * @example
 * ```ts
 * io.stdout.write(VALIDATE_USAGE);
 * ```
 */
export const VALIDATE_USAGE = `Usage: zhima validate <file|folder|-> [more…] --columns a,b,c --primary-key a,b [options]

Checks zhima.data.batch.feedback records files the way the gateway does, without sending them: each
file given, every *.json file of a folder (sorted by name; zhima.config.json and dotfiles such as the
send journal are skipped), and standard input for - (streamed: memory stays flat). Prints each file's
report, then a summary when there are several.
Exit code 0 only when the gateway would accept every file; 1 when it would refuse one; 2 on a usage error.

Options:
  --columns <list>           the "columns" param: the template's field codes, comma-separated
  --primary-key <list>       the "primary_key_columns" param
  --records <n>              the "records" param to check against the file's record count (one file only)
  --file-charset <name>      the "file_charset" param: UTF-8 (default) or GBK
  --template loan            the common loan template: its columns, primary key and field rules
  --max-issues <n>           issues kept per report (default 1000; the counts always include all)
  --sensitive-fields <list>  more fields whose values are masked in messages (names, ID numbers and
                             contact fields always are)
  --json                     print {"ok", "files": [{"name", "ok", "report"}], "summary"} (see the README)
  --config <file>            config file (default ./zhima.config.json)
  -h, --help                 this help

Example:
  zhima validate records.json --template loan --records 1000
  zhima validate out/ --template loan --json > verdicts.json
`;

const OPTIONS = {
  ...COMMON_OPTIONS,
  ...RECORDS_OPTIONS,
  records: { type: 'string' },
  json: { type: 'boolean' },
} as const;

/**
 * What `zhima validate --json` prints: one shape for one file or many. Fields may be added, never
 * renamed or removed.
 *
 * @example
 * ```ts
 * const document: ValidateDocument = JSON.parse(stdout);
 * for (const file of document.files) if (!file.ok) console.log(file.name, file.report.errorCount);
 * ```
 */
export interface ValidateDocument {
  /** True when the gateway would accept every file. */
  ok: boolean;
  /** In the order given; a folder's files sorted by name; standard input is `<stdin>`. */
  files: { name: string; ok: boolean; report: ValidationReport }[];
  summary: { files: number; ok: number; rejected: number };
}

/**
 * `zhima validate`: validates every input file and prints a grouped report per file (or one JSON
 * {@link ValidateDocument}); resolves to the exit code.
 *
 * @example
 * ```ts
 * const code = await validateCommand({ args: ['out/', '--template', 'loan'], io });
 * ```
 */
export async function validateCommand({ args, io }: { args: string[]; io: CliIo }): Promise<number> {
  const { values, positionals } = parseCommandArgs({ args, options: OPTIONS, usage: VALIDATE_USAGE });
  if (values.help) {
    io.stdout.write(VALIDATE_USAGE);
    return EXIT.OK;
  }
  if (positionals.length === 0) throw new UsageError({ message: 'Give the files or folders to validate (or - for standard input).', hint: VALIDATE_USAGE });
  const file = await loadConfigFile({ path: values.config, io });
  const records = resolveRecordsConfig({ flags: values, file });
  const sources = await collectSources({ inputs: positionals, io, configPath: resolve(io.cwd, values.config ?? DEFAULT_CONFIG_FILE) });
  if (values.records !== undefined && sources.length !== 1) {
    throw new UsageError({ message: `--records is the record count of one file, and ${sources.length} files were given.`, hint: 'Validate that file alone with --records, or leave --records out.' });
  }
  const files: ValidateDocument['files'] = [];
  for (const source of sources) {
    const report = await validateSource({ source, records, declaredRecords: values.records, io });
    if (!values.json) io.stdout.write(`${files.length > 0 ? '\n' : ''}${formatReport({ name: source.name, report })}`);
    files.push({ name: source.name, ok: report.ok, report });
  }
  const passed = files.filter((entry) => entry.ok).length;
  const document: ValidateDocument = { ok: passed === files.length, files, summary: { files: files.length, ok: passed, rejected: files.length - passed } };
  if (values.json) io.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
  else if (files.length > 1) io.stdout.write(`\n${formatValidationSummary({ files })}`);
  return document.ok ? EXIT.OK : EXIT.FAILED;
}
