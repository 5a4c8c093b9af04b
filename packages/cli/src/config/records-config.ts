import { loanTemplate, type FieldRules } from '@zhima/validator';
import { columnList } from '../args.js';
import { UsageError } from '../usage-error.js';
import type { ConfigFile } from './config-file.js';

/**
 * What a records file is checked against.
 *
 * @example
 * ```ts
 * const { columns, primaryKeyColumns, rules, fileCharset } = resolveRecordsConfig({ flags: values, file });
 * ```
 */
export interface RecordsConfig {
  columns: string[];
  primaryKeyColumns: string[];
  /** Template rules (`--template loan`), else none. */
  rules: FieldRules | undefined;
  fileCharset: 'UTF-8' | 'GBK';
}

/**
 * The flags that describe a records file.
 *
 * @example
 * ```ts
 * const flags: RecordsFlags = { columns: 'order_no,pay_month', 'primary-key': 'order_no,pay_month' };
 * ```
 */
export interface RecordsFlags {
  columns?: string;
  'primary-key'?: string;
  template?: string;
  'file-charset'?: string;
}

const TEMPLATES = { loan: loanTemplate } as const;

/**
 * Resolves columns, primary key, template rules and file charset from flags and the config file.
 * A template supplies defaults for the columns and the primary key, and its field rules.
 *
 * @example
 * ```ts
 * resolveRecordsConfig({ flags: { template: 'loan' }, file: {} }).primaryKeyColumns; // ['order_no', 'pay_month']
 * ```
 */
export function resolveRecordsConfig({ flags, file }: { flags: RecordsFlags; file: ConfigFile }): RecordsConfig {
  const templateName = flags.template ?? file.template;
  let template: (typeof TEMPLATES)[keyof typeof TEMPLATES] | undefined;
  if (templateName !== undefined) {
    if (!Object.hasOwn(TEMPLATES, templateName)) throw new UsageError({ message: `Unknown template "${templateName}".`, hint: `Known templates: ${Object.keys(TEMPLATES).join(', ')}.` });
    template = TEMPLATES[templateName as keyof typeof TEMPLATES];
  }
  const columns = columnList(flags.columns) ?? columnList(file.columns) ?? columnList(template?.columns);
  const primaryKeyColumns = columnList(flags['primary-key']) ?? columnList(file.primaryKeyColumns) ?? columnList(template?.primaryKeyColumns);
  if (columns === undefined || primaryKeyColumns === undefined) {
    throw new UsageError({
      message: `${columns === undefined ? '--columns' : '--primary-key'} is required.`,
      hint: 'Pass --columns a,b,c --primary-key a,b (the fields of your feedback template), or --template loan.',
    });
  }
  const charset = (flags['file-charset'] ?? file.fileCharset ?? 'UTF-8').toUpperCase();
  if (charset !== 'UTF-8' && charset !== 'GBK') throw new UsageError({ message: `The file charset must be UTF-8 or GBK, got "${charset}".` });
  return { columns, primaryKeyColumns, rules: template?.rules, fileCharset: charset };
}
