import { fileURLToPath } from 'node:url';
import { defineConfig, mergeConfig } from 'vitest/config';
import { sharedTestConfig } from '../../vitest.shared.js';

export default mergeConfig(
  sharedTestConfig,
  defineConfig({
    // Tests run on Node, so the `#rsa-engine` import resolves as the package's `node` condition does;
    // test/rsa-engines.test.ts checks the WebCrypto engine directly.
    resolve: { alias: { '#rsa-engine': fileURLToPath(new URL('./src/node/rsa-engine.ts', import.meta.url)) } },
  }),
);
