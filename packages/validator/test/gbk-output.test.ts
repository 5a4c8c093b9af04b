import { encodeText } from '@zhima/core/internal';
import { describe, expect, it } from 'vitest';
import { createRecordsFileWriter, validateRecords } from '../src/index.js';
import { firstInvalidByte } from '../src/scan/charset-bytes.js';
import { COLUMNS, PRIMARY_KEY, record } from './helpers.js';

/** Every BMP character core's GBK encoder accepts (surrogates excluded: they are not characters). */
function encodableByGbk(): string[] {
  const accepted: string[] = [];
  for (let unit = 0; unit <= 0xffff; unit++) {
    if (unit >= 0xd800 && unit <= 0xdfff) continue;
    const char = String.fromCharCode(unit);
    try {
      encodeText({ text: char, charset: 'gbk' });
      accepted.push(char);
    } catch {
      // Not GBK: refused, which the writer turns into a clear error.
    }
  }
  return accepted;
}

describe('what core writes as GBK, the validator reads as GBK', () => {
  const accepted = encodableByGbk();

  it('every character encodeText accepts, across the whole BMP, gives bytes the GBK check accepts', () => {
    expect(accepted.length).toBeGreaterThan(21_000);
    expect(accepted).not.toContain('€');
    const refused: string[] = [];
    for (const char of accepted) {
      const bytes = encodeText({ text: char, charset: 'gbk' });
      if (firstInvalidByte({ bytes, start: 0, end: bytes.length, charset: 'GBK' }) >= 0) refused.push(char);
    }
    expect(refused).toEqual([]);
  });

  it('a writer file holding every one of them (JSON escapes for the control characters) validates as GBK', async () => {
    const text = accepted.filter((char) => char !== '\u2028' && char !== '\u2029').join('');
    const records = [];
    for (let at = 0, i = 0; at < text.length; at += 500, i++) records.push(record(i, { user_name: text.slice(at, at + 500) }));
    const writer = createRecordsFileWriter({ columns: COLUMNS, primaryKeyColumns: PRIMARY_KEY, fileCharset: 'GBK' });
    for await (const file of writer.files({ records })) {
      expect(await validateRecords({ input: file.bytes, columns: COLUMNS, primaryKeyColumns: PRIMARY_KEY, fileCharset: 'GBK', records: file.records })).toMatchObject({ ok: true, issues: [] });
    }
  });
});
