import { defineConfig } from 'vitest/config';
import { WxtVitest } from 'wxt/testing';
import { callDefaultsFromEnv } from './lib/config/build-defaults';

// What wxt.config.ts defines for a build without SOTTO_* settings: the code that reads it
// (the background's handlers) is unit-tested too.
const callDefaults = callDefaultsFromEnv({});
if (!callDefaults.ok) throw new Error('the default call settings do not validate');

// Unit tests: fast, no real browser. Browser APIs come from WXT's fake browser;
// IndexedDB from fake-indexeddb where a test imports it.
export default defineConfig({
  plugins: [WxtVitest()],
  define: { __SOTTO_CALL_DEFAULTS__: JSON.stringify(callDefaults.value) },
  test: {
    include: ['tests/unit/**/*.test.ts', 'tests/unit/**/*.test.tsx'],
    environment: 'node',
    testTimeout: 30_000,
  },
});
