import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createSandbox, type Sandbox, type SandboxServer } from '@zhima/sandbox';
import { loanTemplateRules } from '@zhima/validator';

export interface TestGateway {
  sandbox: Sandbox;
  server: SandboxServer;
  appId: string;
  privateKey: string;
  alipayPublicKey: string;
  port: number;
  /** The ZHIMA_* variables `zhima` reads, keys in files under the given folder. */
  env: Record<string, string>;
}

/**
 * The sandbox gateway on 127.0.0.1 (a free port), enforcing the loan template's rules as a merchant's
 * gateway would, with its generated app's keys written to `dir`. Close `server` when done.
 */
export async function startGateway({ dir }: { dir: string }): Promise<TestGateway> {
  const sandbox = await createSandbox({ rules: loanTemplateRules });
  const server = await sandbox.listen({ host: '127.0.0.1', port: 0 });
  const app = sandbox.apps[0]!;
  const privateKeyFile = join(dir, 'app_private_key.pem');
  const alipayPublicKeyFile = join(dir, 'alipay_public_key.pem');
  await writeFile(privateKeyFile, app.privateKey!, { mode: 0o600 });
  await writeFile(alipayPublicKeyFile, sandbox.alipayPublicKey);
  return {
    sandbox,
    server,
    appId: app.appId,
    privateKey: app.privateKey!,
    alipayPublicKey: sandbox.alipayPublicKey,
    port: Number(new URL(server.url).port),
    env: { ZHIMA_APP_ID: app.appId, ZHIMA_GATEWAY: server.gatewayUrl, ZHIMA_PRIVATE_KEY_FILE: privateKeyFile, ZHIMA_ALIPAY_PUBLIC_KEY_FILE: alipayPublicKeyFile },
  };
}
