import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { CliIo } from '../io.js';
import { UsageError } from '../usage-error.js';

/**
 * The contents of `zhima.config.json`. Key files are paths (relative to the config file); a private
 * key itself never goes in this file.
 *
 * @example
 * ```json
 * { "appId": "2021000000000001", "privateKeyFile": "keys/app_private_key.pem", "alipayPublicKeyFile": "keys/alipay_public_key.pem", "template": "loan" }
 * ```
 */
export interface ConfigFile {
  appId?: string;
  privateKeyFile?: string;
  alipayPublicKeyFile?: string;
  alipayPublicKey?: string;
  appCertFile?: string;
  alipayRootCertFile?: string;
  alipayCertFile?: string;
  gateway?: string;
  signType?: string;
  /** The request charset (`charset` param): `utf-8` (default) or `gbk`. */
  requestCharset?: string;
  appAuthToken?: string;
  columns?: string | string[];
  primaryKeyColumns?: string | string[];
  template?: string;
  /** The records file's charset (`file_charset` param): `UTF-8` (default) or `GBK`. */
  fileCharset?: string;
  /** Issues kept per report (`--max-issues`). */
  maxIssues?: number;
  /** More fields whose values are masked in reports (`--sensitive-fields`). */
  sensitiveFields?: string | string[];
  /** Transport inactivity timeout in seconds (`--timeout`). */
  timeoutSeconds?: number;
  /** The wait for the answer once a part is handed to the network, in seconds (`--answer-timeout`). */
  answerTimeoutSeconds?: number;
  /** No new attempt starts later than this, in seconds (`--retry-deadline`). */
  retryDeadlineSeconds?: number;
  /** `zhima template`: the merchant's PID, 2088… (`--merchant-id`, `ZHIMA_MERCHANT_ID`). */
  merchantId?: string;
  /** `zhima send`: hold back bad records instead of refusing the file (`--hold-back`). */
  holdBack?: boolean;
}

const STRING_KEYS = ['appId', 'privateKeyFile', 'alipayPublicKeyFile', 'alipayPublicKey', 'appCertFile', 'alipayRootCertFile', 'alipayCertFile', 'gateway', 'signType', 'requestCharset', 'appAuthToken', 'template', 'fileCharset', 'merchantId'] as const;
const LIST_KEYS = ['columns', 'primaryKeyColumns', 'sensitiveFields'] as const;
const NUMBER_KEYS = ['maxIssues', 'timeoutSeconds', 'answerTimeoutSeconds', 'retryDeadlineSeconds'] as const;
const BOOLEAN_KEYS = ['holdBack'] as const;

/**
 * The default config file name, looked up in the working directory.
 *
 * @example
 * ```ts
 * join(cwd, DEFAULT_CONFIG_FILE); // '/srv/job/zhima.config.json'
 * ```
 */
export const DEFAULT_CONFIG_FILE = 'zhima.config.json';

function shapeError(path: string, message: string): UsageError {
  return new UsageError({ message: `${path}: ${message}`, hint: 'See `zhima --help` for the config file keys.' });
}

/**
 * Checks a parsed config file: known keys only, the right types, no inline private key.
 *
 * @example
 * ```ts
 * const config = checkConfigFile({ value: JSON.parse(text), path: 'zhima.config.json' });
 * ```
 */
export function checkConfigFile({ value, path }: { value: unknown; path: string }): ConfigFile {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw shapeError(path, 'must hold a JSON object.');
  const record = value as Record<string, unknown>;
  if ('privateKey' in record) throw shapeError(path, 'must not hold a private key; use "privateKeyFile" or the ZHIMA_PRIVATE_KEY environment variable.');
  if ('charset' in record) throw shapeError(path, '"charset" is ambiguous: write "fileCharset" for the records file (UTF-8 or GBK) or "requestCharset" for the request (utf-8 or gbk).');
  const known = new Set<string>([...STRING_KEYS, ...LIST_KEYS, ...NUMBER_KEYS, ...BOOLEAN_KEYS]);
  const unknown = Object.keys(record).filter((key) => !known.has(key));
  if (unknown.length > 0) throw shapeError(path, `unknown keys ${unknown.join(', ')}.`);
  for (const key of STRING_KEYS) if (record[key] !== undefined && typeof record[key] !== 'string') throw shapeError(path, `"${key}" must be a string.`);
  for (const key of NUMBER_KEYS) if (record[key] !== undefined && typeof record[key] !== 'number') throw shapeError(path, `"${key}" must be a number.`);
  for (const key of BOOLEAN_KEYS) if (record[key] !== undefined && typeof record[key] !== 'boolean') throw shapeError(path, `"${key}" must be true or false.`);
  for (const key of LIST_KEYS) {
    const item = record[key];
    if (item !== undefined && typeof item !== 'string' && !(Array.isArray(item) && item.every((entry) => typeof entry === 'string'))) {
      throw shapeError(path, `"${key}" must be a comma-separated string or an array of strings.`);
    }
  }
  return record as ConfigFile;
}

/**
 * Reads `--config <path>`, or `zhima.config.json` in the working directory when present. Paths inside
 * it are made absolute against its folder.
 *
 * @example
 * ```ts
 * const config = await loadConfigFile({ path: values.config, io });
 * ```
 */
export async function loadConfigFile({ path, io }: { path: string | undefined; io: CliIo }): Promise<ConfigFile> {
  const file = resolve(io.cwd, path ?? DEFAULT_CONFIG_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (path === undefined && (error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new UsageError({ message: `Cannot read the config file ${file}: ${(error as Error).message}` });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw shapeError(file, `is not valid JSON (${(error as Error).message}).`);
  }
  const config = checkConfigFile({ value: parsed, path: file });
  const base = dirname(file);
  const paths = (['privateKeyFile', 'alipayPublicKeyFile', 'appCertFile', 'alipayRootCertFile', 'alipayCertFile'] as const).filter((key) => config[key] !== undefined);
  return { ...config, ...Object.fromEntries(paths.map((key) => [key, resolve(base, config[key]!)])) };
}
