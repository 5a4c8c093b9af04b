import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { ZhimaError } from '../src/index.js';
import { decodeText, encodeText, normalizeCharset } from '../src/internal.js';
import { thrownBy } from './fixtures/caught.js';

describe('GBK encoding agrees with iconv-lite', () => {
  it('for every CJK unified ideograph in GBK (U+4E00–U+9FA5)', () => {
    let text = '';
    for (let point = 0x4e00; point <= 0x9fa5; point++) text += String.fromCharCode(point);
    expect(Buffer.from(encodeText({ text, charset: 'gbk' }))).toEqual(iconv.encode(text, 'gbk'));
  });

  it('for full-width punctuation and Latin', () => {
    const text = '，。、；：？！“”‘’（）【】《》—…·￥ABCabc123 {"records":[]}';
    expect(Buffer.from(encodeText({ text, charset: 'gbk' }))).toEqual(iconv.encode(text, 'gbk'));
  });

  it('every character it encodes, across the whole BMP, becomes a two-byte code that decodes back; the rest are refused, never a silent "?"', () => {
    let accepted = 0;
    for (let unit = 0x80; unit <= 0xffff; unit++) {
      if (unit >= 0xd800 && unit <= 0xdfff) continue;
      const text = String.fromCharCode(unit);
      let bytes: Uint8Array;
      try {
        bytes = encodeText({ text, charset: 'gbk' });
      } catch (error) {
        expect(ZhimaError.isInstance(error, 'PARAM_INVALID')).toBe(true);
        continue;
      }
      accepted++;
      // Two bytes, a lead 0x81–0xFE and a trail 0x40–0xFE (not 0x7F), that decode back strictly.
      expect(bytes).toHaveLength(2);
      expect(bytes[0]! >= 0x81 && bytes[0]! <= 0xfe && bytes[1]! >= 0x40 && bytes[1]! <= 0xfe && bytes[1] !== 0x7f).toBe(true);
      expect(new TextDecoder('gbk', { fatal: true }).decode(bytes)).toBe(text);
    }
    expect(accepted).toBeGreaterThan(21_000);
  });
});

describe('the euro sign', () => {
  it('is refused: its only GBK-ish byte, 0x80, is not GBK (the validator rejects it)', () => {
    expect(iconv.encode('€', 'gbk')).toEqual(Buffer.of(0x80));
    const error = thrownBy(() => encodeText({ text: '价格€5', charset: 'gbk' }));
    expect(ZhimaError.isInstance(error, 'PARAM_INVALID')).toBe(true);
    expect((error as Error).message).toMatch(/U\+20AC at index 2 cannot be encoded in GBK/);
  });

  it('and 0x80 does not decode as GBK', () => {
    expect(() => decodeText({ bytes: Uint8Array.of(0x80), charset: 'gbk' })).toThrow(/not valid gbk/);
  });

  it('round-trips through the GBK decoder', () => {
    const text = '张三 李四 王五 芝麻信用 批量数据反馈';
    expect(decodeText({ bytes: encodeText({ text, charset: 'GBK' }), charset: 'gbk' })).toBe(text);
  });
});

describe('charset handling', () => {
  it('gb2312 rejects GBK-only characters rather than turning them into "?"', () => {
    // 镕 (U+9555) is in GBK but not in GB2312.
    expect(Buffer.from(encodeText({ text: '镕', charset: 'gbk' }))).toEqual(iconv.encode('镕', 'gbk'));
    expect(() => encodeText({ text: '镕', charset: 'gb2312' })).toThrow(/GB2312/);
    expect(Buffer.from(encodeText({ text: '中文', charset: 'gb2312' }))).toEqual(iconv.encode('中文', 'gb2312'));
  });

  it('names the first unencodable character', () => {
    expect(() => encodeText({ text: 'ab😀', charset: 'gbk' })).toThrow(/U\+1F600 at index 2/);
  });

  it('normalises spellings and refuses unknown charsets with PARAM_INVALID', () => {
    expect(normalizeCharset({ charset: ' UTF8 ' })).toBe('utf-8');
    expect(normalizeCharset({ charset: 'GB2312' })).toBe('gb2312');
    expect(ZhimaError.isInstance(thrownBy(() => normalizeCharset({ charset: 'latin1' })), 'PARAM_INVALID')).toBe(true);
  });

  it('decodeText fails on malformed bytes instead of inserting U+FFFD', () => {
    expect(() => decodeText({ bytes: Uint8Array.of(0xd5), charset: 'gbk' })).toThrow(/not valid gbk/);
    expect(() => decodeText({ bytes: Uint8Array.of(0xff, 0xfe), charset: 'utf-8' })).toThrow(/not valid utf-8/);
  });
});

describe('decodeText GBK strictness', () => {
  it.each([
    ['FF FF (ICU maps it to a private-use character)', [0xff, 0xff]],
    ['a lone lead byte', [0x81]],
    ['a lead byte before ASCII', [0x81, 0x20]],
  ])('rejects %s', (_name, bytes) => {
    expect(() => decodeText({ bytes: Uint8Array.from(bytes), charset: 'gbk' })).toThrow(/not valid gbk/);
  });
});
