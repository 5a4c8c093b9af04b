import { normalizeCharset } from '@zhima/core';
import { DEFAULT_SENSITIVE_FIELDS, loanTemplate, type FieldRules } from '@zhima/validator';
import { columnList, positiveInteger } from '../args.js';
import { UsageError } from '../usage-error.js';
import type { ConfigFile } from './config-file.js';

/**
 * What a records file is checked against, and how reports show it.
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
  /** Issues kept per report (`--max-issues`); the validator's default when absent. */
  maxIssues: number | undefined;
  /** The validator's default sensitive fields plus `--sensitive-fields`. */
  sensitiveFields: readonly string[];
}

/**
 * The flags that describe a records file (the same in every command).
 *
 * @example
 * ```ts
 * const flags: RecordsFlags = { columns: 'order_no,pay_month', 'primary-key': 'order_no,pay_month', 'file-charset': 'GBK' };
 * ```
 */
export interface RecordsFlags {
  columns?: string;
  'primary-key'?: string;
  template?: string;
  'file-charset'?: string;
  'max-issues'?: string;
  'sensitive-fields'?: string;
}

const TEMPLATES = { loan: loanTemplate } as const;

function toFileCharset(name: string): 'UTF-8' | 'GBK' {
  let charset: string | undefined;
  try {
    charset = normalizeCharset({ charset: name });
  } catch {
    charset = undefined;
  }
  if (charset === 'utf-8') return 'UTF-8';
  if (charset === 'gbk') return 'GBK';
  throw new UsageError({ message: `The file charset (--file-charset) must be UTF-8 or GBK, got "${name}".`, hint: 'The gateway reads records files in UTF-8 or GBK only.' });
}

/**
 * Resolves columns, primary key, template rules, file charset and report settings from flags and the
 * config file. A template supplies defaults for the columns and the primary key, and its field rules.
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
  const extraSensitive = (columnList(flags['sensitive-fields']) ?? columnList(file.sensitiveFields) ?? []).filter((field) => field !== '');
  return {
    columns,
    primaryKeyColumns,
    rules: template?.rules,
    fileCharset: toFileCharset(flags['file-charset'] ?? file.fileCharset ?? 'UTF-8'),
    maxIssues: positiveInteger({ value: flags['max-issues'] ?? file.maxIssues, flag: flags['max-issues'] === undefined ? '"maxIssues"' : '--max-issues' }),
    sensitiveFields: [...new Set([...DEFAULT_SENSITIVE_FIELDS, ...extraSensitive])],
  };
}
