import { createPrivateKey } from 'node:crypto';
import iconv from 'iconv-lite';
import { beforeAll, describe, expect, it } from 'vitest';
import { importPublicKey, verifyResponse, ZhimaError } from '../src/index.js';
import { getCertificateSn } from '../src/internal.js';
import { verifyResponseWith } from '../src/response/verify-response.js';
import { makeCertificateFixture, type CertificateFixture } from './fixtures/certificates.js';
import { makeKeyFixture } from './fixtures/keys.js';
import { oracleSign } from './fixtures/oracle.js';
import { rejectionOf, thrownBy } from './fixtures/caught.js';

const alipay = makeKeyFixture();
const app = makeKeyFixture();
const method = 'zhima.data.batch.feedback';
const NODE = 'zhima_data_batch_feedback_response';
const alipayPublicKey = alipay.publicKeys['spki-base64'];

// The gateway signs the node's text exactly as sent; responses here are hand-written text signed by node:crypto.
const signed = (nodeText: string, signType: 'RSA2' | 'RSA' = 'RSA2', charset: 'utf-8' | 'gbk' = 'utf-8') => oracleSign(nodeText, alipay.privateKeyObject, signType, charset);

async function rejection(promise: Promise<unknown>): Promise<ZhimaError> {
  const caught = await rejectionOf(promise);
  expect(ZhimaError.isInstance(caught)).toBe(true);
  return caught as ZhimaError;
}

describe('verifyResponse accepts genuine answers', () => {
  it('with sign after the node', async () => {
    const node = '{"code":"10000","msg":"Success"}';
    const body = `{"${NODE}":${node},"sign":"${signed(node)}"}`;
    const result = await verifyResponse({ body, method, alipayPublicKey });
    expect(result).toMatchObject({ verified: true, node: NODE, response: { code: '10000', msg: 'Success' } });
  });

  it('with sign before the node', async () => {
    const node = '{"code":"10000","msg":"Success"}';
    const body = `{"sign":"${signed(node)}","${NODE}":${node}}`;
    expect((await verifyResponse({ body, method, alipayPublicKey })).verified).toBe(true);
  });

  it('pretty-printed, over the exact raw text including its white space', async () => {
    const node = '{\n    "code": "10000",\n    "msg": "Success"\n  }';
    const body = `{\n  "${NODE}": ${node},\n  "sign": "${signed(node)}"\n}\n`;
    expect((await verifyResponse({ body, method, alipayPublicKey })).response.code).toBe('10000');
  });

  it('with unicode escapes left as written (signed over the escaped text)', async () => {
    const node = '{"code":"10000","msg":"\\u6210\\u529f"}';
    const body = `{"${NODE}":${node},"sign":"${signed(node)}"}`;
    expect((await verifyResponse({ body, method, alipayPublicKey })).response.msg).toBe('成功');
  });

  it('when values contain "sign", braces and escaped quotes', async () => {
    const node = '{"code":"10000","msg":"Success","memo":"},\\"sign\\":\\"AAAA\\"{","sign":"inner"}';
    const body = `{"${NODE}":${node},"sign":"${signed(node)}"}`;
    const result = await verifyResponse({ body, method, alipayPublicKey });
    expect(result.response.memo).toBe('},"sign":"AAAA"{');
  });

  it('retries once with "\\/" turned into "/" (the Java SDK rule)', async () => {
    const signedText = '{"code":"10000","msg":"Success","url":"https://x/y"}';
    const sentText = signedText.replaceAll('/', '\\/');
    const body = `{"${NODE}":${sentText},"sign":"${signed(signedText)}"}`;
    expect((await verifyResponse({ body, method, alipayPublicKey })).response.url).toBe('https://x/y');
  });

  it('a GBK body signed over GBK bytes', async () => {
    const node = '{"code":"10000","msg":"成功","sub_msg":"张三"}';
    const body = new Uint8Array(iconv.encode(`{"${NODE}":${node},"sign":"${signed(node, 'RSA2', 'gbk')}"}`, 'gbk'));
    expect((await verifyResponse({ body, method, alipayPublicKey, charset: 'gbk' })).response.sub_msg).toBe('张三');
  });

  it('RSA (SHA-1) when asked', async () => {
    const node = '{"code":"10000","msg":"Success"}';
    const body = `{"${NODE}":${node},"sign":"${signed(node, 'RSA')}"}`;
    expect((await verifyResponse({ body, method, alipayPublicKey, signType: 'RSA' })).verified).toBe(true);
    expect((await rejection(verifyResponse({ body, method, alipayPublicKey, signType: 'RSA2' }))).code).toBe('SIGNATURE_INVALID');
  });
});

