import { defineConfig } from 'vitest/config';

/**
 * The test config every package extends: the default reporter for people, plus vitest's JSON report
 * that `.ci/run` sums into its closing `N passed, N failed` line.
 */
export const sharedTestConfig = defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    reporters: ['default', 'json'],
    outputFile: { json: '.test-results/vitest.json' },
    testTimeout: 90_000,
    hookTimeout: 90_000,
  },
});
