import { readFile } from 'node:fs/promises';
import { UsageError } from '../usage-error.js';

/**
 * Reads a key or certificate file in any documented format: PEM and bare base64 come back as text,
 * DER as bytes (core's `importPrivateKey`, `importPublicKey` and the certificate readers take DER as
 * a `Uint8Array`). A DER file decoded as text would be garbage, so binary content is never decoded.
 *
 * @example
 * ```ts
 * const privateKey = await readKeyFile({ path: '/keys/app_private_key.der', what: 'private key' }); // Uint8Array
 * ```
 */
export async function readKeyFile({ path, what, shownAs = path }: { path: string; what: string; shownAs?: string }): Promise<string | Uint8Array> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch (error) {
    throw new UsageError({ message: `Cannot read the ${what} file ${shownAs}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.` });
  }
  // PEM and base64 are ASCII; DER (a SEQUENCE with a long length, 0x30 0x82 …) never is.
  return bytes.every((byte) => byte < 0x80) ? new TextDecoder().decode(bytes) : bytes;
}
