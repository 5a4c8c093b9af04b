// Both answer readers behind `#rsa-engine` (JSON.parse plus a span walk elsewhere, the one-pass reader on
// Node) held to oracles written here: answers assembled from known pieces (so each value's span, value
// and count are known) and the same answers with one character changed, whose verdict is JSON.parse's.
// Then verifyResponse end to end on Node against JSON.parse + node:crypto, in UTF-8 and GBK.
import fc from 'fast-check';
import iconv from 'iconv-lite';
import { createVerify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { scanAnswer as portableScan, type ScannedAnswer } from '../src/response/answer-scan.js';
import { readAnswerBytes, scanAnswer as nodeScan } from '../src/node/answer-scan.js';
import { verifyResponse, ZhimaError } from '../src/index.js';
import { makeKeyFixture } from './fixtures/keys.js';
import { oracleSign, oracleVerify } from './fixtures/oracle.js';
import { rejectionOf, thrownBy } from './fixtures/caught.js';

const NODE = 'zhima_data_batch_feedback_response';
const NAMES = { method: NODE, error: 'error_response', sign: 'sign', certSn: 'alipay_cert_sn' } as const;
type Read = keyof typeof NAMES;
const READERS = [
  ['JSON.parse and a span walk (WebCrypto runtimes)', portableScan],
  ['one pass (Node)', nodeScan],
] as const;

// Characters that stress a reader: JSON's specials, escapes' first letters, unicode, astral, controls.
const CHARS = ['a', 'Z', '0', ' ', '中', 'é', '😀', '\u2028', '}', '{', ']', '[', '"', '\\', '/', ',', ':', '\n', '\t', '\u0001', '\u001f', 'u', 'n'];
const text = fc.array(fc.constantFrom(...CHARS), { maxLength: 10 }).map((chars) => chars.join(''));
const value: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    text,
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.oneof(text, fc.constantFrom('sign', 'code', NODE)), tie('value'), { maxKeys: 3 }),
  ),
})).value;
const base64 = fc.uint8Array({ maxLength: 260 }).map((bytes) => Buffer.from(bytes).toString('base64'));

// A key as a server may write it: as it is, or with some characters as \u escapes (a hidden duplicate).
const writeKey = (key: string, escaped: boolean) => (escaped ? `"${[...key].map((char, i) => (i % 2 === 0 ? `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}` : JSON.stringify(char).slice(1, -1))).join('')}"` : JSON.stringify(key));
const writeValue = (v: unknown, indent: number, escapeSlashes: boolean) => {
  const written = JSON.stringify(v, null, indent);
  return escapeSlashes ? written.replaceAll('/', '\\/') : written;
};

interface Piece {
  key: string;
  escapedKey: boolean;
  value: unknown;
}
const piece: fc.Arbitrary<Piece> = fc.record({
  key: fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...Object.values(NAMES)) },
    fc.constantFrom('trace_id', 'zhima_other_response', 'sign_type', 'x'),
    text,
  ),
  escapedKey: fc.boolean(),
  value: fc.oneof(value, base64, fc.dictionary(fc.constantFrom('code', 'msg', 'sub_msg', 'sign'), value, { maxKeys: 4 })),
});
interface Shape {
  pieces: Piece[];
  space: string;
  indent: number;
  escapeSlashes: boolean;
}
const answer: fc.Arbitrary<Shape> = fc.record({
  pieces: fc.array(piece, { maxLength: 6 }),
  space: fc.constantFrom('', ' ', '\n  ', '\t', '\r\n'),
  indent: fc.constantFrom(0, 2),
  escapeSlashes: fc.boolean(),
});

function assemble({ pieces, space, indent, escapeSlashes }: Shape) {
  let body = `${space}{${space}`;
  const spans: { key: string; start: number; end: number; value: unknown }[] = [];
  pieces.forEach(({ key, escapedKey, value: v }, i) => {
    body += `${i === 0 ? '' : `,${space}`}${writeKey(key, escapedKey)}${space}:${space}`;
    const written = writeValue(v, indent, escapeSlashes);
    spans.push({ key, start: body.length, end: body.length + written.length, value: JSON.parse(written) });
    body += written;
  });
  return { body: `${body}${space}}${space}`, spans };
}

