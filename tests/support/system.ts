import { pino } from 'pino';
import { parseConfig } from '../../src/config/load-config.js';
import type { RuntimeEnv } from '../../src/config/load-config.js';
import type { Clock } from '../../src/core/clock.js';
import type { NormalizedItem } from '../../src/core/item.js';
import type { AppContext } from '../../src/runtime/context.js';
import type { RoleName } from '../../src/runtime/role.js';
import { startSystem, type RunningSystem } from '../../src/runtime/start.js';
import { ROLES } from '../../workers/index.js';
import { waitFor, type LoopbackServer } from './http.js';
import { deleteKeys, testEnv } from './redis.js';

/** The worker roles (everything but the HTTP listener, which tests drive through `buildApp().inject()`). */
export const WORKER_ROLES: RoleName[] = ['scheduler', 'fetch', 'normalize', 'dedup', 'publish', 'deliver', 'websub'];

/** The roles that read a source through to its stored items: no delivery, no WebSub. */
export const READING_ROLES: RoleName[] = ['scheduler', 'fetch', 'normalize', 'dedup', 'publish'];

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

/** The stored items of one source (among the newest 100), newest first, once there are at least `count`. */
export function storedItemsOf(ctx: AppContext, sourceId: string, count = 1, timeoutMs = 30_000): Promise<NormalizedItem[]> {
  return waitFor(
    `${count} stored items of ${sourceId}`,
    async () => {
      const items = (await ctx.items.latest(100)).filter((item) => item.source.id === sourceId);
      return items.length >= count ? items : null;
    },
    timeoutMs,
  );
}

/** A source's status once `ready` holds for it (waits up to `timeoutMs`). */
export function sourceStatusWhen(
  ctx: AppContext,
  sourceId: string,
  ready: (status: Awaited<ReturnType<AppContext['sourceStatus']['get']>>) => unknown,
  timeoutMs = 20_000,
): ReturnType<AppContext['sourceStatus']['get']> {
  return waitFor(
    `the status of ${sourceId}`,
    async () => {
      const status = await ctx.sourceStatus.get(sourceId);
      return ready(status) ? status : null;
    },
    timeoutMs,
  );
}

/** Stops a test system, then the loopback servers it read; those a failed `beforeAll` never started are skipped. */
export async function stopSystemAndServers(system: { cleanup(): Promise<void> } | undefined, ...servers: Array<LoopbackServer | undefined>): Promise<void> {
  await system?.cleanup();
  for (const server of servers) await server?.close();
}
