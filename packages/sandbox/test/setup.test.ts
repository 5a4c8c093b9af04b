import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSandbox } from '../src/index.js';

describe('createSandbox key setup', () => {
  it('derives the Alipay public key when only the private key is given', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const sandbox = await createSandbox({ alipayPrivateKey: privateKey.export({ type: 'pkcs1', format: 'pem' }) as string });
    // node:crypto re-exports the derived key; both sides must be the same SPKI.
    const derived = createPublicKey(sandbox.alipayPublicKey).export({ type: 'spki', format: 'der' });
    expect(derived.equals(publicKey.export({ type: 'spki', format: 'der' }))).toBe(true);
  });
});
