import { defineConfig, mergeConfig } from 'vitest/config';
import { sharedTestConfig } from '../../vitest.shared.js';

export default mergeConfig(
  sharedTestConfig,
  defineConfig({
    test: {
      // 100k-record files, a sandbox and subprocesses: one file at a time on a 2-core machine, so
      // memory stays bounded and the slow-link tests are not starved of CPU.
      fileParallelism: false,
      testTimeout: 180_000,
      hookTimeout: 120_000,
    },
  }),
);