// What a reader must say of an answer it accepts, from the oracle's pieces.
function expectedOf(spans: ReturnType<typeof assemble>['spans']) {
  const expected: Partial<Record<Read, { valueStart: number; valueEnd: number; value: unknown; count: number }>> = {};
  for (const read of Object.keys(NAMES) as Read[]) {
    const found = spans.filter((span) => span.key === NAMES[read]);
    if (found.length > 0) expected[read] = { valueStart: found[0]!.start, valueEnd: found[0]!.end, value: found[0]!.value, count: found.length };
  }
  return expected;
}
// A repeated member is refused whatever its value, so its value is not compared.
const membersOf = (scanned: ScannedAnswer) => Object.fromEntries((Object.keys(NAMES) as Read[]).filter((read) => scanned[read]).map((read) => [read, { ...scanned[read]! }]));
const comparable = (members: Partial<Record<Read, { count: number; value: unknown }>>) => Object.fromEntries(Object.entries(members).map(([read, member]) => [read, member.count > 1 ? { ...member, value: undefined } : member]));

// JSON.parse's verdict on any text, as the readers must report it.
function oracleVerdict(body: string): { ok: true; parsed: Record<string, unknown> } | { ok: false; message: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    return { ok: false, message: `The gateway response is not valid JSON (${(error as Error).message}).` };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { ok: false, message: 'The gateway response is not a JSON object: it does not start with "{".' };
  return { ok: true, parsed: parsed as Record<string, unknown> };
}

describe.each(READERS)('the answer reader by %s', (_name, scan) => {
  it('finds the node, error_response, sign and alipay_cert_sn with their exact spans, values and counts, in answers of any layout', () => {
    fc.assert(
      fc.property(answer, (shape) => {
        const { body, spans } = assemble(shape);
        expect(comparable(membersOf(scan(body, NODE)))).toEqual(comparable(expectedOf(spans)));
      }),
      { numRuns: 1500 },
    );
  });

  it('refuses what JSON.parse refuses (or what is not an object), with its message, and reads the rest like it: answers with one character changed, dropped or added, or cut short', () => {
    const edit = fc.tuple(answer, fc.nat(), fc.constantFrom('replace', 'insert', 'drop', 'cut'), fc.constantFrom(...CHARS, '\u0000', '\u007f', '\ufeff', '1', 'e', '-', '.', 't'));
    fc.assert(
      fc.property(edit, ([shape, at, kind, char]) => {
        const { body: valid } = assemble(shape);
        const i = at % (valid.length + 1);
        const body = kind === 'replace' ? valid.slice(0, i) + char + valid.slice(i + 1) : kind === 'insert' ? valid.slice(0, i) + char + valid.slice(i) : kind === 'drop' ? valid.slice(0, i) + valid.slice(i + 1) : valid.slice(0, i);
        const verdict = oracleVerdict(body);
        if (!verdict.ok) {
          const error = thrownBy(() => scan(body, NODE));
          expect(ZhimaError.isInstance(error, 'RESPONSE_MALFORMED')).toBe(true);
          expect((error as ZhimaError).message).toBe(verdict.message);
          return;
        }
        const scanned = scan(body, NODE);
        for (const read of Object.keys(NAMES) as Read[]) {
          const member = scanned[read];
          if (member === undefined) {
            expect(Object.hasOwn(verdict.parsed, NAMES[read])).toBe(false);
            continue;
          }
          // The span holds a value JSON.parse reads; a lone member's is the object's, and the reader's.
          if (member.count > 1) continue;
          expect(JSON.parse(body.slice(member.valueStart, member.valueEnd))).toEqual(verdict.parsed[NAMES[read]]);
          expect(member.value).toEqual(verdict.parsed[NAMES[read]]);
        }
      }),
      { numRuns: 4000 },
    );
  });

  it.each([
    ['not JSON', '<html>502 Bad Gateway</html>'],
    ['an array', '[1,2]'],
    ['a string', '"{}"'],
    ['empty', ''],
    ['a trailing comma', `{"${NODE}":{"code":"10000"},}`],
    ['text after the object', `{"${NODE}":{"code":"10000"}} x`],
    ['a raw line feed inside the sign', `{"${NODE}":{"code":"10000"},"sign":"AAAA\nAAAA"}`],
    ['a raw control character in a key', `{"si\u0001gn":"AAAA","${NODE}":{}}`],
    ['a bad escape in the sign', `{"${NODE}":{},"sign":"AA\\xAA"}`],
    ['an unterminated sign', `{"${NODE}":{},"sign":"AAAA}`],
    ['a node cut short', `{"${NODE}":{"code":"10000"`],
    ['a BOM before the object', `\ufeff{"${NODE}":{}}`],
    ['a bare word', `{"${NODE}":{},"x":tru}`],
  ])('refuses %s as JSON.parse does', (_case, body) => {
    const verdict = oracleVerdict(body);
    expect(verdict.ok).toBe(false);
    const error = thrownBy(() => scan(body, NODE));
    expect(error).toMatchObject({ code: 'RESPONSE_MALFORMED', message: verdict.ok ? '' : verdict.message });
  });
});

