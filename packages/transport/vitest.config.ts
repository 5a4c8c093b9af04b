import { defineConfig, mergeConfig } from 'vitest/config';
import { sharedTestConfig } from '../../vitest.shared.js';

// Tests run the ESM sources: src/undici/undici-module.ts takes its ESM branch (tsup sets it per format).
export default mergeConfig(sharedTestConfig, defineConfig({ define: { __ESM_BUILD__: 'true' } }));