describe('verifyResponse and error answers', () => {
  it('an unsigned error_response resolves, marked unverified', async () => {
    const body = '{"error_response":{"code":"40002","msg":"Invalid Arguments","sub_code":"isv.missing-app-id","sub_msg":"缺少AppID参数"}}';
    const result = await verifyResponse({ body, method, alipayPublicKey });
    expect(result).toMatchObject({ verified: false, node: 'error_response', response: { sub_code: 'isv.missing-app-id' } });
  });

  it('a signed error_response is verified', async () => {
    const node = '{"code":"40002","msg":"Invalid Arguments","sub_code":"isv.invalid-signature"}';
    const body = `{"error_response":${node},"sign":"${signed(node)}"}`;
    expect((await verifyResponse({ body, method, alipayPublicKey })).verified).toBe(true);
  });

  it('an unsigned business error in the method node resolves unverified', async () => {
    const body = `{"${NODE}":{"code":"40004","msg":"Business Failed","sub_code":"JSON_PARSE_ERROR"}}`;
    expect((await verifyResponse({ body, method, alipayPublicKey })).verified).toBe(false);
  });
});

describe('verifyResponse rejects', () => {
  it('a success without a signature', async () => {
    const body = `{"${NODE}":{"code":"10000","msg":"Success"}}`;
    expect((await rejection(verifyResponse({ body, method, alipayPublicKey }))).code).toBe('SIGNATURE_INVALID');
  });

  it('a tampered body', async () => {
    const node = '{"code":"40004","msg":"Business Failed"}';
    const body = `{"${NODE}":${node.replace('40004', '10000')},"sign":"${signed(node)}"}`;
    expect((await rejection(verifyResponse({ body, method, alipayPublicKey }))).code).toBe('SIGNATURE_INVALID');
  });

  it('a forged second copy of the node (JSON.parse alone would return the forgery)', async () => {
    const genuine = '{"code":"40004","msg":"Business Failed","sub_code":"INVALID_PARAMETER"}';
    const body = `{"${NODE}":${genuine},"sign":"${signed(genuine)}","${NODE}":{"code":"10000","msg":"Success"}}`;
    expect((JSON.parse(body) as Record<string, { code: string }>)[NODE]!.code).toBe('10000');
    const error = await rejection(verifyResponse({ body, method, alipayPublicKey }));
    expect(error.code).toBe('SIGNATURE_INVALID');
    expect(error.message).toMatch(/2 times/);
  });

  it('a duplicate key hidden behind a unicode escape', async () => {
    const genuine = '{"code":"40004","msg":"Business Failed"}';
    const body = `{"${NODE}":${genuine},"sign":"${signed(genuine)}","zhima_data_batch_feedback\\u005fresponse":{"code":"10000","msg":"Success"}}`;
    expect((await rejection(verifyResponse({ body, method, alipayPublicKey }))).code).toBe('SIGNATURE_INVALID');
  });

  it('a signature by the wrong key (the app key instead of Alipay\'s)', async () => {
    const node = '{"code":"10000","msg":"Success"}';
    const body = `{"${NODE}":${node},"sign":"${oracleSign(node, app.privateKeyObject, 'RSA2')}"}`;
    const error = await rejection(verifyResponse({ body, method, alipayPublicKey }));
    expect(error.code).toBe('SIGNATURE_INVALID');
    expect(error.hint).toMatch(/alipayPublicKey/);
  });

  it.each([
    ['not JSON', '<html>502 Bad Gateway</html>'],
    ['an array', '[1,2]'],
    ['neither node', '{"other_response":{"code":"10000"}}'],
    ['both nodes', `{"${NODE}":{"code":"10000"},"error_response":{"code":"40002"}}`],
    ['a node that is not an object', `{"${NODE}":"10000"}`],
  ])('a malformed response: %s', async (_name, body) => {
    expect((await rejection(verifyResponse({ body, method, alipayPublicKey }))).code).toBe('RESPONSE_MALFORMED');
  });
});

describe('verifyResponse and answers not valid in the request charset', () => {
  const busy = '{"error_response":{"code":"20000","msg":"Service Currently Unavailable","sub_code":"aop.unknow-error","sub_msg":"系统繁忙"}}';
  const gbk = (text: string) => new Uint8Array(iconv.encode(text, 'gbk'));

  it.each([
    ['the Content-Type charset', 'text/html;charset=GBK'],
    ['a quoted Content-Type charset', 'application/json; charset="gb2312"'],
    ['GBK when Content-Type names none', 'application/json'],
    ['GBK when Content-Type is absent', undefined],
    ['GBK when Content-Type names a charset the gateway never uses', 'text/plain; charset=iso-8859-1'],
  ])('an unsigned GBK error to a UTF-8 request is read by %s', async (_name, contentType) => {
    const result = await verifyResponse({ body: gbk(busy), method, alipayPublicKey, contentType });
    expect(result).toMatchObject({ verified: false, node: 'error_response', response: { code: '20000', sub_code: 'aop.unknow-error', sub_msg: '系统繁忙' } });
  });

  it('an unsigned UTF-8 error to a GBK request is read by its Content-Type', async () => {
    const body = new TextEncoder().encode(busy.replace('系统繁忙', '系统繁忙€'));
    const result = await verifyResponse({ body, method, alipayPublicKey, charset: 'gbk', contentType: 'text/html;charset=utf-8' });
    expect(result.response.sub_msg).toBe('系统繁忙€');
  });

  it('bytes no charset decodes are RESPONSE_MALFORMED, never PARAM_INVALID', async () => {
    const body = Uint8Array.of(...new TextEncoder().encode('{"error_response":{"code":"20000","msg":"'), 0xff, 0xff, 0x80, 0xff, ...new TextEncoder().encode('"}}'));
    for (const charset of ['utf-8', 'gbk']) {
      const error = await rejection(verifyResponse({ body, method, alipayPublicKey, charset, contentType: 'text/html;charset=GBK' }));
      expect(error.code).toBe('RESPONSE_MALFORMED');
      expect(error.message).toMatch(/not valid text in/);
    }
  });

  it('a signed answer whose bytes are not valid in the request charset is RESPONSE_MALFORMED: the signed bytes are unknown', async () => {
    const node = '{"code":"10000","msg":"成功"}';
    const body = gbk(`{"${NODE}":${node},"sign":"${signed(node, 'RSA2', 'utf-8')}"}`);
    const error = await rejection(verifyResponse({ body, method, alipayPublicKey, contentType: 'text/html;charset=GBK' }));
    expect(error.code).toBe('RESPONSE_MALFORMED');
  });
});

