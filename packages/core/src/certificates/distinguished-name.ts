import { TAG, decodeOid, readChildren, type DerElement } from '../crypto/der.js';

// The attribute keywords RFC 2253 defines; Java's X500Principal.getName() prints every other
// attribute (emailAddress included) as `<oid>=#<hex DER>`, and the SN hashes that exact text.
const KEYWORDS: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.9': 'STREET',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '0.9.2342.19200300.100.1.1': 'UID',
  '0.9.2342.19200300.100.1.25': 'DC',
};

const STRING_TAGS = { UTF8: 0x0c, PRINTABLE: 0x13, TELETEX: 0x14, IA5: 0x16, UNIVERSAL: 0x1c, BMP: 0x1e } as const;

function decodeString(value: DerElement): string | undefined {
  switch (value.tag) {
    case STRING_TAGS.UTF8:
      return new TextDecoder('utf-8', { fatal: true }).decode(value.content);
    case STRING_TAGS.PRINTABLE:
    case STRING_TAGS.IA5:
    case STRING_TAGS.TELETEX:
      return String.fromCharCode(...value.content);
    case STRING_TAGS.BMP:
      return new TextDecoder('utf-16be').decode(value.content);
    case STRING_TAGS.UNIVERSAL: {
      const view = new DataView(value.content.buffer, value.content.byteOffset, value.content.byteLength);
      return Array.from({ length: value.content.length / 4 }, (_, i) => String.fromCodePoint(view.getUint32(i * 4))).join('');
    }
    default:
      return undefined;
  }
}

function escapeValue(text: string): string {
  return text
    .replace(/[,+"\\<>;]/g, (char) => `\\${char}`)
    .replace(/^[ #]/, (char) => `\\${char}`)
    .replace(/ $/, '\\ ');
}

const hex = (bytes: Uint8Array): string => Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');

function formatAttribute(attribute: DerElement): string {
  const [type, value] = readChildren(attribute);
  if (type?.tag !== TAG.OID || value === undefined) throw new Error('malformed distinguished name attribute');
  const oid = decodeOid(type.content);
  const keyword = KEYWORDS[oid];
  const text = keyword === undefined ? undefined : decodeString(value);
  return text === undefined ? `${oid}=#${hex(value.raw)}` : `${keyword}=${escapeValue(text)}`;
}

/**
 * A DER Name as RFC 2253 text, the way Java's `X500Principal.getName()` prints it: RDNs in reverse
 * order joined by `,`, multi-valued RDNs joined by `+`.
 *
 * @example
 * ```ts
 * formatRfc2253({ name: readCertificate(der).issuer }); // 'CN=Ant Financial Certification Authority Class 2 R1,OU=…,O=Ant Financial,C=CN'
 * ```
 */
export function formatRfc2253({ name }: { name: DerElement }): string {
  return readChildren(name)
    .reverse()
    .map((rdn) => readChildren(rdn).map(formatAttribute).join('+'))
    .join(',');
}
