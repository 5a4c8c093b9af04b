// Type-checked (not run) under node16 as ESM (.mts copy), node16 as CommonJS (.cts copy) and bundler.
import { generateKeyPair, signContent, verifySignature, ZhimaError } from '@zhima/core';
import type { GeneratedKeyPair, SignType } from '@zhima/core/internal';
import { validateRecords, type ValidationReport } from '@zhima/validator';

export async function roundTrip(): Promise<{ verified: boolean; report: ValidationReport }> {
  const pair: GeneratedKeyPair = await generateKeyPair();
  const signType: SignType = 'RSA2';
  const signature: string = await signContent({ content: 'a=1', privateKey: pair.privateKeyPkcs8Pem, signType, charset: 'utf-8' });
  const verified: boolean = await verifySignature({ content: 'a=1', signature, publicKey: pair.publicKeyPem, signType });
  const report = await validateRecords({ input: new TextEncoder().encode('{"records":[]}'), columns: 'order_no', primaryKeyColumns: 'order_no', records: 0 });
  return { verified, report };
}

export function codeOf(error: unknown): string | undefined {
  return ZhimaError.isInstance(error) ? error.code : undefined;
}
