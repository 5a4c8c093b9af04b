import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rejection } from '../src/gateway/answers.js';
import { parseMultipart } from '../src/http/multipart.js';
import { encode, multipartBody } from './helpers/client.js';

const BOUNDARY = '----zhimaTestBoundary7MA4YWxk';

function subMsgOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(Rejection);
    expect((error as Rejection).answer).toMatchObject({ code: '40002', sub_code: 'isv.malformed-multipart' });
    return (error as Rejection).answer.sub_msg!;
  }
  throw new Error('expected a rejection');
}

describe('parseMultipart', () => {
  it('reads text and file parts the way a hand-built body holds them', () => {
    const file = Buffer.from('{"records":[]}\r\n--not-the-boundary\r\n');
    const body = multipartBody({ fields: { columns: 'a,b', memo: '' }, files: [{ name: 'file', filename: 'records.json', content: file }], boundary: BOUNDARY, charset: 'utf-8', javaStyle: false });
    const parts = parseMultipart({ body, boundary: BOUNDARY, charset: 'utf-8' });
    expect(parts.map((part) => [part.name, part.filename, Buffer.from(part.body).toString()])).toEqual([
      ['columns', undefined, 'a,b'],
      ['memo', undefined, ''],
      ['file', 'records.json', file.toString()],
    ]);
  });

  it('keeps a quoted filename with ";" and escaped quotes whole', () => {
    const body = Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="a;b\\"c.json"\r\n\r\nX\r\n--${BOUNDARY}--`);
    expect(parseMultipart({ body, boundary: BOUNDARY, charset: 'utf-8' })[0]).toMatchObject({ name: 'file', filename: 'a;b"c.json' });
  });

  it('tolerates a preamble, an epilogue, bare LF line ends and a part charset', () => {
    const body = Buffer.concat([
      Buffer.from(`preamble\r\n--${BOUNDARY}\nContent-Disposition: form-data; name="a"\nContent-Type: text/plain; charset=GBK\n\n`),
      encode('张三', 'gbk'),
      Buffer.from(`\n--${BOUNDARY}--\r\nepilogue`),
    ]);
    const [part] = parseMultipart({ body, boundary: BOUNDARY, charset: 'utf-8' });
    expect(part).toMatchObject({ name: 'a', charset: 'GBK', contentType: 'text/plain' });
    expect(Buffer.from(part!.body)).toEqual(encode('张三', 'gbk'));
  });

  it('keeps the file bytes exact, CR and LF included', () => {
    const content = Buffer.from([0x0d, 0x0a, 0x2d, 0x2d, 0x00, 0xff, 0x0d]);
    const body = multipartBody({ fields: {}, files: [{ name: 'file', filename: 'f', content }], boundary: BOUNDARY, charset: 'utf-8', javaStyle: false });
    expect(Buffer.from(parseMultipart({ body, boundary: BOUNDARY, charset: 'utf-8' })[0]!.body)).toEqual(content);
  });

  it.each([
    ['no boundary in the body', 'just text', /never occurs/],
    ['a truncated body', `--${BOUNDARY}\r\nContent-Disposition: form-data; name="a"\r\n\r\nvalue`, /closing boundary is missing/],
    ['a truncated header block', `--${BOUNDARY}\r\nContent-Disposition: form-data; name="a"`, /unterminated/],
    ['a part without Content-Disposition', `--${BOUNDARY}\r\nContent-Type: text/plain\r\n\r\nv\r\n--${BOUNDARY}--`, /no Content-Disposition/],
    ['a part without a name', `--${BOUNDARY}\r\nContent-Disposition: form-data; filename="x"\r\n\r\nv\r\n--${BOUNDARY}--`, /with a name/],
    ['a boundary glued to the data', `--${BOUNDARY}garbage`, /line break/],
  ])('rejects %s with a reason', (_label, text, reason) => {
    expect(subMsgOf(() => parseMultipart({ body: Buffer.from(text), boundary: BOUNDARY, charset: 'utf-8' }))).toMatch(reason);
  });

  it('rejects an empty boundary and bodies with too many parts', () => {
    expect(subMsgOf(() => parseMultipart({ body: Buffer.from('x'), boundary: '', charset: 'utf-8' }))).toMatch(/boundary/);
    const fields = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`f${i}`, 'v']));
    const body = multipartBody({ fields, files: [], boundary: BOUNDARY, charset: 'utf-8', javaStyle: false });
    expect(subMsgOf(() => parseMultipart({ body, boundary: BOUNDARY, charset: 'utf-8' }))).toMatch(/more than 256 parts/);
  });

  it('answers arbitrary bytes with parts or a rejection, never another error', () => {
    const valid = multipartBody({ fields: { a: '1', b: '中' }, files: [{ name: 'file', filename: 'f', content: Buffer.from('{}') }], boundary: BOUNDARY, charset: 'utf-8', javaStyle: false });
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.nat({ max: valid.length }), fc.nat({ max: valid.length }), (noise, cut, at) => {
        const mutated = Buffer.concat([valid.subarray(0, at), Buffer.from(noise), valid.subarray(Math.max(at, cut))]);
        try {
          const parts = parseMultipart({ body: mutated, boundary: BOUNDARY, charset: 'utf-8' });
          expect(Array.isArray(parts)).toBe(true);
        } catch (error) {
          expect(error).toBeInstanceOf(Rejection);
        }
      }),
      { numRuns: 500 },
    );
  });
});
