import { base64ToBytes, bytesToBase64 } from '../encoding/base64.js';

/** One PEM block: its label (`RSA PRIVATE KEY`, `CERTIFICATE`, …), headers and DER bytes. */
export interface PemBlock {
  label: string;
  encrypted: boolean;
  der: Uint8Array;
}

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

/** Every PEM block in the text, in order. Returns `[]` when there is none. */
export function readPemBlocks(text: string): PemBlock[] {
  return Array.from(text.matchAll(BLOCK), ([, label, body]) => {
    // RFC 1421 headers ("Proc-Type: 4,ENCRYPTED") sit before a blank line; base64 lines have no colon.
    const lines = body!.split(/\r?\n/);
    const encrypted = label === 'ENCRYPTED PRIVATE KEY' || lines.some((line) => /^Proc-Type:.*ENCRYPTED/i.test(line));
    const base64 = lines.filter((line) => !line.includes(':')).join('');
    return { label: label!, encrypted, der: base64ToBytes({ text: base64 }) };
  });
}

/**
 * Wraps DER bytes as PEM with 64-character lines.
 *
 * @example
 * ```ts
 * toPem({ label: 'PUBLIC KEY', der: spkiBytes });
 * ```
 */
export function toPem({ label, der }: { label: string; der: Uint8Array }): string {
  const lines = bytesToBase64({ bytes: der }).match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
