import { defineConfig } from 'vitest/config';

/**
 * `npm run test:stress`: crash, restart and outage tests with real role processes (the compiled build) and Redis
 * servers of their own. Slow by nature, so kept out of `npm test` (whose config includes only tests/).
 */
export default defineConfig({
  test: {
    include: ['tests-stress/**/*.test.ts'],
    testTimeout: 900_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
