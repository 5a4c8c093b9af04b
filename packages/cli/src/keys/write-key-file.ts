import { open } from 'node:fs/promises';

/**
 * Writes a key file with exactly `mode`, over an existing file too (`writeFile`'s `mode` applies only
 * when it creates the file, so a key rewritten over a 644 file stayed world-readable). The file is
 * truncated and its mode set before the new key is written: key material never sits under the old mode.
 * Without `overwrite`, an existing file is an `EEXIST` error and is left alone.
 *
 * @example
 * ```ts
 * await writeKeyFile({ path: 'keys/app_private_key_pkcs8.pem', text: pem, mode: 0o600, overwrite: true });
 * ```
 */
export async function writeKeyFile({ path, text, mode, overwrite }: { path: string; text: string; mode: number; overwrite: boolean }): Promise<void> {
  const handle = await open(path, overwrite ? 'w' : 'wx', mode);
  try {
    await handle.chmod(mode);
    await handle.writeFile(text);
  } finally {
    await handle.close();
  }
}