describe('the one-pass reader decodes the sign on the way', () => {
  it('to atob\'s bytes when the sign is canonical base64, and leaves any other sign to signatureBytes', () => {
    fc.assert(
      fc.property(fc.oneof(base64, text, base64.map((b) => `${b}\\n`), base64.map((b) => b.replace(/=+$/, ''))), (sign) => {
        const body = `{"${NODE}":{"code":"10000"},"sign":${JSON.stringify(sign).replaceAll('\\\\n', '\\n')}}`;
        if (!oracleVerdict(body).ok) return;
        const scanned = nodeScan(body, NODE);
        const value = JSON.parse(body).sign as string;
        if (Buffer.from(value, 'base64').toString('base64') === value) expect(Buffer.from(scanned.signature!).toString('hex')).toBe(Buffer.from(atob(value), 'latin1').toString('hex'));
        if (scanned.signature !== undefined) expect(Buffer.from(scanned.signature).toString('hex')).toBe(Buffer.from(atob(value), 'latin1').toString('hex'));
      }),
      { numRuns: 1500 },
    );
  });
});

describe('the one-pass reader reads a flat node itself', () => {
  // Nodes written as the gateway writes them, `{"key":"value",…}`, with keys that stress an assignment
  // (inherited names, a repeat, integer keys, which objects order first) and values with characters
  // JSON escapes or forbids, then edited by one character: whatever the reader accepts must be what
  // JSON.parse makes of the same span, member by member and in the same order.
  // Text JSON writes as it is (the gateway's usual values), with the characters that end a value elsewhere.
  const plain = fc.array(fc.constantFrom('a', 'Z', '0', ' ', '中', '😀', '\u2028', '}', '{', ']', ':', ',', '/'), { maxLength: 8 }).map((chars) => chars.join(''));
  const key = fc.oneof({ weight: 3, arbitrary: plain }, text, fc.constantFrom('code', 'msg', '__proto__', 'toString', 'constructor', 'hasOwnProperty', '1', '0', '10', '-1', ''));
  const flatNode = fc.array(fc.tuple(key, fc.oneof({ weight: 8, arbitrary: plain }, { weight: 2, arbitrary: text }, fc.integer(), fc.constant(null), fc.constant({}))), { minLength: 1, maxLength: 5 }).map((entries) => `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`);
  const edited = fc.tuple(flatNode, fc.nat(), fc.boolean(), fc.oneof({ weight: 3, arbitrary: fc.constant('none') }, fc.constantFrom('replace', 'insert', 'drop')), fc.constantFrom(...CHARS, '\u0000', '\u007f', ' ', '1'), fc.constantFrom(...'":,{}[]\\ ')).map(([node, at, structural, kind, anyChar, syntaxChar]) => {
    // Half the edits fall on the node's syntax (a quote, colon, comma or brace outside a string, the
    // closing brace a third of the time), where a reader errs.
    const syntax: number[] = [];
    for (let index = 0, quoted = false; index < node.length; index++) {
      if (node[index] === '\\' && quoted) index++;
      else if (node[index] === '"') {
        quoted = !quoted;
        syntax.push(index);
      } else if (!quoted) syntax.push(index);
    }
    const i = structural ? (at % 3 === 0 ? node.length - 1 : syntax[at % syntax.length]!) : at % (node.length + 1);
    const char = structural ? syntaxChar : anyChar;
    return kind === 'none' ? node : kind === 'replace' ? node.slice(0, i) + char + node.slice(i + 1) : kind === 'insert' ? node.slice(0, i) + char + node.slice(i) : node.slice(0, i) + node.slice(i + 1);
  });
  const exactly = (value: unknown) => (typeof value === 'object' && value !== null ? { prototype: Object.getPrototypeOf(value), members: Object.getOwnPropertyNames(value).map((name) => [name, Object.getOwnPropertyDescriptor(value, name)]) } : { value });

  it('as JSON.parse reads it: the same own members in the same order, or JSON.parse\'s refusal', () => {
    let flat = 0;
    fc.assert(
      fc.property(edited, (node) => {
        const body = `{"${NODE}":${node},"sign":"AAAA"}`;
        const verdict = oracleVerdict(body);
        if (!verdict.ok) {
          expect(thrownBy(() => nodeScan(body, NODE))).toMatchObject({ code: 'RESPONSE_MALFORMED', message: verdict.message });
          return;
        }
        const member = nodeScan(body, NODE).method!;
        expect(body.slice(member.valueStart, member.valueEnd)).toBe(node.replace(/^[ \t\n\r]+|[ \t\n\r]+$/g, ''));
        expect(exactly(member.value)).toStrictEqual(exactly(verdict.parsed[NODE]));
        if (/^\{("[^"\\\u0000-\u001f]*":"[^"\\\u0000-\u001f]*",?)*\}$/.test(node)) flat++;
      }),
      { numRuns: 6000 },
    );
    // The flat shape must have been tried often, or this test says nothing of it.
    expect(flat).toBeGreaterThan(1000);
  });
});

