// Keys that are certainly wrong are refused before any upload: the app's own public key, or any private
// key, in the Alipay public key slot. Keys are made by node:crypto and openssl, in every format users paste.
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createClient, verifyResponse, ZhimaError } from '../src/index.js';
import { makeCertificateFixture } from './fixtures/certificates.js';
import { alipay, app, feedback, fileText, useFakeGateways } from './fixtures/client-setup.js';
import { startFakeGateway } from './fixtures/fake-gateway.js';
import { rejectionOf } from './fixtures/caught.js';

const { setup } = useFakeGateways();
const file = () => new TextEncoder().encode(fileText);
const spkiDer = (key: string) => new Uint8Array(createPublicKey(key).export({ type: 'spki', format: 'der' }));

// Fragments of every secret and of the app public key: none may appear in a message or hint.
const material = [...Object.values(app.privateKeys), ...Object.values(alipay.privateKeys), app.publicKeys['spki-base64'], String(app.privateJwk.d)].map((text) =>
  text.replace(/-----[A-Z ]+-----|\s/g, '').slice(60, 100),
);

function expectNoKeyMaterial(error: unknown) {
  const { message, hint } = error as ZhimaError;
  for (const fragment of material) {
    expect(message).not.toContain(fragment);
    expect(hint ?? '').not.toContain(fragment);
  }
}

const ownPublicKeys: [string, unknown][] = [
  ...Object.entries(app.publicKeys),
  ['spki-der', spkiDer(app.publicKeys['spki-pem'])],
  ['jwk', app.publicJwk],
  ['jwk-text', JSON.stringify(app.publicJwk)],
];

const privateKeys: [string, unknown][] = [
  ...Object.entries(app.privateKeys).map(([format, key]) => [`app ${format}`, key] as [string, unknown]),
  ...Object.entries(alipay.privateKeys).map(([format, key]) => [`alipay ${format}`, key] as [string, unknown]),
  ['app pkcs8-der', app.privateDer],
  ['app pkcs1-der', new Uint8Array(app.privateKeyObject.export({ type: 'pkcs1', format: 'der' }))],
  ['app jwk with d', app.privateJwk],
  ['app jwk text with d', JSON.stringify(app.privateJwk)],
];

describe('the client refuses, before sending, an alipayPublicKey that is the app public key', () => {
  it.each(ownPublicKeys)('%s', async (_format, alipayPublicKey) => {
    const { gateway, client } = await setup(undefined, { alipayPublicKey: alipayPublicKey as string });
    const error = await rejectionOf(client.batchFeedback({ ...feedback, file: file() }));
    expect(ZhimaError.isInstance(error, 'KEY_INVALID')).toBe(true);
    expect((error as Error).message).toMatch(/alipayPublicKey is the public half of privateKey.*应用公钥.*支付宝公钥.*Nothing was sent/);
    expect((error as ZhimaError).hint).toMatch(/应用私钥.*支付宝公钥/);
    expectNoKeyMaterial(error);
    expect(gateway.received).toHaveLength(0);
  });
});

describe('the client refuses, before sending, a private key given as alipayPublicKey', () => {
  it.each(privateKeys)('%s', async (_format, alipayPublicKey) => {
    const { gateway, client } = await setup(undefined, { alipayPublicKey: alipayPublicKey as string });
    const error = await rejectionOf(client.batchFeedback({ ...feedback, file: file() }));
    expect(ZhimaError.isInstance(error, 'KEY_INVALID')).toBe(true);
    expect((error as Error).message).toMatch(/^alipayPublicKey: Found a private key .* Nothing was sent\.$/);
    expect((error as ZhimaError).hint).toMatch(/应用私钥.*支付宝公钥/);
    expectNoKeyMaterial(error);
    expect(gateway.received).toHaveLength(0);
  });

  it('execute refuses it too', async () => {
    const { gateway, client } = await setup(undefined, { alipayPublicKey: app.privateKeys['pkcs8-pem'] });
    await expect(client.execute('zhima.data.feedbackurl.query', { bizContent: { merchant_id: '2088' } })).rejects.toMatchObject({ code: 'KEY_INVALID' });
    expect(gateway.received).toHaveLength(0);
  });

  it('and names the privateKey slot when a public key is given as the private key', async () => {
    const { gateway, client } = await setup(undefined, { privateKey: alipay.publicKeys['spki-pem'] });
    await expect(client.batchFeedback({ ...feedback, file: file() })).rejects.toMatchObject({ code: 'KEY_INVALID', message: expect.stringMatching(/^privateKey: Found a public key/) });
    expect(gateway.received).toHaveLength(0);
  });
});

