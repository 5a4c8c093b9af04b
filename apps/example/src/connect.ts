import { readFile } from 'node:fs/promises';
import { UsageError } from '@zhima/cli';
import { PRODUCTION_GATEWAY, type ClientConfig } from '@zhima/core';

/**
 * The gateway settings of a run, and a description for logs and receipts (no secrets).
 *
 * @example
 * ```ts
 * const { client, description } = await gatewayFromEnv({ env: process.env });
 * ```
 */
export interface GatewaySettings {
  client: Omit<ClientConfig, 'transport' | 'retry'>;
  gateway: string;
  description: string;
}

type Env = Record<string, string | undefined>;

async function keyFrom(env: Env, name: 'ZHIMA_PRIVATE_KEY' | 'ZHIMA_ALIPAY_PUBLIC_KEY'): Promise<string | undefined> {
  const file = env[`${name}_FILE`];
  if (!file) return env[name];
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError({ message: `${name}_FILE ${JSON.stringify(file)} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`, hint: 'Point it at the PEM file of the key, readable by the user the job runs as.' });
  }
}

/**
 * Settings from `ZHIMA_APP_ID`, the keys (`ZHIMA_PRIVATE_KEY_FILE` / `ZHIMA_ALIPAY_PUBLIC_KEY_FILE`, or the
 * keys themselves in `ZHIMA_PRIVATE_KEY` / `ZHIMA_ALIPAY_PUBLIC_KEY`), `ZHIMA_GATEWAY` (default: production),
 * `ZHIMA_SIGN_TYPE` and `ZHIMA_REQUEST_CHARSET`. Returns `undefined` when `ZHIMA_APP_ID` is not set; a
 * missing or unreadable key is a `UsageError` (exit 2).
 *
 * @example
 * ```ts
 * const settings = await gatewayFromEnv({ env: { ZHIMA_APP_ID: '2021000000000001', ZHIMA_PRIVATE_KEY_FILE: 'app.pem', ZHIMA_ALIPAY_PUBLIC_KEY_FILE: 'alipay.pem' } });
 * ```
 */
export async function gatewayFromEnv({ env }: { env: Env }): Promise<GatewaySettings | undefined> {
  if (!env.ZHIMA_APP_ID) return undefined;
  const privateKey = await keyFrom(env, 'ZHIMA_PRIVATE_KEY');
  const alipayPublicKey = await keyFrom(env, 'ZHIMA_ALIPAY_PUBLIC_KEY');
  if (!privateKey || !alipayPublicKey) {
    throw new UsageError({ message: 'ZHIMA_APP_ID is set: set ZHIMA_PRIVATE_KEY_FILE and ZHIMA_ALIPAY_PUBLIC_KEY_FILE too (or ZHIMA_PRIVATE_KEY and ZHIMA_ALIPAY_PUBLIC_KEY).' });
  }
  const gateway = env.ZHIMA_GATEWAY || PRODUCTION_GATEWAY;
  return {
    client: { appId: env.ZHIMA_APP_ID, privateKey, alipayPublicKey, gateway, signType: env.ZHIMA_SIGN_TYPE === 'RSA' ? 'RSA' : 'RSA2', charset: env.ZHIMA_REQUEST_CHARSET || 'utf-8' },
    gateway,
    description: `gateway ${gateway}, app ${env.ZHIMA_APP_ID}`,
  };
}
