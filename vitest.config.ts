import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
    // Files run one at a time: each uses its own key prefix, so they could share Redis, but many integration
    // tests assert latencies (isolation, push within a second) that two cores shared by parallel files blur.
    fileParallelism: false,
    globalSetup: ['tests/support/global-setup.ts'],
  },
});
