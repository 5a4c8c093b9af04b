import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { verifyResponse } from '@zhima/core';
import { BATCH_FEEDBACK_METHOD } from '@zhima/core/internal';
import { COMMON_OPTIONS, GATEWAY_OPTIONS, parseCommandArgs } from '../args.js';
import { loadConfigFile } from '../config/config-file.js';
import { firstDefined, PUBLIC_KEY_HINT, resolveAlipayPublicKey, resolveEncoding } from '../config/gateway-config.js';
import { EXIT, type CliIo } from '../io.js';
import { readKeyFile } from '../keys/read-key-file.js';
import { UsageError } from '../usage-error.js';

/**
 * `zhima verify-response --help`.
 *
 * @example
 * ```ts
 * io.stdout.write(VERIFY_RESPONSE_USAGE);
 * ```
 */
export const VERIFY_RESPONSE_USAGE = `Usage: zhima verify-response <file> [--method name] [--alipay-public-key-file file] [--sign-type RSA2|RSA] [--request-charset utf-8|gbk]

Checks a saved gateway answer the way the Java SDK does: the signature over the answer node's raw
text with the Alipay public key (支付宝公钥), a repeated node rejected as a forgery. An unsigned
error_response is legitimate and reported as unverified. Exit 0 when the answer is authentic, 1 when not.

Options:
  --method <name>        the API called (default zhima.data.batch.feedback)
  --alipay-public-key-file <file>   default ZHIMA_ALIPAY_PUBLIC_KEY_FILE
  --alipay-cert-file <file>         certificate mode: alipayCertPublicKey_RSA2.crt (ZHIMA_ALIPAY_CERT_FILE)
  --sign-type RSA2|RSA   default RSA2
  --request-charset <name>  the request charset, which is the answer's (default utf-8)
  --config <file>        config file (default ./zhima.config.json)
  -h, --help             this help

Example:
  zhima verify-response answer.json --alipay-public-key-file alipay_public_key.pem
`;

const OPTIONS = { ...COMMON_OPTIONS, ...GATEWAY_OPTIONS, method: { type: 'string' } } as const;

/**
 * `zhima verify-response`: verifies a saved answer with core's `verifyResponse`; resolves to the exit code.
 *
 * @example
 * ```ts
 * await verifyResponseCommand({ args: ['answer.json', '--alipay-public-key-file', 'alipay.pem'], io });
 * ```
 */
export async function verifyResponseCommand({ args, io }: { args: string[]; io: CliIo }): Promise<number> {
  const { values, positionals } = parseCommandArgs({ args, options: OPTIONS, usage: VERIFY_RESPONSE_USAGE });
  if (values.help) {
    io.stdout.write(VERIFY_RESPONSE_USAGE);
    return EXIT.OK;
  }
  if (positionals.length !== 1) throw new UsageError({ message: 'Give exactly one saved answer file.', hint: VERIFY_RESPONSE_USAGE });
  const file = await loadConfigFile({ path: values.config, io });
  const alipayCertificate = firstDefined(values['alipay-cert-file'], io.env.ZHIMA_ALIPAY_CERT_FILE, file.alipayCertFile);
  const key =
    alipayCertificate === undefined
      ? { alipayPublicKey: await resolveAlipayPublicKey({ flags: values, file, io }) }
      : { alipayCertificates: await readKeyFile({ path: resolve(io.cwd, alipayCertificate), what: 'Alipay certificate', shownAs: alipayCertificate }) };
  if (key.alipayPublicKey === undefined && key.alipayCertificates === undefined) throw new UsageError({ message: 'No Alipay public key to verify with.', hint: PUBLIC_KEY_HINT });
  const { signType, charset } = resolveEncoding({ flags: values, file, io });
  const body = new Uint8Array(await readFile(resolve(io.cwd, positionals[0]!)).catch(() => {
    throw new UsageError({ message: `Cannot read ${positionals[0]}.` });
  }));
  const method = values.method ?? BATCH_FEEDBACK_METHOD;
  const result = await verifyResponse(
    key.alipayCertificates === undefined ? { body, method, signType, charset, alipayPublicKey: key.alipayPublicKey! } : { body, method, signType, charset, alipayCertificates: key.alipayCertificates },
  );
  const { code, msg, sub_code: subCode, sub_msg: subMsg } = result.response;
  io.stdout.write(
    `${result.verified ? 'verified: the signature is valid' : 'unverified: an unsigned error answer (legitimate for gateway-level errors)'}\n` +
      `node: ${result.node}\ncode: ${String(code)} ${String(msg)}${subCode === undefined ? '' : `\nsub_code: ${String(subCode)} ${String(subMsg ?? '')}`}\n` +
      `response: ${JSON.stringify(result.response)}\n`,
  );
  return EXIT.OK;
}
