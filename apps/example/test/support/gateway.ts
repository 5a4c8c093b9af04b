import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSandbox, type FaultOptions, type Sandbox } from '@zhima/sandbox';
import { loanTemplateRules, type FieldRules } from '@zhima/validator';
import { onTestFinished } from 'vitest';

export interface TestGateway {
  sandbox: Sandbox;
  appId: string;
  url: string;
  /** The client settings for an in-process run. */
  client: { appId: string; privateKey: string; alipayPublicKey: string; gateway: string };
  /** ZHIMA_* for a job subprocess (keys in files). */
  env: Record<string, string>;
}

/** A sandbox gateway on 127.0.0.1 enforcing the loan template (or `rules`), closed when the test finishes. */
export async function testGateway({ faults, rules = loanTemplateRules }: { faults?: FaultOptions; rules?: FieldRules } = {}): Promise<TestGateway> {
  const sandbox = await createSandbox({ rules, ...(faults ? { faults } : {}) });
  const server = await sandbox.listen({ host: '127.0.0.1', port: 0 });
  onTestFinished(() => server.close());
  const folder = await mkdtemp(join(tmpdir(), 'zhima-example-keys-'));
  onTestFinished(() => rm(folder, { recursive: true, force: true }));
  const app = sandbox.apps[0]!;
  await writeFile(join(folder, 'app.pem'), app.privateKey!);
  await writeFile(join(folder, 'alipay.pem'), sandbox.alipayPublicKey);
  return {
    sandbox,
    appId: app.appId,
    url: server.gatewayUrl,
    client: { appId: app.appId, privateKey: app.privateKey!, alipayPublicKey: sandbox.alipayPublicKey, gateway: server.gatewayUrl },
    env: { ZHIMA_APP_ID: app.appId, ZHIMA_GATEWAY: server.gatewayUrl, ZHIMA_PRIVATE_KEY_FILE: join(folder, 'app.pem'), ZHIMA_ALIPAY_PUBLIC_KEY_FILE: join(folder, 'alipay.pem') },
  };
}