describe('the Node reader of an answer given as bytes', () => {
  // Answers of any layout (the shapes above), as UTF-8 or GBK bytes, with one byte changed, added or
  // dropped (bytes that end strings or objects, GBK lead and trail bytes, a BOM's, base64's `-`, `_`,
  // `=`), or a BOM before them. The oracle: bytes with any byte over 0x7f are left to the decoder
  // (undefined); any other bytes are the same text in UTF-8 (TextDecoder) and GBK (iconv-lite), and
  // what is read from them is what JSON.parse makes of that text, spans included.
  const BYTES = [0x00, 0x09, 0x20, 0x22, 0x2c, 0x2d, 0x2f, 0x3a, 0x3d, 0x41, 0x5b, 0x5c, 0x5d, 0x5f, 0x7b, 0x7d, 0x7f, 0x80, 0x81, 0xa1, 0xbf, 0xd6, 0xef, 0xfe, 0xff];
  const edited = fc.tuple(answer, fc.constantFrom<'utf-8' | 'gbk'>('utf-8', 'gbk'), fc.nat(), fc.constantFrom('none', 'none', 'replace', 'insert', 'drop', 'bom'), fc.constantFrom(...BYTES)).map(([shape, charset, at, kind, byte]) => {
    const { body } = assemble(shape);
    const valid = charset === 'gbk' ? [...iconv.encode(body, 'gbk')] : [...Buffer.from(body, 'utf8')];
    const i = at % (valid.length + 1);
    const bytes = kind === 'replace' ? [...valid.slice(0, i), byte, ...valid.slice(i + 1)] : kind === 'insert' ? [...valid.slice(0, i), byte, ...valid.slice(i)] : kind === 'drop' ? [...valid.slice(0, i), ...valid.slice(i + 1)] : kind === 'bom' ? [0xef, 0xbb, 0xbf, ...valid] : valid;
    return Uint8Array.from(bytes);
  });

  it('reads ASCII bytes as JSON.parse reads their text, and leaves every other byte string to the decoder', () => {
    let read = 0;
    fc.assert(
      fc.property(edited, (bytes) => {
        if (bytes.some((byte) => byte > 0x7f)) {
          expect(readAnswerBytes(bytes, NODE)).toBeUndefined();
          return;
        }
        const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
        expect(iconv.decode(Buffer.from(bytes), 'gbk')).toBe(text);
        const verdict = oracleVerdict(text);
        if (!verdict.ok) {
          expect(thrownBy(() => readAnswerBytes(bytes, NODE))).toMatchObject({ code: 'RESPONSE_MALFORMED', message: verdict.message });
          return;
        }
        const result = readAnswerBytes(bytes, NODE)!;
        expect(result.text).toBe(text);
        read++;
        for (const name of Object.keys(NAMES) as Read[]) {
          const member = result.scanned[name];
          if (member === undefined) {
            expect(Object.hasOwn(verdict.parsed, NAMES[name])).toBe(false);
            continue;
          }
          if (member.count > 1) continue;
          // A span of the text is the same span of the bytes.
          expect(JSON.parse(Buffer.from(bytes.subarray(member.valueStart, member.valueEnd)).toString('latin1'))).toEqual(verdict.parsed[NAMES[name]]);
          expect(member.value).toEqual(verdict.parsed[NAMES[name]]);
        }
        // The bytes decoded on the way are the lone sign's, as atob reads it.
        const sign = verdict.parsed.sign;
        if (result.scanned.signature !== undefined && result.scanned.sign!.count === 1) expect(Buffer.from(result.scanned.signature).toString('hex')).toBe(Buffer.from(atob(sign as string), 'latin1').toString('hex'));
      }),
      { numRuns: 5000 },
    );
    expect(read).toBeGreaterThan(1000);
  });

  it('decodes a sign as atob does, or leaves it to signatureBytes: base64 with a character changed, padding dropped or added, or non-zero last bits', () => {
    const ascii = fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code));
    const sign = fc.tuple(base64, fc.nat(), fc.constantFrom('none', 'replace', 'insert', 'unpad', 'pad', 'bits'), fc.oneof(fc.constantFrom('-', '_', '=', ' ', '+', '/', '.', 'A'), ascii)).map(([b64, at, kind, char]) => {
      const i = b64.length === 0 ? 0 : at % b64.length;
      if (kind === 'replace') return b64.slice(0, i) + char + b64.slice(i + 1);
      if (kind === 'insert') return b64.slice(0, i) + char + b64.slice(i);
      if (kind === 'unpad') return b64.replace(/=+$/, '');
      if (kind === 'pad') return `${b64}=`;
      // The last character before the padding, changed in the bits a decoder drops.
      const last = b64.replace(/=+$/, '').length - 1;
      if (last < 0 || !b64.endsWith('=')) return b64;
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
      return b64.slice(0, last) + alphabet[alphabet.indexOf(b64[last]!) ^ (1 + (at % 3))] + b64.slice(last + 1);
    });
    let decoded = 0;
    fc.assert(
      fc.property(sign, (value) => {
        const bytes = Buffer.from(`{"${NODE}":{"code":"10000"},"sign":${JSON.stringify(value)}}`, 'latin1');
        const scanned = readAnswerBytes(bytes, NODE)!.scanned;
        expect(scanned.sign!.value).toBe(value);
        let expected: string | undefined;
        try {
          expected = Buffer.from(atob(value), 'latin1').toString('hex');
        } catch {
          expected = undefined;
        }
        if (scanned.signature === undefined) {
          // Canonical base64 is always decoded on the way.
          expect(Buffer.from(value, 'base64').toString('base64') === value).toBe(false);
          return;
        }
        decoded++;
        expect(Buffer.from(scanned.signature).toString('hex')).toBe(expected);
      }),
      { numRuns: 4000 },
    );
    expect(decoded).toBeGreaterThan(1000);
  });
});

