import { defineConfig, mergeConfig } from 'vitest/config';
import { sharedTestConfig } from '../../vitest.shared.js';

export default mergeConfig(
  sharedTestConfig,
  defineConfig({
    test: {
      // One throwaway PostgreSQL cluster and one PGlite template for all files.
      globalSetup: ['test/support/global-setup.ts'],
      testTimeout: 120_000,
      hookTimeout: 120_000,
    },
  }),
);
