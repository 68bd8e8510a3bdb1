import type { FastifyInstance } from 'fastify';
import { pino, type Logger } from 'pino';
import { buildApp } from '../../src/api/app.js';
import { parseConfig } from '../../src/config/load-config.js';
import { closeContext, createContext, type AppContext } from '../../src/runtime/context.js';
import { deleteKeys, testEnv } from './redis.js';

/** The admin token of {@link openTestApp}'s app, and the header that presents it. */
export const TEST_ADMIN_TOKEN = 'test-admin-token';
export const testAuth = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };

/**
 * The HTTP app on the test Redis under a prefix of its own, its catalogue seeded from `rawConfig` (validated like
 * the YAML file), for `app.inject()`. `close()` closes the app and its connections and deletes the test's keys.
 * `logger` (silent by default) serves both the context and the app, for tests that read the log.
 */
export async function openTestApp(
  label: string,
  rawConfig: Record<string, unknown>,
  logger: Logger = pino({ level: 'silent' }),
): Promise<{ ctx: AppContext; app: FastifyInstance; close(): Promise<void> }> {
  const config = parseConfig(rawConfig);
  const ctx = createContext(testEnv(label, { adminToken: TEST_ADMIN_TOKEN }), config, logger);
  await ctx.catalog.seedFromConfig(config);
  const app = await buildApp({ ctx, adminToken: TEST_ADMIN_TOKEN, logger });
  return {
    ctx,
    app,
    async close() {
      await app.close();
      await closeContext(ctx);
      await deleteKeys(ctx.env.redisPrefix);
    },
  };
}
