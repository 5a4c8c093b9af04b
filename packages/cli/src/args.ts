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
  charset: { type: 'string' },
  'app-cert-file': { type: 'string' },
  'alipay-root-cert-file': { type: 'string' },
  'alipay-cert-file': { type: 'string' },
} as const satisfies Options;

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
export function positiveInteger({ value, flag }: { value: string | undefined; flag: string }): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isSafeInteger(number) || number < 1) throw new UsageError({ message: `${flag} must be a positive integer, got "${value}".` });
  return number;
}
