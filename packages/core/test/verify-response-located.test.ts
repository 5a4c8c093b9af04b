// Where verifyResponse finds the signed bytes, held to an oracle that cannot be wrong: each answer here is
// assembled from pieces, so the test knows the node's exact text, signs its bytes with node:crypto
// (iconv-lite for GBK) and expects the verification to pass, and to fail once one byte inside it changes.
import iconv from 'iconv-lite';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { verifyResponse, ZhimaError } from '../src/index.js';
import { makeKeyFixture } from './fixtures/keys.js';
import { oracleSign } from './fixtures/oracle.js';
import { rejectionOf } from './fixtures/caught.js';

const alipay = makeKeyFixture();
const alipayPublicKey = alipay.publicKeys['spki-base64'];
const method = 'zhima.data.batch.feedback';
const METHOD_NODE = 'zhima_data_batch_feedback_response';

type Charset = 'utf-8' | 'gbk';
// Characters both charsets hold, and ones only UTF-8 holds; JSON's specials and the Java SDK's `\/`.
const COMMON = ['a', 'Z', '0', ' ', '中', '文', '张', 'é', '}', '{', ']', '[', '"', '\\', '/', ',', ':', '\n', '\u0001'];
const UTF8_ONLY = ['😀', '\u2028', 'ß', '\u00a0'];

const text = (charset: Charset) => fc.array(fc.constantFrom(...COMMON, ...(charset === 'utf-8' ? UTF8_ONLY : [])), { maxLength: 12 }).map((chars) => chars.join(''));
const json = (charset: Charset) =>
  fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      text(charset),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.array(tie('value'), { maxLength: 3 }),
      fc.dictionary(fc.constantFrom('sign', 'code', 'msg', 'sub_msg', 'x', '中'), tie('value'), { maxKeys: 3 }),
    ),
  })).value;

interface Layout {
  charset: Charset;
  errorNode: boolean;
  answer: Record<string, unknown>;
  indent: 0 | 2 | '\t';
  escapeNonAscii: boolean;
  escapeSlashes: boolean;
  extras: [string, unknown][];
  signFirst: boolean;
  space: string;
  bom: boolean;
  asText: boolean;
}

const layout: fc.Arbitrary<Layout> = fc.constantFrom<Charset>('utf-8', 'gbk').chain((charset) =>
  fc.record({
    charset: fc.constant(charset),
    errorNode: fc.boolean(),
    answer: fc.tuple(fc.constantFrom('10000', '40004', '20000'), fc.dictionary(fc.constantFrom('msg', 'sub_code', 'sub_msg', 'sign', 'nested'), json(charset), { maxKeys: 4 })).map(([code, rest]) => ({ ...rest, code })),
    indent: fc.constantFrom<0 | 2 | '\t'>(0, 2, '\t'),
    escapeNonAscii: fc.boolean(),
    escapeSlashes: fc.boolean(),
    extras: fc.array(fc.tuple(fc.constantFrom('trace', 'zhima_other_response', 'msg', 'x'), json(charset)), { maxLength: 3 }).map((pairs) => [...new Map(pairs)]),
    signFirst: fc.boolean(),
    space: fc.constantFrom('', ' ', '\n  ', '\t', '\r\n'),
    bom: fc.boolean(),
    asText: fc.boolean(),
  }),
);

// JSON text of a value in one of the ways a server may write it: indented or not, non-ASCII as \u escapes
// or as it is, `/` as `\/` or as it is. All of them parse back to the value.
function writeJson(value: unknown, { indent, escapeNonAscii, escapeSlashes }: Pick<Layout, 'indent' | 'escapeNonAscii' | 'escapeSlashes'>): string {
  let written = JSON.stringify(value, null, indent);
  if (escapeNonAscii) written = written.replace(/[^\u0000-\u007f]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (escapeSlashes) written = written.replaceAll('/', '\\/');
  return written;
}

function assemble(shape: Layout): { body: string | Uint8Array; nodeText: string; nodeName: string; nodeOffset: number } {
  const nodeName = shape.errorNode ? 'error_response' : METHOD_NODE;
  const nodeText = writeJson(shape.answer, shape);
  const sign = oracleSign(nodeText, alipay.privateKeyObject, 'RSA2', shape.charset);
  const members: [string, string][] = [[nodeName, nodeText], ...shape.extras.map(([key, value]): [string, string] => [key, writeJson(value, shape)])];
  members.splice(shape.signFirst ? 0 : members.length, 0, ['sign', JSON.stringify(sign)]);
  const s = shape.space;
  let textBody = `${s}{${s}`;
  let nodeOffset = -1;
  members.forEach(([key, value], i) => {
    textBody += `${i === 0 ? '' : `,${s}`}${JSON.stringify(key)}${s}:${s}`;
    if (key === nodeName) nodeOffset = textBody.length;
    textBody += value;
  });
  textBody += `${s}}${s}`;
  if (shape.asText) return { body: textBody, nodeText, nodeName, nodeOffset };
  const bytes = shape.charset === 'gbk' ? iconv.encode(textBody, 'gbk') : Buffer.concat([Buffer.from(shape.bom ? [0xef, 0xbb, 0xbf] : []), Buffer.from(textBody, 'utf8')]);
  return { body: new Uint8Array(bytes), nodeText, nodeName, nodeOffset };
}

// The answer with one character inside the node's text changed: the code's first digit.
function tamperNode(body: string | Uint8Array, nodeText: string, nodeOffset: number, charset: Charset): string | Uint8Array {
  const textBody = typeof body === 'string' ? body : charset === 'gbk' ? iconv.decode(Buffer.from(body), 'gbk') : new TextDecoder().decode(body);
  const codeAt = nodeOffset + nodeText.search(/"code":\s*"\d/);
  const digit = textBody.indexOf('"', textBody.indexOf(':', codeAt + 6)) + 1;
  const changed = textBody.slice(0, digit) + (textBody[digit] === '9' ? '8' : '9') + textBody.slice(digit + 1);
  if (typeof body === 'string') return changed;
  const prefix = charset === 'utf-8' && body[0] === 0xef ? [0xef, 0xbb, 0xbf] : [];
  return new Uint8Array(Buffer.concat([Buffer.from(prefix), charset === 'gbk' ? iconv.encode(changed, 'gbk') : Buffer.from(changed, 'utf8')]));
}

describe('verifyResponse locates the signed node byte for byte', () => {
  it('in answers of every layout (sign before or after, the error node, nesting, escapes, white space, GBK, a UTF-8 BOM, bytes or text), and rejects the same answer with one digit of the node changed', async () => {
    await fc.assert(
      fc.asyncProperty(layout, async (shape) => {
        const { body, nodeText, nodeName, nodeOffset } = assemble(shape);
        const result = await verifyResponse({ body, method, alipayPublicKey, charset: shape.charset });
        expect(result).toMatchObject({ verified: true, node: nodeName });
        expect(result.response).toEqual(JSON.parse(nodeText));
        const caught = await rejectionOf(verifyResponse({ body: tamperNode(body, nodeText, nodeOffset, shape.charset), method, alipayPublicKey, charset: shape.charset }));
        expect(ZhimaError.isInstance(caught) && caught.code).toBe('SIGNATURE_INVALID');
      }),
      { numRuns: 250 },
    );
  });
});
