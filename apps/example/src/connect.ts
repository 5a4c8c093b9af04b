import { readFile } from 'node:fs/promises';
import { PRODUCTION_GATEWAY, type ClientConfig } from '@zhima/core';
import { createSandbox, type Sandbox } from '@zhima/sandbox';
import { loanTemplateRules } from '@zhima/validator';

/**
 * Where the job sends: the gateway named in the environment, or a sandbox started in-process.
 *
 * @example
 * ```ts
 * const { client, close } = await connect({ env: process.env });
 * ```
 */
export interface Connection {
  client: Pick<ClientConfig, 'appId' | 'privateKey' | 'gateway' | 'signType' | 'charset'> & { alipayPublicKey: string };
  /** Set when the job runs against the embedded sandbox: the test and the summary read its store. */
  sandbox: Sandbox | undefined;
  description: string;
  close(): Promise<void>;
}

type Env = Record<string, string | undefined>;

async function keyFrom(env: Env, name: 'ZHIMA_PRIVATE_KEY' | 'ZHIMA_ALIPAY_PUBLIC_KEY'): Promise<string | undefined> {
  const file = env[`${name}_FILE`];
  return file ? readFile(file, 'utf8') : env[name];
}

/**
 * Real settings when `ZHIMA_APP_ID` is set (keys from `ZHIMA_PRIVATE_KEY_FILE` / `ZHIMA_ALIPAY_PUBLIC_KEY_FILE`
 * or the keys themselves, `ZHIMA_GATEWAY`, `ZHIMA_SIGN_TYPE`, `ZHIMA_CHARSET`); otherwise an embedded
 * sandbox with generated keys that enforces the loan template, so the demo runs with no setup at all.
 *
 * @example
 * ```ts
 * const connection = await connect({ env: {} }); // the embedded sandbox
 * ```
 */
export async function connect({ env }: { env: Env }): Promise<Connection> {
  if (env.ZHIMA_APP_ID) {
    const privateKey = await keyFrom(env, 'ZHIMA_PRIVATE_KEY');
    const alipayPublicKey = await keyFrom(env, 'ZHIMA_ALIPAY_PUBLIC_KEY');
    if (!privateKey || !alipayPublicKey) {
      throw new Error('ZHIMA_APP_ID is set, so the job talks to a real gateway: set ZHIMA_PRIVATE_KEY_FILE and ZHIMA_ALIPAY_PUBLIC_KEY_FILE too (or unset ZHIMA_APP_ID for the embedded sandbox).');
    }
    const gateway = env.ZHIMA_GATEWAY || PRODUCTION_GATEWAY;
    return {
      client: {
        appId: env.ZHIMA_APP_ID,
        privateKey,
        alipayPublicKey,
        gateway,
        signType: env.ZHIMA_SIGN_TYPE === 'RSA' ? 'RSA' : 'RSA2',
        charset: env.ZHIMA_CHARSET || 'utf-8',
      },
      sandbox: undefined,
      description: `gateway ${gateway}, app ${env.ZHIMA_APP_ID}`,
      close: async () => {},
    };
  }
  const sandbox = await createSandbox({ rules: loanTemplateRules });
  const server = await sandbox.listen({ host: '127.0.0.1', port: 0 });
  const app = sandbox.apps[0]!;
  return {
    client: { appId: app.appId, privateKey: app.privateKey!, alipayPublicKey: sandbox.alipayPublicKey, gateway: server.gatewayUrl },
    sandbox,
    description: `embedded sandbox ${server.gatewayUrl} (generated keys), app ${app.appId}`,
    close: () => server.close(),
  };
}
