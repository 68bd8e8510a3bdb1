import type { RuntimeEnv } from '../config/load-config.js';
import type { SyndicationConfig } from '../config/schema.js';
import { systemClock, type Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import { DeliveryTargets } from '../net/delivery-targets.js';
import { createNetworkGuard } from '../net/network-guard.js';
import { PipelineQueues } from '../queues/queues.js';
import type { StageServices } from '../queues/stage-services.js';
import { createStageMetrics } from '../queues/stage-metrics.js';
import { createStoreConnection, createWorkerConnection } from '../redis/connection.js';
import { redisKeys } from '../redis/keys.js';
import { sandboxFromConfig } from '../sandbox/sandbox.js';
import { createStores, type Stores } from './stores.js';

/**
 * Everything a role needs, built once per process: settings, connections, stores (see stores.ts) and queue
 * producers; nothing is built lazily elsewhere. Each stage declares the part it uses (`FetchDeps`, `PublishDeps`,
 * `DeliverDeps`…: services by name and the stores by their own types), and the workers hand it the whole context, so
 * tests build one against their own key prefix and pass it anywhere.
 */
export interface AppContext extends StageServices, Stores {}

/** Builds the context (opens connections; call `closeContext` to release them). */
export function createContext(env: RuntimeEnv, config: SyndicationConfig, logger: Logger, clock: Clock = systemClock): AppContext {
  const target = { url: env.redisUrl, cluster: env.redisCluster };
  const redis = createStoreConnection(target);
  const workerRedis = createWorkerConnection(target);
  for (const connection of [redis, workerRedis])
    connection.on('error', (err) => logger.warn({ code: 'SYN_ERR_REDIS_UNAVAILABLE', err: err.message }, 'Redis connection error'));
  const keys = redisKeys(env.redisPrefix);
  const guard = createNetworkGuard(config);
  const metrics = createStageMetrics();
  return {
    env,
    config,
    logger,
    clock,
    redis,
    workerRedis,
    keys,
    ...createStores(redis, keys, config, logger, clock),
    queues: new PipelineQueues(workerRedis, env.redisPrefix, config.delivery.retrySchedule.length + 1, config.limits),
    guard,
    deliveryTargets: new DeliveryTargets(guard.allow),
    metrics,
    sandbox: sandboxFromConfig(config.limits, {
      overrun: (task, reason) => metrics.sandboxOverruns.inc({ task, reason }),
      threadKilled: (task, reason) => metrics.sandboxThreadsKilled.inc({ task, reason }),
      queueTimeout: (task) => metrics.sandboxQueueTimeouts.inc({ task }),
    }),
    state: { draining: false, starting: false, workersRunning: 0 },
  };
}

/**
 * Releases what {@link createContext} opened: the queue producers (at most 2 s: closing waits for Redis, which may
 * be away) and both connections.
 */
export async function closeContext(ctx: AppContext): Promise<void> {
  await Promise.race([ctx.queues.close(), new Promise((resolve) => setTimeout(resolve, 2_000))]);
  ctx.redis.disconnect();
  ctx.workerRedis.disconnect();
  await ctx.sandbox.close();
}