describe('the right keys still work', () => {
  it('in every public format', async () => {
    for (const alipayPublicKey of [...Object.values(alipay.publicKeys), alipay.publicJwk]) {
      const { gateway, client } = await setup(undefined, { alipayPublicKey: alipayPublicKey as string });
      await expect(client.batchFeedback({ ...feedback, file: file() })).resolves.toMatchObject({ code: '10000' });
      expect(gateway.received[0]!.signatureValid).toBe(true);
    }
  });

  it('parses the keys once per client, however many calls', async () => {
    let reads = 0;
    // A JWK that counts how often its modulus is read: parsing reads it, reuse does not.
    const counting = new Proxy(alipay.publicJwk, { get: (target, name) => (name === 'n' && reads++, Reflect.get(target, name)) });
    const { client } = await setup(undefined, { alipayPublicKey: counting as JsonWebKey as never });
    await client.batchFeedback({ ...feedback, file: file() });
    const afterFirst = reads;
    expect(afterFirst).toBeGreaterThan(0);
    await client.batchFeedback({ ...feedback, file: file() });
    await client.execute('zhima.data.feedbackurl.query', { bizContent: { merchant_id: '2088' } });
    expect(reads).toBe(afterFirst);
  });
});

describe('certificate mode', () => {
  it("refuses the app's own certificate as alipayCertificate, before sending", async () => {
    const certs = makeCertificateFixture();
    const gateway = await startFakeGateway({ appPublicKey: createPublicKey(certs.appCertPem), alipayPrivateKey: createPrivateKey(certs.alipayKeyPem), answer: () => ({}) });
    try {
      const client = createClient({
        appId: '2021000000000001',
        privateKey: certs.appKeyPem,
        certificates: { appCertificate: certs.appCertPem, alipayRootCertificate: certs.rootPem, alipayCertificate: [certs.alipayCertPem, certs.appCertPem] },
        gateway: gateway.url,
      });
      const error = await rejectionOf(client.batchFeedback({ ...feedback, file: file() }));
      expect(error).toMatchObject({ code: 'CERTIFICATE_INVALID', message: expect.stringMatching(/app's own certificate.*Nothing was sent/) });
      expect((error as ZhimaError).hint).toMatch(/alipayCertPublicKey_RSA2\.crt/);
      expect(gateway.received).toHaveLength(0);
    } finally {
      await gateway.close();
    }
  });
});

describe('verifyResponse given a private key', () => {
  const unsignedError = '{"error_response":{"code":"40002","msg":"Invalid Arguments","sub_code":"isv.missing-app-id"}}';
  const signedSuccess = '{"zhima_data_batch_feedback_response":{"code":"10000","msg":"Success"},"sign":"AAAA"}';
  it.each(privateKeys)('%s: KEY_INVALID, even for an unsigned answer that needs no key', async (_format, key) => {
    for (const body of [unsignedError, signedSuccess]) {
      const error = await rejectionOf(verifyResponse({ body, method: 'zhima.data.batch.feedback', alipayPublicKey: key as string }));
      expect(ZhimaError.isInstance(error, 'KEY_INVALID')).toBe(true);
      expectNoKeyMaterial(error);
    }
  });
});
