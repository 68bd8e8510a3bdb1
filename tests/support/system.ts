import { pino } from 'pino';
import { parseConfig } from '../../src/config/load-config.js';
import type { RuntimeEnv } from '../../src/config/load-config.js';
import type { Clock } from '../../src/core/clock.js';
import type { RoleName } from '../../src/runtime/role.js';
import { startSystem, type RunningSystem } from '../../src/runtime/start.js';
import { ROLES } from '../../workers/index.js';
import { deleteKeys, testEnv } from './redis.js';

/** The worker roles (everything but the HTTP listener, which tests drive through `buildApp().inject()`). */
export const WORKER_ROLES: RoleName[] = ['scheduler', 'fetch', 'normalize', 'dedup', 'publish', 'deliver', 'websub'];

/**
 * Starts the real system on the test Redis under a prefix of its own, with the given raw config (validated like
 * the YAML file; loopback allowed). `cleanup()` stops it (if not yet stopped) and deletes the test's keys.
 */
export async function startTestSystem(
  label: string,
  rawConfig: Record<string, unknown>,
  roles: RoleName[] = WORKER_ROLES,
  env: RuntimeEnv = testEnv(label),
  clock?: Clock,
): Promise<RunningSystem & { env: RuntimeEnv; cleanup(): Promise<void> }> {
  const config = parseConfig({ network: { allowHosts: ['127.0.0.1', 'localhost'] }, ...rawConfig });
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const system = await startSystem(
    env,
    config,
    roles.map((r) => ROLES[r]),
    logger,
    { clock },
  );
  return {
    ...system,
    env,
    async cleanup() {
      await system.stop('test cleanup');
      await deleteKeys(env.redisPrefix);
    },
  };
}
