import { defineConfig } from 'vitest/config';

// End-to-end: the production build in real Chromium and Firefox against the local x.com.
// One file at a time: the fixture owns port 443 and the machine has two cores.
export default defineConfig({
  test: {
    include: ['tests/e2e/**/*.e2e.ts'],
    globalSetup: ['tests/e2e/harness/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default'],
  },
});
