import { COMMON_OPTIONS, parseCommandArgs } from '../args.js';
import { loadConfigFile } from '../config/config-file.js';
import { resolveRecordsConfig } from '../config/records-config.js';
import { EXIT, type CliIo } from '../io.js';
import { formatReport } from '../output/format-report.js';
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
export const VALIDATE_USAGE = `Usage: zhima validate <file|-> --columns a,b,c --primary-key a,b [options]

Checks a zhima.data.batch.feedback records file the way the gateway does, without sending it.
Exit code 0 only when the gateway would accept the file; 1 when it would not; 2 on a usage error.

Options:
  --columns <list>       the "columns" param: the template's field codes, comma-separated
  --primary-key <list>   the "primary_key_columns" param
  --records <n>          the "records" param to check against the file's record count
  --charset <name>       the file charset: UTF-8 (default) or GBK
  --template loan        the common loan template: its columns, primary key and field rules
  --json                 print the validator's report as JSON
  --config <file>        config file (default ./zhima.config.json)
  -h, --help             this help

Example:
  zhima validate records.json --template loan --records 1000
`;

const OPTIONS = {
  ...COMMON_OPTIONS,
  columns: { type: 'string' },
  'primary-key': { type: 'string' },
  records: { type: 'string' },
  charset: { type: 'string' },
  template: { type: 'string' },
  json: { type: 'boolean' },
} as const;

/**
 * `zhima validate`: validates one file and prints a grouped report (or JSON); resolves to the exit code.
 *
 * @example
 * ```ts
 * const code = await validateCommand({ args: ['records.json', '--template', 'loan'], io });
 * ```
 */
export async function validateCommand({ args, io }: { args: string[]; io: CliIo }): Promise<number> {
  const { values, positionals } = parseCommandArgs({ args, options: OPTIONS, usage: VALIDATE_USAGE });
  if (values.help) {
    io.stdout.write(VALIDATE_USAGE);
    return EXIT.OK;
  }
  if (positionals.length !== 1) throw new UsageError({ message: 'Give exactly one file to validate (or - for standard input).', hint: VALIDATE_USAGE });
  const file = await loadConfigFile({ path: values.config, io });
  const records = resolveRecordsConfig({ flags: { ...values, 'file-charset': values.charset }, file });
  const [source] = await collectSources({ inputs: positionals, io });
  const report = await validateSource({ source: source!, records, declaredRecords: values.records, io });
  io.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport({ name: source!.name, report }));
  return report.ok ? EXIT.OK : EXIT.FAILED;
}

