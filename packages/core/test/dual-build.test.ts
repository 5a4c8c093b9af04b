// The dual-package hazard, for real: the CommonJS build (loaded by Node's require) and the ESM build
// in one process, as when an app's ESM code and a CommonJS dependency both use @zhima/core. Keys and
// errors made by one copy must work with the other, where `instanceof` fails.
import { createVerify } from 'node:crypto';
import { statSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeKeyFixture } from './fixtures/keys.js';

type Core = typeof import('../src/index.js');
type Internal = typeof import('../src/internal.js');

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function newest(dir: string): number {
  return Math.max(...readdirSync(dir, { withFileTypes: true }).map((entry) => (entry.isDirectory() ? newest(join(dir, entry.name)) : statSync(join(dir, entry.name)).mtimeMs)));
}

let cjs: Core;
let esm: Core;
let esmInternal: Internal;
const keys = makeKeyFixture();
const alipay = makeKeyFixture();

beforeAll(async () => {
  const built = ['index.cjs', 'index.js', 'internal.js'].map((file) => statSync(join(ROOT, 'dist', file), { throwIfNoEntry: false })?.mtimeMs ?? 0);
  if (Math.min(...built) < newest(join(ROOT, 'src'))) {
    throw new Error('packages/core/dist is missing or older than src/: run `pnpm --filter @zhima/core build` first (turbo runs it before this package\'s tests).');
  }
  cjs = createRequire(import.meta.url)('../dist/index.cjs') as Core;
  esm = (await import('../dist/index.js' as string)) as Core;
  esmInternal = (await import('../dist/internal.js' as string)) as Internal;
});

describe('the CommonJS and ESM builds in one process', () => {
  it('are two copies: their classes differ, so only the brands can tell', () => {
    expect(cjs.RsaKey).not.toBe(esm.RsaKey);
    expect(cjs.ZhimaError).not.toBe(esm.ZhimaError);
  });

  it('a key imported by the CommonJS build signs through the ESM signContent (KEY_INVALID "Expected a key" before)', async () => {
    const key = await cjs.importPrivateKey({ key: keys.privateKeys['pkcs1-pem'] });
    expect(key instanceof esm.RsaKey).toBe(false);
    expect(esm.RsaKey.isInstance(key)).toBe(true);
    const signature = await esm.signContent({ content: 'a=1&b=中文', privateKey: key });
    // An independent check: node:crypto verifies what the foreign key signed.
    expect(createVerify('RSA-SHA256').update('a=1&b=中文').verify(keys.publicKeys['spki-pem'], signature, 'base64')).toBe(true);
    const publicKey = await esm.importPublicKey({ key: keys.publicKeys['spki-pem'] });
    expect(await cjs.verifySignature({ content: 'a=1&b=中文', signature, publicKey })).toBe(true);
  });

  it('the role check still holds across copies: a foreign public key is no private key', async () => {
    const publicKey = await cjs.importPublicKey({ key: keys.publicKeys['spki-pem'] });
    await expect(esm.signContent({ content: 'a=1', privateKey: publicKey as never })).rejects.toMatchObject({ code: 'KEY_INVALID' });
  });

  it('a foreign key works as a client key: the ESM client signs requests with a CommonJS RsaKey', async () => {
    const privateKey = await cjs.importPrivateKey({ key: keys.privateKeys['pkcs8-pem'] });
    const client = esm.createClient({ appId: '2021000000000001', privateKey, alipayPublicKey: alipay.publicKeys['spki-pem'] });
    const { request, signContent } = await client.buildSignedRequest({ method: 'zhima.data.feedbackurl.query', params: { biz_content: '{}' } });
    const sign = new URL(request.url).searchParams.get('sign')!;
    expect(createVerify('RSA-SHA256').update(signContent).verify(keys.publicKeys['spki-pem'], sign, 'base64')).toBe(true);
  });

  it('errors of one build narrow with the other build\'s isInstance, subclass fields included', () => {
    const transport = new cjs.TransportError({ reason: 'RESET', message: 'socket hang up' });
    expect(transport instanceof esm.ZhimaError).toBe(false);
    expect(esm.ZhimaError.isInstance(transport, 'TRANSPORT_ERROR')).toBe(true);
    expect(esm.TransportError.isInstance(transport)).toBe(true);
    expect(esm.GatewayError.isInstance(transport)).toBe(false);
    const gateway = new esm.GatewayError({ answer: { code: '40004', msg: 'Business Failed', sub_code: 'INVALID_PARAMETER' }, verified: true, method: 'm' });
    expect(cjs.GatewayError.isInstance(gateway)).toBe(true);
    expect(cjs.classifyFailure({ error: gateway })).toMatchObject({ outcome: 'refused', scope: 'part' });
    expect(esm.classifyFailure({ error: transport })).toMatchObject({ outcome: 'not-answered', laterRunMaySucceed: true });
  });

  it('the internal entry shares the root\'s classes within one build (one chunk), so a sibling package\'s errors are the root\'s', () => {
    expect(() => esmInternal.parseColumnList({ value: 'a,,b', name: 'columns' })).toThrow(esm.ZhimaError);
  });
});
