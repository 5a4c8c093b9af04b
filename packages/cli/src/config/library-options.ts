import type { Issue } from '@zhima/validator';

/**
 * Where the command line sets one library option: its flag, environment variable and
 * `zhima.config.json` key (each when there is one).
 *
 * @example
 * ```ts
 * const setting: CliSetting = { flag: '--file-charset', config: 'fileCharset' };
 * ```
 */
export interface CliSetting {
  flag?: string;
  env?: string;
  config?: string;
}

// The one table from a library option (`error.option`, `error.limit.option`, as `@zhima/core` and
// `@zhima/validator` spell them) to the CLI's ways of setting it. The README's option table is this one.
const SETTINGS: Readonly<Record<string, CliSetting>> = {
  gateway: { flag: '--gateway', env: 'ZHIMA_GATEWAY', config: 'gateway' },
  appId: { flag: '--app-id', env: 'ZHIMA_APP_ID', config: 'appId' },
  privateKey: { flag: '--private-key-file', env: 'ZHIMA_PRIVATE_KEY_FILE', config: 'privateKeyFile' },
  alipayPublicKey: { flag: '--alipay-public-key-file', env: 'ZHIMA_ALIPAY_PUBLIC_KEY_FILE', config: 'alipayPublicKeyFile' },
  'certificates.appCertificate': { flag: '--app-cert-file', env: 'ZHIMA_APP_CERT_FILE', config: 'appCertFile' },
  'certificates.alipayRootCertificate': { flag: '--alipay-root-cert-file', env: 'ZHIMA_ALIPAY_ROOT_CERT_FILE', config: 'alipayRootCertFile' },
  'certificates.alipayCertificate': { flag: '--alipay-cert-file', env: 'ZHIMA_ALIPAY_CERT_FILE', config: 'alipayCertFile' },
  signType: { flag: '--sign-type', env: 'ZHIMA_SIGN_TYPE', config: 'signType' },
  charset: { flag: '--request-charset', env: 'ZHIMA_REQUEST_CHARSET', config: 'requestCharset' },
  appAuthToken: { env: 'ZHIMA_APP_AUTH_TOKEN', config: 'appAuthToken' },
  merchantId: { flag: '--merchant-id', env: 'ZHIMA_MERCHANT_ID', config: 'merchantId' },
  columns: { flag: '--columns', config: 'columns' },
  primaryKeyColumns: { flag: '--primary-key', config: 'primaryKeyColumns' },
  fileCharset: { flag: '--file-charset', config: 'fileCharset' },
  maxIssues: { flag: '--max-issues', config: 'maxIssues' },
  sensitiveFields: { flag: '--sensitive-fields', config: 'sensitiveFields' },
  maxFileBytes: { flag: '--max-file-bytes' },
  timeoutMs: { flag: '--timeout', config: 'timeoutSeconds' },
  bodyTimeoutMs: { flag: '--timeout', config: 'timeoutSeconds' },
  headersTimeoutMs: { flag: '--answer-timeout', config: 'answerTimeoutSeconds' },
  'retry.deadlineMs': { flag: '--retry-deadline', config: 'retryDeadlineSeconds' },
};

// Validator issues name no option as data; their rule is the structured datum.
const ISSUE_RULE_OPTIONS: Readonly<Record<string, string>> = {
  'charset-invalid': 'fileCharset',
  'charset-mismatch': 'fileCharset',
};

// The libraries' hints name a library where the command line has a command ("validate it with @zhima/validator").
const LIBRARY_COMMANDS: readonly [library: string, command: string][] = [['@zhima/validator', 'zhima validate']];

/**
 * How the command line sets a library option, or `undefined` when it has no setting for it (`fileName`:
 * the CLI names the parts itself).
 *
 * @example
 * ```ts
 * cliSettingOf({ option: 'retry.deadlineMs' }); // { flag: '--retry-deadline', config: 'retryDeadlineSeconds' }
 * ```
 */
export function cliSettingOf({ option }: { option: string | undefined }): CliSetting | undefined {
  return option !== undefined && Object.hasOwn(SETTINGS, option) ? SETTINGS[option] : undefined;
}

/**
 * The one name a sentence uses for a library option on the command line: its flag, else its
 * environment variable, else its config key.
 *
 * @example
 * ```ts
 * cliNameOf({ option: 'headersTimeoutMs' }); // '--answer-timeout'
 * cliNameOf({ option: 'appAuthToken' }); // 'ZHIMA_APP_AUTH_TOKEN'
 * ```
 */
export function cliNameOf({ option }: { option: string }): string | undefined {
  const setting = cliSettingOf({ option });
  return setting?.flag ?? setting?.env ?? (setting?.config === undefined ? undefined : `"${setting.config}"`);
}

/**
 * Every way to set a library option, for a hint: `--gateway, ZHIMA_GATEWAY or "gateway" in zhima.config.json`.
 *
 * @example
 * ```ts
 * describeSetting({ option: 'fileCharset' }); // '--file-charset or "fileCharset" in zhima.config.json'
 * ```
 */
export function describeSetting({ option }: { option: string }): string | undefined {
  const setting = cliSettingOf({ option });
  if (setting === undefined) return undefined;
  const ways = [setting.flag, setting.env, setting.config === undefined ? undefined : `"${setting.config}" in zhima.config.json`].filter((way) => way !== undefined);
  return ways.length === 1 ? ways[0] : `${ways.slice(0, -1).join(', ')} or ${ways.at(-1)}`;
}

/**
 * The library option a validator issue is about, from its rule (`charset-invalid` → `fileCharset`).
 *
 * @example
 * ```ts
 * optionOfIssue({ issue }); // 'fileCharset'
 * ```
 */
export function optionOfIssue({ issue }: { issue: Pick<Issue, 'rule'> }): string | undefined {
  return Object.hasOwn(ISSUE_RULE_OPTIONS, issue.rule) ? ISSUE_RULE_OPTIONS[issue.rule] : undefined;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * A library message or hint as the command line says it: where it names `option` (the error's
 * structured option, exactly that name), it names the CLI's setting instead; a library named as the
 * tool to use becomes the command.
 *
 * @example
 * ```ts
 * toCliWording({ text: 'the bytes look like GBK: set fileCharset to GBK', option: 'fileCharset' }); // '… set --file-charset to GBK'
 * ```
 */
export function toCliWording({ text, option }: { text: string; option: string | undefined }): string {
  let result = text;
  const name = option === undefined ? undefined : cliNameOf({ option });
  if (option !== undefined && name !== undefined) result = result.replace(new RegExp(`(?<![\\w.$-])${escapeRegExp(option)}(?![\\w$-])`, 'g'), name);
  for (const [library, command] of LIBRARY_COMMANDS) result = result.replaceAll(library, command);
  return result;
}
