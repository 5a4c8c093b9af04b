import { ZhimaError, type FileCharset } from '@zhima/core';
import { inspectColumnList, normalizeFileCharset, parseColumnList } from '@zhima/core/internal';
import { DEFAULT_SENSITIVE_FIELDS, loanTemplate, type FieldRules } from '@zhima/validator';
import { positiveInteger } from '../args.js';
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
  fileCharset: FileCharset;
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

// Core's readers (the client and the validator use the same ones): what they refuse is a usage error
// here, in their words.
function asUsageError<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (ZhimaError.isInstance(error, 'PARAM_INVALID')) throw new UsageError({ message: error.message, hint: error.hint });
    throw error;
  }
}

function columnList(value: string | readonly string[] | undefined, name: string): string[] | undefined {
  return value === undefined ? undefined : asUsageError(() => parseColumnList({ value, name }));
}

// Field names to mask: split and trimmed as core reads lists, blanks and repeats tolerated (they mask nothing more).
function fieldNames(value: string | readonly string[] | undefined, name: string): string[] | undefined {
  return value === undefined ? undefined : inspectColumnList({ value, name }).names;
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
  const columns = columnList(flags.columns, '--columns') ?? columnList(file.columns, 'columns') ?? columnList(template?.columns, 'columns');
  const primaryKeyColumns = columnList(flags['primary-key'], '--primary-key') ?? columnList(file.primaryKeyColumns, 'primaryKeyColumns') ?? columnList(template?.primaryKeyColumns, 'primaryKeyColumns');
  if (columns === undefined || primaryKeyColumns === undefined) {
    throw new UsageError({
      message: `${columns === undefined ? '--columns' : '--primary-key'} is required.`,
      hint: 'Pass --columns a,b,c --primary-key a,b (the fields of your feedback template), or --template loan.',
    });
  }
  const extraSensitive = (fieldNames(flags['sensitive-fields'], '--sensitive-fields') ?? fieldNames(file.sensitiveFields, 'sensitiveFields') ?? []).filter((field) => field !== '');
  return {
    columns,
    primaryKeyColumns,
    rules: template?.rules,
    fileCharset: asUsageError(() => normalizeFileCharset({ fileCharset: flags['file-charset'] ?? file.fileCharset ?? 'UTF-8' })),
    maxIssues: positiveInteger({ value: flags['max-issues'] ?? file.maxIssues, flag: flags['max-issues'] === undefined ? '"maxIssues"' : '--max-issues' }),
    sensitiveFields: [...new Set([...DEFAULT_SENSITIVE_FIELDS, ...extraSensitive])],
  };
}
