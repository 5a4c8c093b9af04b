import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './usage-error.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * What every command accepts.
 *
 * @example
 * ```ts
 * parseCommandArgs({ args, options: { ...COMMON_OPTIONS, json: { type: 'boolean' } }, usage: USAGE });
 * ```
 */
export const COMMON_OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  config: { type: 'string' },
} as const satisfies Options;

/**
 * Gateway settings that flags can override (see `resolveGatewayConfig`).
 *
 * @example
 * ```ts
 * const options = { ...COMMON_OPTIONS, ...GATEWAY_OPTIONS };
 * ```
 */
export const GATEWAY_OPTIONS = {
  'app-id': { type: 'string' },
  'private-key-file': { type: 'string' },
  'alipay-public-key-file': { type: 'string' },
  gateway: { type: 'string' },
  'sign-type': { type: 'string' },
  'request-charset': { type: 'string' },
  'app-cert-file': { type: 'string' },
  'alipay-root-cert-file': { type: 'string' },
  'alipay-cert-file': { type: 'string' },
} as const satisfies Options;

/**
 * What describes a records file, the same in `validate` and `send` (see `resolveRecordsConfig`).
 *
 * @example
 * ```ts
 * const options = { ...COMMON_OPTIONS, ...RECORDS_OPTIONS };
 * ```
 */
export const RECORDS_OPTIONS = {
  columns: { type: 'string' },
  'primary-key': { type: 'string' },
  template: { type: 'string' },
  'file-charset': { type: 'string' },
  'max-issues': { type: 'string' },
  'sensitive-fields': { type: 'string' },
} as const satisfies Options;

// `--charset` meant the file charset in one command and the request charset in another.
const AMBIGUOUS_CHARSET = new UsageError({
  message: '--charset is not a flag: it named the file charset in one command and the request charset in another.',
  hint: 'Use --file-charset UTF-8|GBK for the records file, and --request-charset utf-8|gbk for the request (rarely needed; default utf-8).',
});

/**
 * Parses one command's arguments strictly (an unknown flag is a usage error that shows the usage).
 *
 * @example
 * ```ts
 * const { values, positionals } = parseCommandArgs({ args: ['a.json', '--json'], options: { json: { type: 'boolean' } }, usage: 'zhima validate <file>' });
 * ```
 */
export function parseCommandArgs<T extends Options>({
  args,
  options,
  usage,
}: {
  args: string[];
  options: T;
  usage: string;
}): ReturnType<typeof parseArgs<{ args: string[]; options: T; strict: true; allowPositionals: true }>> {
  if (args.some((arg) => arg === '--charset' || arg.startsWith('--charset='))) throw AMBIGUOUS_CHARSET;
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: true });
  } catch (error) {
    throw new UsageError({ message: (error as Error).message, hint: usage });
  }
}

/**
 * Reads a flag as a positive integer.
 *
 * @example
 * ```ts
 * const attempts = positiveInteger({ value: values.attempts, flag: '--attempts' }) ?? 5;
 * ```
 */
export function positiveInteger({ value, flag }: { value: string | number | undefined; flag: string }): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isSafeInteger(number) || number < 1) throw new UsageError({ message: `${flag} must be a positive integer, got "${value}".` });
  return number;
}

/**
 * Reads a duration in seconds (decimals allowed) as milliseconds.
 *
 * @example
 * ```ts
 * secondsAsMs({ value: '90', flag: '--timeout' }); // 90000
 * ```
 */
export function secondsAsMs({ value, flag }: { value: string | number | undefined; flag: string }): number | undefined {
  if (value === undefined) return undefined;
  const seconds = typeof value === 'number' ? value : value.trim() === '' ? Number.NaN : Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new UsageError({ message: `${flag} must be a number of seconds above 0, got "${value}".` });
  return Math.round(seconds * 1000);
}
