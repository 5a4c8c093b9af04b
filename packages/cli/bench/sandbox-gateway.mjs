// The real sandbox (`@zhima/sandbox`: verifies each request, validates each part, stores its records) as
// a benchmark gateway in a child process of its own, so its CPU is measured apart from the CLI's.
// Writes the app's private key and the Alipay public key into <keys-dir> for the CLI.
// Usage (forked by run.mjs): node bench/sandbox-gateway.mjs <keys-dir>
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSandbox } from '@zhima/sandbox';
import { serveUntilStopped } from './serve-child.mjs';

const [keysDir] = process.argv.slice(2);
const sandbox = await createSandbox();
const listening = await sandbox.listen({ host: '127.0.0.1', port: 0 });
const [app] = sandbox.apps;
const privateKeyFile = join(keysDir, 'sandbox_app_private_key.pem');
const alipayPublicKeyFile = join(keysDir, 'sandbox_alipay_public_key.pem');
writeFileSync(privateKeyFile, app.privateKey);
writeFileSync(alipayPublicKeyFile, sandbox.alipayPublicKey);
// serveUntilStopped closes the node:http server through this handle.
const server = { close: () => void listening.close() };
serveUntilStopped({
  server,
  ready: { gatewayUrl: listening.gatewayUrl, appId: app.appId, privateKeyFile, alipayPublicKeyFile },
  report: async () => ({ stored: sandbox.storedRecords({ appId: app.appId }).length, uploads: sandbox.uploads({ appId: app.appId }).length }),
});
