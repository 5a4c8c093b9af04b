import type { GatewayError } from './gateway-error.js';
import type { TransportError } from './transport-error.js';
import type { UnverifiedResponseError } from './unverified-response-error.js';

/**
 * Stable error codes. Branch on these, never on messages: messages may be reworded, codes are API.
 * `GATEWAY_ERROR`, `TRANSPORT_ERROR` and `RESPONSE_UNVERIFIED` always come as their subclass
 * (`GatewayError`, `TransportError`, `UnverifiedResponseError`), with the fields it adds.
 *
 * @example
 * ```ts
 * if (ZhimaError.isInstance(err) && err.code === 'KEY_INVALID') console.error(err.hint);
 * ```
 */
export type ZhimaErrorCode =
  | 'KEY_INVALID'
  | 'CERTIFICATE_INVALID'
  | 'SIGNATURE_INVALID'
  | 'RESPONSE_MALFORMED'
  | 'RESPONSE_UNVERIFIED'
  | 'GATEWAY_ERROR'
  | 'TRANSPORT_ERROR'
  | 'PARAM_INVALID'
  | 'CHARSET_UNSUPPORTED'
  | 'DEPENDENCY_MISSING';

/**
 * The codes that belong to a subclass, which alone may carry them.
 *
 * @example
 * ```ts
 * const code: SubclassErrorCode = 'TRANSPORT_ERROR';
 * ```
 */
export type SubclassErrorCode = 'GATEWAY_ERROR' | 'TRANSPORT_ERROR' | 'RESPONSE_UNVERIFIED';

/**
 * The error a code stands for: the subclass for its three codes, `ZhimaError<Code>` for the rest. Over
 * the whole code union it is a union discriminated by `code`, so `switch (error.code)` narrows.
 *
 * @example
 * ```ts
 * const error: ZhimaErrorFor<'GATEWAY_ERROR'> = new GatewayError({ answer, verified: true, method });
 * ```
 */
export type ZhimaErrorFor<Code extends ZhimaErrorCode> = Code extends 'GATEWAY_ERROR'
  ? GatewayError
  : Code extends 'TRANSPORT_ERROR'
    ? TransportError
    : Code extends 'RESPONSE_UNVERIFIED'
      ? UnverifiedResponseError
      : ZhimaError<Code>;

// Symbol.for is shared by every copy of the package in a process (the ESM and CommonJS builds, or two
// installed versions), so `isInstance` keeps working where `instanceof` fails.
const ZHIMA_ERROR = Symbol.for('@zhima/core/ZhimaError');
const SUBCLASS_BRANDS: Readonly<Record<SubclassErrorCode, symbol>> = {
  GATEWAY_ERROR: Symbol.for('@zhima/core/GatewayError'),
  TRANSPORT_ERROR: Symbol.for('@zhima/core/TransportError'),
  RESPONSE_UNVERIFIED: Symbol.for('@zhima/core/UnverifiedResponseError'),
};

/**
 * @internal Held only by the subclasses (never exported from an entry point): the base constructor
 * refuses a subclass code without it, so `new ZhimaError({ code: 'TRANSPORT_ERROR' })` cannot pass for
 * a `TransportError` that lacks `reason` and `retryable`.
 */
export const SUBCLASS: unique symbol = Symbol('@zhima/core subclass');

// Said when a thrower had nothing sharper: every ZhimaError carries a hint.
const DEFAULT_HINTS: Readonly<Record<ZhimaErrorCode, string>> = {
  KEY_INVALID: '请检查密钥：privateKey 为应用私钥，alipayPublicKey 为支付宝公钥 / Check the key: privateKey is the app private key, alipayPublicKey the Alipay public key.',
  CERTIFICATE_INVALID: '请使用开放平台下载的 .crt 证书原文 / Use the .crt files from the Alipay console, as PEM text.',
  SIGNATURE_INVALID: '请确认 alipayPublicKey 是支付宝公钥，signType/charset 与请求一致 / Check that alipayPublicKey is the Alipay public key and signType/charset match the request.',
  RESPONSE_MALFORMED: '请检查网关地址与代理 / Check the gateway URL and any proxy on the way.',
  RESPONSE_UNVERIFIED: '网关可能已收下数据，按未确认处理 / The gateway may have stored the data: record it as unverified.',
  GATEWAY_ERROR: '见 sub_code 与 sub_msg / See sub_code and sub_msg.',
  TRANSPORT_ERROR: '请检查网络与网关地址后重试 / Check the network and the gateway URL, then retry.',
  PARAM_INVALID: '请按报错修正该参数 / Fix the value the message names.',
  CHARSET_UNSUPPORTED: '请改用 utf-8 / Use utf-8.',
  DEPENDENCY_MISSING: '请安装报错中的依赖包 / Install the package the message names.',
};

