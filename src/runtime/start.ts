import type { RuntimeEnv } from '../config/load-config.js';
import type { SyndicationConfig } from '../config/schema.js';
import type { Logger } from '../core/logger.js';
import { closeQueues } from '../queues/queues.js';
import { ensureRedis, type RedisHandle } from '../redis/ensure-redis.js';
import { waitReady } from '../redis/connection.js';
import { createContext, type AppContext } from './context.js';
import type { RoleDefinition, RoleHandle } from './role.js';

/** A running process: its context and roles, and how to stop it. */
export interface RunningSystem {
  ctx: AppContext;
  roles: RoleHandle[];
  /** Drains and stops everything within the configured grace period. */
  stop(reason?: string): Promise<void>;
}

/**
 * Starts the given roles in this process: finds (or starts) Redis, seeds the catalog from the config file and
 * starts each role. A process without the api role starts `health` instead (when given), so it still answers
 * health checks on PORT. Stopping turns readiness to 503 first, then closes every worker role at once (each
 * within the grace period), then the HTTP side last, so readiness keeps saying 503 while the workers drain.
 */
export async function startSystem(
  env: RuntimeEnv,
  config: SyndicationConfig,
  roles: RoleDefinition[],
  logger: Logger,
  { redisDataDir = './data', health }: { redisDataDir?: string; health?: RoleDefinition } = {},
): Promise<RunningSystem> {
  const redisHandle: RedisHandle = await ensureRedis(env.redisUrl, redisDataDir, (msg) => logger.warn(msg));
  const ctx = createContext(env, config, logger);
  await waitReady(ctx.redis);
  await ctx.catalog.seedFromConfig(config);
  const handles: RoleHandle[] = [];
  for (const role of roles) {
    handles.push(await role.start(ctx));
    logger.info({ role: role.name }, 'role started');
  }
  if (health && !roles.some((r) => r.name === 'api')) handles.push(await health.start(ctx));
  let stopping: Promise<void> | null = null;
  const stop = (reason = 'stop') =>
    (stopping ??= (async () => {
      ctx.state.draining = true;
      const grace = config.limits.shutdownGrace;
      logger.info({ reason, graceMs: grace }, 'shutting down: readiness is now 503');
      const close = (handle: RoleHandle) =>
        handle.close(grace).catch((err) => logger.warn({ role: handle.name, err: (err as Error).message }, 'role did not close cleanly'));
      // Workers drain together; the API goes last, so readiness says 503 while they do.
      await Promise.all(handles.filter((h) => h.name !== 'api').map(close));
      await Promise.all(handles.filter((h) => h.name === 'api').map(close));
      await Promise.race([closeQueues(ctx.queues), new Promise((resolve) => setTimeout(resolve, 2_000))]);
      ctx.redis.disconnect();
      ctx.workerRedis.disconnect();
      await redisHandle.stop();
      logger.info('stopped');
    })());
  return { ctx, roles: handles, stop };
}
