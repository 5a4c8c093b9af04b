import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigFile } from '../src/config/config-file.js';
import { resolveGatewayConfig } from '../src/config/gateway-config.js';
import { resolveRecordsConfig } from '../src/config/records-config.js';
import type { CliIo } from '../src/io.js';
import { UsageError } from '../src/usage-error.js';
import { tempDir } from './support.js';

function io(cwd: string, env: Record<string, string> = {}): CliIo {
  return { stdout: { write: () => {} }, stderr: { write: () => {} }, env, cwd };
}

describe('configuration', () => {
  it('takes flags over environment variables over the config file; config paths are relative to the file', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'file.pem'), 'KEY FROM CONFIG FILE');
    await writeFile(join(dir, 'env.pem'), 'KEY FROM ENV FILE');
    await writeFile(join(dir, 'flag.pem'), 'KEY FROM FLAG FILE');
    await writeFile(join(dir, 'zhima.config.json'), JSON.stringify({ appId: 'file-app', privateKeyFile: 'file.pem', alipayPublicKey: 'PUB', gateway: 'http://file/gateway.do', signType: 'RSA', requestCharset: 'gbk' }));
    const file = await loadConfigFile({ path: undefined, io: io(dir) });

    const fromFile = await resolveGatewayConfig({ flags: {}, file, io: io('/'), needsAlipayPublicKey: true });
    expect(fromFile).toMatchObject({ appId: 'file-app', privateKey: 'KEY FROM CONFIG FILE', alipayPublicKey: 'PUB', gateway: 'http://file/gateway.do', signType: 'RSA', charset: 'gbk' });

    const env = { ZHIMA_APP_ID: 'env-app', ZHIMA_PRIVATE_KEY_FILE: 'env.pem', ZHIMA_GATEWAY: 'http://env/gateway.do', ZHIMA_SIGN_TYPE: 'RSA2', ZHIMA_REQUEST_CHARSET: 'UTF-8' };
    const fromEnv = await resolveGatewayConfig({ flags: {}, file, io: io(dir, env), needsAlipayPublicKey: true });
    expect(fromEnv).toMatchObject({ appId: 'env-app', privateKey: 'KEY FROM ENV FILE', gateway: 'http://env/gateway.do', signType: 'RSA2', charset: 'utf-8' });

    const fromFlags = await resolveGatewayConfig({ flags: { 'app-id': 'flag-app', 'private-key-file': 'flag.pem', gateway: 'http://flag/gateway.do' }, file, io: io(dir, env), needsAlipayPublicKey: true });
    expect(fromFlags).toMatchObject({ appId: 'flag-app', privateKey: 'KEY FROM FLAG FILE', gateway: 'http://flag/gateway.do' });

    // An inline key in the environment is used when no key file is named there or in flags.
    const inline = await resolveGatewayConfig({ flags: {}, file: {}, io: io(dir, { ZHIMA_APP_ID: 'a', ZHIMA_PRIVATE_KEY: 'INLINE', ZHIMA_ALIPAY_PUBLIC_KEY: 'P' }), needsAlipayPublicKey: true });
    expect(inline.privateKey).toBe('INLINE');
  });

  it('explains what is missing or wrong', async () => {
    const dir = await tempDir();
    const attempt = (env: Record<string, string>, flags = {}) => resolveGatewayConfig({ flags, file: {}, io: io(dir, env), needsAlipayPublicKey: true });
    await expect(attempt({})).rejects.toThrow(/No app id/);
    await expect(attempt({ ZHIMA_APP_ID: 'a' })).rejects.toThrow(/No private key/);
    await expect(attempt({ ZHIMA_APP_ID: 'a', ZHIMA_PRIVATE_KEY: 'k' })).rejects.toThrow(/No Alipay public key/);
    await expect(attempt({ ZHIMA_APP_ID: 'a', ZHIMA_PRIVATE_KEY_FILE: 'missing.pem' })).rejects.toThrow(/Cannot read the private key file missing\.pem: ENOENT/);
    await expect(attempt({ ZHIMA_APP_ID: 'a', ZHIMA_PRIVATE_KEY: 'k', ZHIMA_ALIPAY_PUBLIC_KEY: 'p', ZHIMA_SIGN_TYPE: 'MD5' })).rejects.toThrow(/RSA2 or RSA/);
    await expect(attempt({ ZHIMA_APP_ID: 'a', ZHIMA_PRIVATE_KEY: 'k', ZHIMA_ALIPAY_PUBLIC_KEY: 'p', ZHIMA_REQUEST_CHARSET: 'latin1' })).rejects.toBeInstanceOf(UsageError);
    await writeFile(join(dir, 'bad.json'), JSON.stringify({ appId: 1 }));
    await expect(loadConfigFile({ path: 'bad.json', io: io(dir) })).rejects.toThrow(/"appId" must be a string/);
    await writeFile(join(dir, 'typo.json'), JSON.stringify({ appID: 'x' }));
    await expect(loadConfigFile({ path: 'typo.json', io: io(dir) })).rejects.toThrow(/unknown keys appID/);
    await expect(loadConfigFile({ path: 'absent.json', io: io(dir) })).rejects.toThrow(/Cannot read the config file/);
  });

  it('resolves records settings from a template, with explicit columns winning', () => {
    const loan = resolveRecordsConfig({ flags: { template: 'loan' }, file: {} });
    expect(loan.columns).toHaveLength(13);
    expect(loan.primaryKeyColumns).toEqual(['order_no', 'pay_month']);
    expect(loan.rules).toBeDefined();
    const custom = resolveRecordsConfig({ flags: { template: 'loan', columns: 'order_no, pay_month' }, file: { fileCharset: 'gbk' } });
    expect(custom).toMatchObject({ columns: ['order_no', 'pay_month'], primaryKeyColumns: ['order_no', 'pay_month'], fileCharset: 'GBK' });
    expect(() => resolveRecordsConfig({ flags: { template: 'car' }, file: {} })).toThrow(/Unknown template/);
  });
});
