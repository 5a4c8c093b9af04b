import { importPrivateKey, signContent } from '@zhima/core';
import { buildSignContent, decodeText, type Charset } from '@zhima/core/internal';
import { COMMON_OPTIONS, GATEWAY_OPTIONS, parseCommandArgs } from '../args.js';
import { loadConfigFile } from '../config/config-file.js';
import { resolveEncoding, resolvePrivateKey } from '../config/gateway-config.js';
import { EXIT, type CliIo } from '../io.js';
import { UsageError } from '../usage-error.js';

/**
 * `zhima sign --help`.
 *
 * @example
 * ```ts
 * io.stdout.write(SIGN_USAGE);
 * ```
 */
export const SIGN_USAGE = `Usage: zhima sign [--url <request URL>] [--param key=value …] [--sign-type RSA2|RSA] [--request-charset utf-8|gbk]

Prints the sign content (the gateway rule: every param except sign and file params, empty values
dropped, sorted by key, joined as k=v&k=v without URL-encoding) and its signature with your private key.
When the gateway answers isv.invalid-signature, compare this with the params of the failing request.
Give the params exactly as sent, sign_type and charset included. The private key comes from
ZHIMA_PRIVATE_KEY_FILE, ZHIMA_PRIVATE_KEY, --private-key-file or zhima.config.json; it is never printed.

With --url (the request URL from your logs), its query params are signed and its sign is compared
with the signature made here (exit 1 when they differ); add the body's text params with --param.

Options:
  --url <url>            a request URL whose query params (public params and sign) to use
  --param <k=v>          a request param; repeat for each
  --sign-type RSA2|RSA   the hash: SHA-256 (RSA2, default) or SHA-1 (RSA)
  --request-charset <name>  the request charset (the charset param) the content is encoded in
                         (default utf-8; ZHIMA_REQUEST_CHARSET, "requestCharset")
  --private-key-file <file>
  --config <file>        config file (default ./zhima.config.json)
  -h, --help             this help

Example:
  zhima sign --param app_id=2021000000000001 --param method=zhima.data.batch.feedback \\
    --param charset=utf-8 --param sign_type=RSA2 --param "timestamp=2024-01-02 03:04:05" --param version=1.0
`;

const OPTIONS = { ...COMMON_OPTIONS, ...GATEWAY_OPTIONS, param: { type: 'string', multiple: true }, url: { type: 'string' } } as const;

/**
 * Reads the params of a request URL's query, percent-decoded in the request charset (`+` is a space).
 *
 * @example
 * ```ts
 * parseQuery({ url: 'https://openapi.alipay.com/gateway.do?app_id=2021000000000001&timestamp=2024-01-02+03%3A04%3A05', charset: 'utf-8' });
 * // { app_id: '2021000000000001', timestamp: '2024-01-02 03:04:05' }
 * ```
 */
export function parseQuery({ url, charset }: { url: string; charset: Charset }): Record<string, string> {
  const query = url.includes('?') ? url.slice(url.indexOf('?') + 1) : url;
  const decode = (text: string) => {
    const bytes: number[] = [];
    const plain = text.replaceAll('+', ' ');
    for (let i = 0; i < plain.length; i++) {
      if (plain[i] === '%' && /^[0-9a-fA-F]{2}$/.test(plain.slice(i + 1, i + 3))) {
        bytes.push(parseInt(plain.slice(i + 1, i + 3), 16));
        i += 2;
      } else {
        bytes.push(...new TextEncoder().encode(plain[i]!));
      }
    }
    return decodeText({ bytes: Uint8Array.from(bytes), charset });
  };
  return Object.fromEntries(
    query
      .split('&')
      .filter((pair) => pair !== '')
      .map((pair) => {
        const at = pair.indexOf('=');
        return at < 0 ? [decode(pair), ''] : [decode(pair.slice(0, at)), decode(pair.slice(at + 1))];
      }),
  );
}

/**
 * Parses `key=value` pairs; the first `=` separates (values may hold `=`).
 *
 * @example
 * ```ts
 * parseParams(['a=1', 'b=x=y']); // { a: '1', b: 'x=y' }
 * ```
 */
export function parseParams(pairs: readonly string[]): Record<string, string> {
  const params: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new UsageError({ message: `--param must look like key=value, got "${pair}".` });
    const key = pair.slice(0, at);
    if (Object.hasOwn(params, key)) throw new UsageError({ message: `--param ${key} is given twice.` });
    params[key] = pair.slice(at + 1);
  }
  return params;
}

/**
 * `zhima sign`: prints the sign content and the signature; resolves to the exit code.
 *
 * @example
 * ```ts
 * await signCommand({ args: ['--param', 'app_id=2021000000000001', '--param', 'method=zhima.data.batch.feedback'], io });
 * ```
 */
export async function signCommand({ args, io }: { args: string[]; io: CliIo }): Promise<number> {
  const { values } = parseCommandArgs({ args, options: OPTIONS, usage: SIGN_USAGE });
  if (values.help) {
    io.stdout.write(SIGN_USAGE);
    return EXIT.OK;
  }
  const sources = { flags: values, file: await loadConfigFile({ path: values.config, io }), io };
  const { signType, charset } = resolveEncoding(sources);
  const { sign: sentSign, ...fromUrl } = values.url === undefined ? {} : parseQuery({ url: values.url, charset });
  const params = { ...fromUrl, ...parseParams(values.param ?? []) };
  if (Object.keys(params).length === 0) throw new UsageError({ message: 'Give the params to sign with --url and/or --param key=value.', hint: SIGN_USAGE });
  const privateKey = await importPrivateKey({ key: await resolvePrivateKey(sources) });
  const content = buildSignContent(params);
  const signature = await signContent({ content, privateKey, signType, charset });
  for (const name of ['sign_type', 'charset'] as const) {
    if (params[name] === undefined) io.stderr.write(`note: no ${name} param; the gateway signs it too, so add --param ${name}=… as sent.\n`);
  }
  io.stdout.write(`sign content (${charset}, ${signType}):\n${content}\n\nsign:\n${signature}\n`);
  if (sentSign === undefined) return EXIT.OK;
  const same = sentSign === signature;
  io.stdout.write(
    same
      ? '\nThe sign in the URL equals this signature: the request was signed correctly with this key.\n'
      : '\nThe sign in the URL DIFFERS: it was made over other content, another charset or sign type, or another key.\n',
  );
  return same ? EXIT.OK : EXIT.FAILED;
}