describe('verifyResponse over random answers, against JSON.parse + node:crypto', () => {
  const alipay = makeKeyFixture();
  const alipayPublicKey = alipay.publicKeys['spki-base64'];
  // Nodes in the shape the gateway sends, with nested objects, escapes, unicode and white space.
  const nodeShape = fc.record({
    answer: fc.tuple(fc.constantFrom('10000', '40004'), fc.dictionary(fc.constantFrom('msg', 'sub_msg', 'nested', 'list', 'sign'), value, { maxKeys: 4 })).map(([code, rest]) => ({ ...rest, code })),
    indent: fc.constantFrom(0, 2),
    escapeSlashes: fc.boolean(),
    signFirst: fc.boolean(),
    extras: fc.array(fc.tuple(fc.constantFrom('trace_id', 'x'), value), { maxLength: 2 }),
    charset: fc.constantFrom<'utf-8' | 'gbk'>('utf-8', 'gbk'),
    asBytes: fc.boolean(),
  });

  it('verifies every genuine answer and refuses it with one byte of the node changed, as the oracle does', async () => {
    await fc.assert(
      fc.asyncProperty(nodeShape, async ({ answer: node, indent, escapeSlashes, signFirst, extras, charset, asBytes }) => {
        // GBK holds no emoji or U+2028: such nodes are sent as \u escapes, as a GBK server must.
        const nodeText = writeValue(node, indent, escapeSlashes).replace(charset === 'gbk' ? /[^\u0000-\u007f\u4e2d\u00e9]/gu : /(?!)/u, (char) => [...char].map((unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`).join(''));
        const sign = oracleSign(nodeText, alipay.privateKeyObject, 'RSA2', charset);
        const members = [`"${NODE}":${nodeText}`, ...extras.map(([key, v]) => `"${key}":${JSON.stringify(v)}`)];
        members.splice(signFirst ? 0 : members.length, 0, `"sign":"${sign}"`);
        const text = `{${members.join(',')}}`;
        const encode = (t: string) => (charset === 'gbk' ? new Uint8Array(iconv.encode(t, 'gbk')) : new TextEncoder().encode(t));
        // The oracle: JSON.parse reads the node, node:crypto checks the signature over the node's bytes.
        expect(oracleVerify(Buffer.from(encode(nodeText)), (JSON.parse(text) as { sign: string }).sign, alipay.publicKeyObject)).toBe(true);
        const result = await verifyResponse({ body: asBytes ? encode(text) : text, method: 'zhima.data.batch.feedback', alipayPublicKey, charset });
        expect(result).toMatchObject({ verified: true, node: NODE });
        expect(result.response).toEqual((JSON.parse(text) as Record<string, unknown>)[NODE]);
        const tampered = text.replace(/("code":\s*")(\d)/, (_match, prefix: string, digit: string) => `${prefix}${digit === '9' ? '8' : '9'}`);
        expect(tampered).not.toBe(text);
        const caught = await rejectionOf(verifyResponse({ body: asBytes ? encode(tampered) : tampered, method: 'zhima.data.batch.feedback', alipayPublicKey, charset }));
        expect(ZhimaError.isInstance(caught, 'SIGNATURE_INVALID')).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it('gives an answer given as bytes node:crypto\'s verdict over the node\'s bytes with atob\'s signature, whatever its sign holds (UTF-8 and GBK, ASCII or not)', async () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const forged = fc.record({
      msg: fc.array(fc.constantFrom('S', 'u', 'c', '0', ' ', '/', '中', 'é'), { maxLength: 6 }).map((chars) => chars.join('')),
      charset: fc.constantFrom<'utf-8' | 'gbk'>('utf-8', 'gbk'),
      signFirst: fc.boolean(),
      at: fc.nat(),
      kind: fc.constantFrom('none', 'replace', 'insert', 'unpad', 'pad', 'bits', 'space'),
      char: fc.oneof(fc.constantFrom('-', '_', '=', ' ', '+', '/', 'A', '"', '\\', '\n'), fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code))),
    });
    await fc.assert(
      fc.asyncProperty(forged, async ({ msg, charset, signFirst, at, kind, char }) => {
        const nodeText = JSON.stringify({ code: '10000', msg });
        const genuine = oracleSign(nodeText, alipay.privateKeyObject, 'RSA2', charset);
        const i = at % genuine.length;
        const last = genuine.replace(/=+$/, '').length - 1;
        const sign =
          kind === 'replace' ? genuine.slice(0, i) + char + genuine.slice(i + 1)
          : kind === 'insert' ? genuine.slice(0, i) + char + genuine.slice(i)
          : kind === 'unpad' ? genuine.replace(/=+$/, '')
          : kind === 'pad' ? `${genuine}=`
          : kind === 'space' ? `${genuine.slice(0, i)} ${genuine.slice(i)}`
          : kind === 'bits' && genuine.endsWith('=') ? genuine.slice(0, last) + alphabet[alphabet.indexOf(genuine[last]!) ^ (1 + (at % 3))] + genuine.slice(last + 1)
          : genuine;
        const members = [`"${NODE}":${nodeText}`, `"sign":${JSON.stringify(sign)}`];
        const text = `{${(signFirst ? members.reverse() : members).join(',')}}`;
        const encode = (t: string) => (charset === 'gbk' ? new Uint8Array(iconv.encode(t, 'gbk')) : new TextEncoder().encode(t));
        // The oracle: the sign as JSON.parse reads it, decoded by atob (white space dropped; none if atob refuses it).
        const value = (JSON.parse(text) as { sign: string }).sign;
        let signature = Buffer.alloc(0);
        try {
          signature = Buffer.from(atob(value.replace(/\s+/g, '')), 'latin1');
        } catch {
          // Not base64: a signature that never verifies.
        }
        const expected = createVerify('RSA-SHA256').update(Buffer.from(encode(nodeText))).verify(alipay.publicKeyObject, signature);
        const verifying = verifyResponse({ body: encode(text), method: 'zhima.data.batch.feedback', alipayPublicKey, charset });
        if (expected) expect(await verifying).toMatchObject({ verified: true, response: { code: '10000', msg } });
        else expect(await rejectionOf(verifying)).toMatchObject({ code: 'SIGNATURE_INVALID' });
      }),
      { numRuns: 400 },
    );
  });

  it('refuses a malformed answer with JSON.parse\'s message, before any other check', async () => {
    const node = '{"code":"10000","msg":"Success"}';
    const sign = oracleSign(node, alipay.privateKeyObject, 'RSA2');
    for (const body of [`{"${NODE}":${node},"sign":"${sign}\u0007"}`, `{"${NODE}":${node},"sign":"${sign}",}`, `{"${NODE}":${node},"${NODE}":${node},"sign":"${sign}"`, `{"sign":"${sign}","${NODE}":${node}}}`]) {
      const verdict = oracleVerdict(body);
      const caught = await rejectionOf(verifyResponse({ body, method: 'zhima.data.batch.feedback', alipayPublicKey }));
      expect(caught).toMatchObject({ code: 'RESPONSE_MALFORMED', message: verdict.ok ? '' : verdict.message });
    }
  });
});