describe('verifyResponse and success claims', () => {
  it.each([
    ['a numeric code 10000', `{"${NODE}":{"code":10000,"msg":"Success"}}`],
    ['a padded code', `{"${NODE}":{"code":" 10000 ","msg":"ok"}}`],
    ['msg Success under another code', `{"error_response":{"code":"40004","msg":"Success"}}`],
  ])('without a signature, %s is SIGNATURE_INVALID', async (_name, body) => {
    expect((await rejection(verifyResponse({ body, method, alipayPublicKey }))).code).toBe('SIGNATURE_INVALID');
  });

  it('a node without a code is RESPONSE_MALFORMED', async () => {
    expect((await rejection(verifyResponse({ body: `{"error_response":{"msg":"?"}}`, method, alipayPublicKey }))).code).toBe('RESPONSE_MALFORMED');
  });
});

describe('verifyResponse in certificate mode', () => {
  let fixture: CertificateFixture;
  beforeAll(() => {
    fixture = makeCertificateFixture();
  });

  it('verifies with the configured certificate whose SN equals alipay_cert_sn', async () => {
    const node = '{"code":"10000","msg":"Success"}';
    const signature = oracleSign(node, createPrivateKey(fixture.alipayKeyPem), 'RSA2');
    const body = `{"${NODE}":${node},"alipay_cert_sn":"${getCertificateSn({ certificate: fixture.alipayCertPem })}","sign":"${signature}"}`;
    const result = await verifyResponse({ body, method, alipayCertificates: [fixture.appCertPem, fixture.alipayCertPem] });
    expect(result.verified).toBe(true);
  });

  it('fails with CERTIFICATE_INVALID when no certificate has that SN (a rotation)', async () => {
    const node = '{"code":"10000","msg":"Success"}';
    const body = `{"${NODE}":${node},"alipay_cert_sn":"00000000000000000000000000000000","sign":"${signed(node)}"}`;
    const error = await rejection(verifyResponse({ body, method, alipayCertificates: fixture.alipayCertPem }));
    expect(error.code).toBe('CERTIFICATE_INVALID');
  });
});

describe('verifyResponseWith on Node', () => {
  // The client's path: with the key at hand and the node:crypto engine, the answer comes back at once
  // (no promise, no turn of the event loop); a refusal is thrown where it would otherwise reject.
  const node = '{"code":"10000","msg":"Success"}';
  const body = `{"${NODE}":${node},"sign":"${signed(node)}"}`;

  it('answers at once when the key is at hand, and with a promise when the key is not yet', async () => {
    const publicKey = await importPublicKey({ key: alipayPublicKey });
    const first = verifyResponseWith({ body, method }, () => Promise.resolve(publicKey));
    expect(first).toBeInstanceOf(Promise);
    expect(await first).toMatchObject({ verified: true, node: NODE, response: { code: '10000', msg: 'Success' } });
    const atOnce = verifyResponseWith({ body: new TextEncoder().encode(body), method }, () => publicKey);
    expect(atOnce).not.toBeInstanceOf(Promise);
    expect(atOnce).toMatchObject({ verified: true, node: NODE, response: { code: '10000', msg: 'Success' } });
  });

  it('throws a forged answer\'s SIGNATURE_INVALID at once, with the message verifyResponse rejects with', async () => {
    const publicKey = await importPublicKey({ key: alipayPublicKey });
    const forged = body.replace('Success', 'Succesz');
    const thrown = thrownBy(() => verifyResponseWith({ body: forged, method }, () => publicKey));
    const rejected = await rejection(verifyResponse({ body: forged, method, alipayPublicKey: publicKey }));
    expect(thrown).toMatchObject({ code: 'SIGNATURE_INVALID', message: rejected.message });
    expect(rejected.message).toBe(`The signature of ${NODE} does not match (sign type RSA2, charset utf-8).`);
  });
});
