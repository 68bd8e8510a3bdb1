import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Integration files share one Redis; each uses its own key prefix, so files may run in parallel.
    pool: 'forks',
    globalSetup: ['tests/support/global-setup.ts'],
  },
});
