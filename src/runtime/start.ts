import type { RuntimeEnv } from '../config/load-config.js';
import type { SyndicationConfig } from '../config/schema.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import { ensureRedis, type RedisHandle } from '../redis/ensure-redis.js';
import { waitReady } from '../redis/connection.js';
import { hasOneTagLayout } from '../redis/layout-migration.js';
import { closeContext, createContext, type AppContext } from './context.js';
import type { HealthListener, RoleDefinition, RoleHandle } from './role.js';

/** A running process: its context and roles, and how to stop it. */
export interface RunningSystem {
  ctx: AppContext;
  roles: RoleHandle[];
  /** Drains and stops everything within the configured grace period. */
  stop(reason?: string): Promise<void>;
}

/** How a process finds Redis. */
export interface StartOptions {
  /** Where a private Redis keeps its data. */
  redisDataDir?: string;
  /**
   * What answers `/healthz`, `/readyz` and `/metrics` on PORT while waiting for Redis and when the api role is not
   * among the roles (workers/ passes it; without it, nothing listens).
   */
  health?: HealthListener;
  /**
   * Start a private Redis when nothing answers: only `npm start` / `syndicate start` with no `--roles` and no
   * `REDIS_URL` (the one-command demo). Any other process waits for the operator's Redis instead: a second, empty
   * Redis on the configured port would take the real one's place for every worker (see the contract).
   */
  mayStartRedis?: boolean;
  /** The pipeline's clock (default: the system's); the soak test runs a year on a fast one. */
  clock?: Clock;
}

/**
 * Waits, however long it takes, until Redis answers: a role started while Redis is down (a supervisor restarting a
 * container) starts nothing of its own and reports not ready (`/readyz` 503 on PORT) meanwhile.
 */
async function waitForRedis(ctx: AppContext, logger: Logger, health: HealthListener | undefined): Promise<void> {
  const answers = await waitReady(ctx.redis, 2_000).then(
    () => true,
    () => false,
  );
  if (answers) return;
  logger.warn(
    { code: 'SYN_ERR_REDIS_UNAVAILABLE', redis: ctx.env.redisUrl },
    'Redis does not answer: waiting for it (not ready meanwhile; this process never starts a Redis of its own)',
  );
  const listening = health ? await health(ctx) : null;
  await waitReady(ctx.redis, Number.POSITIVE_INFINITY);
  await listening?.close();
  logger.info({ redis: ctx.env.redisUrl }, 'Redis answers: starting');
}

/**
 * Starts the given roles in this process: finds Redis (waiting for it, or starting a private one only when
 * `mayStartRedis`), seeds the catalog from the config file and starts each role. A process without the api role
 * still answers health checks on PORT (`health`). Stopping turns readiness to 503 first, then closes every worker
 * role at once (each within the grace period), then the HTTP side last, so readiness keeps saying 503 while the
 * workers drain.
 */
export async function startSystem(
  env: RuntimeEnv,
  config: SyndicationConfig,
  roles: RoleDefinition[],
  logger: Logger,
  { redisDataDir = './data', health, mayStartRedis = false, clock }: StartOptions = {},
): Promise<RunningSystem> {
  const redisHandle: RedisHandle = mayStartRedis
    ? await ensureRedis(env.redisUrl, redisDataDir, (msg) => logger.warn(msg), { mayStart: true })
    : { url: env.redisUrl, startedHere: false, stop: async () => {} };
  const ctx = createContext(env, config, logger, clock);
  // Every sandbox thread loads its parsers while Redis is found: the first documents wait for no thread start.
  const warm = ctx.sandbox.warm();
  warm.catch(() => undefined); // awaited below; not unhandled if finding Redis fails first
  await waitForRedis(ctx, logger, health);
  if (await hasOneTagLayout(ctx.redis, env.redisPrefix))
    logger.warn(
      { prefix: env.redisPrefix },
      'keys of an earlier version (one hash tag for all) are here: stop every process and run `syndicate redis migrate` once, or their queued jobs stay unrun and the stories they indexed unseen (src/redis/README.md)',
    );
  await ctx.catalog.seedFromConfig(config);
  await warm;
  const handles: RoleHandle[] = [];
  // Readiness says 503 until every role runs: the api role starts first and would otherwise answer for workers
  // that are not running yet.
  ctx.state.starting = true;
  for (const role of roles) {
    handles.push(await role.start(ctx));
    logger.info({ role: role.name }, 'role started');
  }
  ctx.state.starting = false;
  if (health && !roles.some((r) => r.name === 'api')) {
    const listening = await health(ctx);
    logger.info({ address: listening.address }, 'health endpoints listening (/healthz, /readyz, /metrics)');
    handles.push({ name: 'api', close: () => listening.close() });
  }
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
      await closeContext(ctx);
      await redisHandle.stop();
      logger.info('stopped');
    })());
  return { ctx, roles: handles, stop };
}
