import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { generateKeyPair, importPrivateKey, importPublicKey, signContent, verifySignature, ZhimaError, type RsaKey } from '@zhima/core';
import { COMMON_OPTIONS, parseCommandArgs } from '../args.js';
import { EXIT, type CliIo } from '../io.js';
import { readKeyFile } from '../keys/read-key-file.js';
import { writeKeyFile } from '../keys/write-key-file.js';
import { UsageError } from '../usage-error.js';

/**
 * `zhima keys --help`.
 *
 * @example
 * ```ts
 * io.stdout.write(KEYS_USAGE);
 * ```
 */
export const KEYS_USAGE = `Usage: zhima keys generate [--out dir] [--force]
       zhima keys inspect <key file> [--public <public key file>]

generate  makes an RSA-2048 app key pair in every form asked for: the private key as PKCS#8 and
          PKCS#1, each PEM and bare base64 (Alipay's key tool prints PKCS#8 base64 for Java, PKCS#1
          for other languages), and the public key as PEM and bare base64. It prints only the public
          key: paste it into the Alipay console as the app public key (应用公钥). Private key files
          are written with mode 600 (also when --force overwrites older files) into --out (default
          ./zhima-keys), never printed.
inspect   tells a key file's format (pkcs1/pkcs8/spki/certificate, pem/base64/der), type and modulus
          length; with --public, whether the private and the public key are a pair (by signing a
          probe). Exit 1 when they are not.

Example:
  zhima keys generate --out keys
  zhima keys inspect keys/app_private_key_pkcs1.txt --public keys/app_public_key.pem
`;

const FILES = {
  privateKeyPkcs8Pem: 'app_private_key_pkcs8.pem',
  privateKeyPkcs1Pem: 'app_private_key_pkcs1.pem',
  privateKeyPkcs8Base64: 'app_private_key_pkcs8.txt',
  privateKeyPkcs1Base64: 'app_private_key_pkcs1.txt',
  publicKeyPem: 'app_public_key.pem',
  publicKeyBase64: 'app_public_key.txt',
} as const;

const OPTIONS = { ...COMMON_OPTIONS, out: { type: 'string' }, force: { type: 'boolean' }, public: { type: 'string' } } as const;

/**
 * `zhima keys generate|inspect`; resolves to the exit code.
 *
 * @example
 * ```ts
 * await keysCommand({ args: ['generate', '--out', 'keys'], io });
 * ```
 */
export async function keysCommand({ args, io }: { args: string[]; io: CliIo }): Promise<number> {
  const { values, positionals } = parseCommandArgs({ args, options: OPTIONS, usage: KEYS_USAGE });
  const [action, ...rest] = positionals;
  if (values.help || action === undefined) {
    io.stdout.write(KEYS_USAGE);
    return values.help ? EXIT.OK : EXIT.USAGE;
  }
  if (action === 'generate' && rest.length === 0) return generate({ out: resolve(io.cwd, values.out ?? 'zhima-keys'), force: values.force === true, io });
  if (action === 'inspect' && rest.length === 1) return inspect({ path: resolve(io.cwd, rest[0]!), publicPath: values.public === undefined ? undefined : resolve(io.cwd, values.public), io });
  throw new UsageError({ message: `Unknown keys command: ${positionals.join(' ')}`, hint: KEYS_USAGE });
}

async function generate({ out, force, io }: { out: string; force: boolean; io: CliIo }): Promise<number> {
  const pair = await generateKeyPair();
  await mkdir(out, { recursive: true });
  for (const [field, name] of Object.entries(FILES) as [keyof typeof FILES, string][]) {
    const isPrivate = field.startsWith('private');
    try {
      // 'wx' refuses to overwrite an existing key: losing a key registered in the console hurts.
      await writeKeyFile({ path: join(out, name), text: `${pair[field].trimEnd()}\n`, mode: isPrivate ? 0o600 : 0o644, overwrite: force });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new UsageError({ message: `${join(out, name)} already exists.`, hint: 'Choose another --out folder, or pass --force to overwrite.' });
      throw error;
    }
  }
  io.stdout.write(
    `Wrote an RSA-2048 key pair to ${out}:\n${Object.values(FILES).map((name) => `  ${name}`).join('\n')}\n\n` +
      `App public key (应用公钥) to paste into the Alipay console:\n${pair.publicKeyBase64}\n\n` +
      `Keep the private key files secret. Point the CLI at one: export ZHIMA_PRIVATE_KEY_FILE=${join(out, FILES.privateKeyPkcs8Pem)}\n`,
  );
  return EXIT.OK;
}

const readKey = (path: string) => readKeyFile({ path, what: 'key' });

async function importAny(key: string | Uint8Array): Promise<RsaKey> {
  try {
    return await importPrivateKey({ key });
  } catch (error) {
    // A public key is "the wrong role" for importPrivateKey; anything else is a real format problem.
    if (!ZhimaError.isInstance(error, 'KEY_INVALID')) throw error;
    return importPublicKey({ key }).catch(() => {
      throw error;
    });
  }
}

function describeKey(name: string, key: RsaKey): string {
  return `${name}: ${key.type} key, format ${key.format}, ${key.modulusLength}-bit modulus\n`;
}

async function inspect({ path, publicPath, io }: { path: string; publicPath: string | undefined; io: CliIo }): Promise<number> {
  const key = await importAny(await readKey(path));
  io.stdout.write(describeKey(path, key));
  if (key.modulusLength < 2048) io.stdout.write('  warning: Alipay asks for RSA-2048 keys.\n');
  if (publicPath === undefined) return EXIT.OK;
  if (key.type !== 'private') throw new UsageError({ message: `${path} is a public key; --public checks a private key against a public key.` });
  const publicKey = await importPublicKey({ key: await readKey(publicPath) });
  io.stdout.write(describeKey(publicPath, publicKey));
  const content = `zhima keys inspect probe ${Date.now()}`;
  const signature = await signContent({ content, privateKey: key as RsaKey<'private'>, signType: 'RSA2' });
  const match = await verifySignature({ content, signature, publicKey, signType: 'RSA2' });
  io.stdout.write(
    match
      ? 'match: yes, the public key verifies signatures of the private key\n'
      : 'match: NO, these keys are not a pair (is the public key the Alipay public key rather than your app public key?)\n',
  );
  return match ? EXIT.OK : EXIT.FAILED;
}
