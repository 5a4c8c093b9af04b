import { ZhimaError } from '../errors/zhima-error.js';
import { unsupportedCharset } from './unsupported-charset.js';

// GBK code per UTF-16 code unit (0 = not encodable). Derived from the runtime's own WHATWG GBK
// decoder on first use, so the package ships no 20k-entry table and agrees with the decoder exactly.
let gbkTable: Uint16Array | undefined;

function buildTable(): Uint16Array {
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder('gbk', { fatal: false });
  } catch (cause) {
    throw unsupportedCharset('gbk', cause);
  }
  const table = new Uint16Array(0x10000);
  // Two-byte codes only. Runtime decoders read the lone byte 0x80 as € (Windows code page 936), but it
  // is not GBK: the validator refuses it, so € has no code here and is refused like any other character.
  const trails: number[] = [];
  for (let trail = 0x40; trail <= 0xfe; trail++) if (trail !== 0x7f) trails.push(trail);
  const row = new Uint8Array(trails.length * 2);
  for (let lead = 0x81; lead <= 0xfe; lead++) {
    trails.forEach((trail, i) => {
      row[i * 2] = lead;
      row[i * 2 + 1] = trail;
    });
    const text = decoder.decode(row);
    if (text.length === trails.length && !text.includes('\ufffd')) {
      for (let i = 0; i < text.length; i++) setOnce(table, text.charCodeAt(i), (lead << 8) | trails[i]!);
    } else {
      // A row with unmapped pairs decodes out of step: take those pairs one at a time.
      for (const trail of trails) {
        const one = decoder.decode(new Uint8Array([lead, trail]));
        if (one.length === 1 && one !== '\ufffd') setOnce(table, one.charCodeAt(0), (lead << 8) | trail);
      }
    }
  }
  return table;
}

// The first (lowest) code wins, as in the WHATWG GBK encoder's index lookup.
function setOnce(table: Uint16Array, unit: number, code: number): void {
  if (table[unit] === 0) table[unit] = code;
}

function isGb2312(code: number): boolean {
  const lead = code >> 8;
  const trail = code & 0xff;
  return lead >= 0xa1 && lead <= 0xf7 && trail >= 0xa1 && trail <= 0xfe;
}

/**
 * Encodes text as GBK (or its GB2312 subset): ASCII as one byte, everything else as a two-byte code.
 * Throws `PARAM_INVALID` naming the first character that has no code, since Java's `getBytes` would turn
 * it into `?` and the data would be lost. `€` is such a character: its one-byte form 0x80 is not GBK.
 *
 * @example
 * ```ts
 * encodeGbk({ text: '中文' }); // Uint8Array [0xd6, 0xd0, 0xce, 0xc4]
 * ```
 */
export function encodeGbk({ text, gb2312Only = false }: { text: string; gb2312Only?: boolean }): Uint8Array {
  const table = (gbkTable ??= buildTable());
  const out = new Uint8Array(text.length * 2);
  let length = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) {
      out[length++] = unit;
      continue;
    }
    const code = table[unit]!;
    if (code === 0 || (gb2312Only && !isGb2312(code))) {
      const point = text.codePointAt(i)!;
      throw new ZhimaError({
        code: 'PARAM_INVALID',
        message: `Character U+${point.toString(16).toUpperCase().padStart(4, '0')} at index ${i} cannot be encoded in ${gb2312Only ? 'GB2312' : 'GBK'}.`,
        hint: '请改用 utf-8，或去掉该字符 / Use utf-8, or remove the character.',
      });
    }
    out[length++] = code >> 8;
    out[length++] = code & 0xff;
  }
  return out.subarray(0, length);
}
