// An independent gateway client for tests: node:crypto signatures, iconv-lite GBK, hand-built query
// strings and multipart bodies. It shares no code with the sandbox or @zhima/core, so a bug on one
// side cannot hide the same bug on the other.
import { createSign, createVerify, generateKeyPairSync } from 'node:crypto';
import iconv from 'iconv-lite';

export type TestCharset = 'utf-8' | 'gbk';

export interface KeyPair {
  privateKey: string;
  publicKey: string;
}

export function makeKeyPair(): KeyPair {
  return generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
}

/** `yyyy-MM-dd HH:mm:ss` in UTC+8, from the ISO string of the shifted instant. */
export function chinaTimestamp(date: Date): string {
  return new Date(date.getTime() + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
}

export function encode(text: string, charset: TestCharset): Buffer {
  return charset === 'utf-8' ? Buffer.from(text, 'utf8') : iconv.encode(text, 'gbk');
}

export function percentEncode(text: string, charset: TestCharset): string {
  return [...encode(text, charset)].map((byte) => (/[A-Za-z0-9\-._*]/.test(String.fromCharCode(byte)) ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`)).join('');
}

export function signContentOf(params: Record<string, string>): string {
  return Object.keys(params)
    .filter((key) => key !== 'sign' && params[key] !== '' && params[key] !== undefined)
    .sort()
    .map((key) => `${key}=${params[key]}`)
    .join('&');
}

export function rsaSign(content: string, { privateKey, signType = 'RSA2', charset = 'utf-8' }: { privateKey: string; signType?: 'RSA2' | 'RSA'; charset?: TestCharset }): string {
  return createSign(signType === 'RSA' ? 'RSA-SHA1' : 'RSA-SHA256').update(encode(content, charset)).sign(privateKey, 'base64');
}

export interface FilePart {
  name: string;
  filename: string;
  content: Buffer;
  contentType?: string;
}

export interface CallSpec {
  /** Params sent in the query string (public params). */
  query: Record<string, string>;
  /** Text params sent in the body. */
  body?: Record<string, string>;
  files?: FilePart[];
  bodyKind?: 'multipart' | 'form' | 'none';
  charset?: TestCharset;
  privateKey: string;
  signType?: 'RSA2' | 'RSA';
  /** Replace the computed signature (or `''` to leave it out). */
  sign?: string;
  /** Change params after signing. */
  tamper?: Record<string, string>;
  /** Add `;charset=` to the multipart Content-Type and `Content-Type: text/plain;charset=` to text parts, as the Java SDK does. */
  javaStyle?: boolean;
  url?: string;
}

export function multipartBody({ fields, files, boundary, charset, javaStyle }: { fields: Record<string, string>; files: FilePart[]; boundary: string; charset: TestCharset; javaStyle: boolean }): Buffer {
  const chunks: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    const type = javaStyle ? `Content-Type: text/plain;charset=${charset}\r\n` : '';
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n${type}\r\n`), encode(value, charset), Buffer.from('\r\n'));
  }
  for (const file of files) {
    chunks.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${file.name}"; filename="${file.filename}"\r\nContent-Type: ${file.contentType ?? 'application/octet-stream'}\r\n\r\n`),
      file.content,
      Buffer.from('\r\n'),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}

export function gatewayCall(spec: CallSpec): Request {
  const charset = spec.charset ?? 'utf-8';
  const body = spec.body ?? {};
  const signed = { ...spec.query, ...body };
  const sign = spec.sign ?? rsaSign(signContentOf(signed), { privateKey: spec.privateKey, signType: spec.signType, charset });
  const query: Record<string, string> = { ...spec.query, ...(sign === '' ? {} : { sign }) };
  for (const [key, value] of Object.entries(spec.tamper ?? {})) {
    if (key in body) body[key] = value;
    else query[key] = value;
  }
  const search = Object.entries(query)
    .map(([key, value]) => `${key}=${percentEncode(value, charset)}`)
    .join('&');
  const url = `${spec.url ?? 'http://sandbox.test/gateway.do'}?${search}`;
  const kind = spec.bodyKind ?? (spec.files?.length ? 'multipart' : Object.keys(body).length ? 'form' : 'none');
  if (kind === 'none') return new Request(url, { method: 'POST' });
  if (kind === 'form') {
    const form = Object.entries(body)
      .map(([key, value]) => `${key}=${percentEncode(value, charset)}`)
      .join('&');
    return new Request(url, { method: 'POST', headers: { 'content-type': `application/x-www-form-urlencoded;charset=${charset}` }, body: form });
  }
  const boundary = `----test${Math.random().toString(16).slice(2)}`;
  const javaStyle = spec.javaStyle ?? false;
  return new Request(url, {
    method: 'POST',
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}${javaStyle ? `;charset=${charset}` : ''}` },
    body: new Uint8Array(multipartBody({ fields: body, files: spec.files ?? [], boundary, charset, javaStyle })),
  });
}

export function publicParams({ appId, method, timestamp, charset = 'utf-8', signType = 'RSA2' }: { appId: string; method: string; timestamp: string; charset?: TestCharset; signType?: 'RSA2' | 'RSA' }): Record<string, string> {
  return { app_id: appId, method, format: 'JSON', charset, sign_type: signType, timestamp, version: '1.0' };
}

// The raw text of the value of a top-level key, found by scanning (strings and escapes respected).
export function rawValueOf(text: string, key: string): string | undefined {
  const marker = `${JSON.stringify(key)}:`;
  const start = text.indexOf(marker);
  if (start === -1) return undefined;
  const from = start + marker.length;
  let depth = 0;
  let inString = false;
  for (let i = from; i < text.length; i++) {
    const char = text[i];
    if (inString) {
      if (char === '\\') i++;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === '{') depth++;
    else if (char === '}' && --depth === 0) return text.slice(from, i + 1);
  }
  return undefined;
}

export interface AnswerFields {
  code: string;
  msg: string;
  sub_code?: string;
  sub_msg?: string;
  [field: string]: string | undefined;
}

export interface ReadAnswer {
  text: string;
  node: string;
  answer: AnswerFields;
  sign: string | undefined;
  alipayCertSn: string | undefined;
  /** Whether `sign` verifies over the node's raw text with the given public key (false when unsigned). */
  verified: boolean;
  status: number;
}

export async function readAnswer(response: Response, { alipayPublicKey, signType = 'RSA2', charset = 'utf-8' }: { alipayPublicKey: string; signType?: 'RSA2' | 'RSA'; charset?: TestCharset }): Promise<ReadAnswer> {
  const bytes = Buffer.from(await response.arrayBuffer());
  const text = charset === 'utf-8' ? bytes.toString('utf8') : iconv.decode(bytes, 'gbk');
  const parsed = JSON.parse(text) as Record<string, unknown>;
  const node = Object.keys(parsed).find((key) => key.endsWith('_response'))!;
  const sign = parsed.sign as string | undefined;
  const raw = rawValueOf(text, node)!;
  const verified =
    sign !== undefined && createVerify(signType === 'RSA' ? 'RSA-SHA1' : 'RSA-SHA256').update(encode(raw, charset)).verify(alipayPublicKey, sign, 'base64');
  return { text, node, answer: parsed[node] as AnswerFields, sign, alipayCertSn: parsed.alipay_cert_sn as string | undefined, verified, status: response.status };
}

export function recordsFile(records: Record<string, string>[], charset: TestCharset = 'utf-8'): Buffer {
  return encode(JSON.stringify({ records }), charset);
}