/**
 * Options every {@link ZhimaError} is built from. The three subclass codes are not accepted here:
 * build a `GatewayError`, `TransportError` or `UnverifiedResponseError`.
 *
 * @example
 * ```ts
 * new ZhimaError({ code: 'PARAM_INVALID', message: 'records must be a count', hint: 'Pass records.length.' });
 * ```
 */
export type ZhimaErrorOptions<Code extends ZhimaErrorCode = ZhimaErrorCode> = {
  code: Code;
  message: string;
  /** What to do about it, in Chinese and English. A default for the code when left out. */
  hint?: string | undefined;
  /**
   * The setting the hint asks to change, as the library spells it (`retry.deadlineMs`,
   * `alipayPublicKey`, `fileCharset`, …), so a front end can name its own flag for it.
   */
  option?: string | undefined;
  cause?: unknown;
} & (Code extends SubclassErrorCode ? { [SUBCLASS]: true } : unknown);

function isSubclassCode(code: ZhimaErrorCode): code is SubclassErrorCode {
  return Object.hasOwn(SUBCLASS_BRANDS, code);
}

/**
 * The one error type the SDK throws, with a stable `code`, a `hint` (what to do, in Chinese and
 * English) and the underlying `cause`. `GatewayError`, `TransportError` and `UnverifiedResponseError`
 * add fields for their codes.
 *
 * @example
 * ```ts
 * try {
 *   await client.batchFeedback({ file, columns, primaryKeyColumns, records });
 * } catch (err) {
 *   if (ZhimaError.isInstance(err)) console.error(err.code, err.message, err.hint);
 * }
 * ```
 */
export class ZhimaError<Code extends ZhimaErrorCode = ZhimaErrorCode> extends Error {
  readonly code: Code;
  readonly hint: string;
  /**
   * The setting to change, as the library spells it (`retry.deadlineMs`, `timeoutMs`, `gateway`,
   * `alipayPublicKey`, `fileCharset`, `records`, …), when the hint asks to change one: a command line
   * shows its own flag for it instead of the library's name. `undefined` when no one setting is at fault.
   */
  readonly option: string | undefined;

  constructor(options: ZhimaErrorOptions<Code>) {
    const { code, message, hint, option, cause } = options;
    const subclass = isSubclassCode(code);
    if (subclass && (options as { [SUBCLASS]?: true })[SUBCLASS] !== true) {
      const name = { GATEWAY_ERROR: 'GatewayError', TRANSPORT_ERROR: 'TransportError', RESPONSE_UNVERIFIED: 'UnverifiedResponseError' }[code];
      throw new ZhimaError({
        code: 'PARAM_INVALID',
        message: `new ZhimaError({ code: '${code}' }) is refused: that code belongs to ${name}, which carries the fields it promises.`,
        hint: `Construct a ${name} instead.`,
      });
    }
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'ZhimaError';
    this.code = code;
    this.hint = hint ?? DEFAULT_HINTS[code];
    this.option = option;
    Object.defineProperty(this, ZHIMA_ERROR, { value: true });
    if (subclass) Object.defineProperty(this, SUBCLASS_BRANDS[code], { value: true });
  }

  /**
   * `instanceof` that also recognises errors from another copy of `@zhima/core` (the other build, a
   * second installed version). With a code, it narrows to the error of that code, subclass fields
   * included; without one, to the union of every error, discriminated by `code`.
   *
   * @example
   * ```ts
   * if (ZhimaError.isInstance(err, 'TRANSPORT_ERROR')) console.log(err.reason, err.retryable);
   * if (ZhimaError.isInstance(err) && err.code === 'GATEWAY_ERROR') console.log(err.subCode);
   * ```
   */
  static isInstance<C extends ZhimaErrorCode = ZhimaErrorCode>(value: unknown, code?: C): value is ZhimaErrorFor<C> {
    if (typeof value !== 'object' || value === null) return false;
    const branded = value as Record<symbol, unknown> & { code?: unknown };
    if (branded[ZHIMA_ERROR] !== true) return false;
    if (code !== undefined && branded.code !== code) return false;
    // A subclass code is only ever the subclass's: a look-alike without its brand is not one.
    const found = branded.code as ZhimaErrorCode;
    return !isSubclassCode(found) || branded[SUBCLASS_BRANDS[found]] === true;
  }
}
