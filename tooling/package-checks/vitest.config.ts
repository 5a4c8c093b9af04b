import { defineConfig, mergeConfig } from 'vitest/config';
import { sharedTestConfig } from '../../vitest.shared.js';

export default mergeConfig(
  sharedTestConfig,
  defineConfig({
    test: {
      // Packing, npm installs and whole runtimes: one file at a time on this 2-core machine.
      fileParallelism: false,
      testTimeout: 240_000,
      hookTimeout: 300_000,
    },
  }),
);
