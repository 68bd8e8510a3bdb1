import { Cluster, Redis, type RedisOptions } from 'ioredis';

/**
 * Where Redis is: one server (`url`), or a Redis Cluster (`cluster`: seed nodes, from `REDIS_CLUSTER_NODES`). On a
 * cluster every key carries one of the deployment's slot-group tags (`{syndicate}`, `{syndicate:fetch}`…, keys.ts):
 * each group is one slot, so multi-key scripts work, and the groups spread over the masters.
 */
export interface RedisTarget {
  url: string;
  cluster?: Array<{ host: string; port: number }> | null;
}

/**
 * Opens a connection to `target` with `options`: an ioredis `Redis`, or a `Cluster` with the same options per node.
 * A Cluster speaks the same commands, so it is typed as `Redis` for the rest of the code.
 */
function connect(target: string | RedisTarget, options: RedisOptions): Redis {
  const { url, cluster } = typeof target === 'string' ? { url: target, cluster: null } : target;
  if (!cluster?.length) return new Redis(url, options);
  const { password, username } = new URL(url);
  const { maxRetriesPerRequest, enableOfflineQueue, ...nodeOptions } = options;
  return new Cluster(cluster, {
    redisOptions: {
      ...nodeOptions,
      ...(password ? { password: decodeURIComponent(password) } : {}),
      ...(username ? { username: decodeURIComponent(username) } : {}),
    },
    ...(maxRetriesPerRequest !== undefined ? { maxRetriesPerRequest } : {}),
    ...(enableOfflineQueue !== undefined ? { enableOfflineQueue } : {}),
    lazyConnect: options.lazyConnect,
  } as ConstructorParameters<typeof Cluster>[1]) as unknown as Redis;
}

/**
 * A connection for BullMQ workers: commands wait through reconnects (`maxRetriesPerRequest: null`), as BullMQ asks.
 */
export function createWorkerConnection(url: string | RedisTarget, options: RedisOptions = {}): Redis {
  return connect(url, { maxRetriesPerRequest: null, connectionName: 'syndicate-worker', ...options });
}

/**
 * A connection for request handlers: fails fast when Redis is away (no offline queue, one retry), so an HTTP
 * request errors instead of hanging. Workers' stores use {@link createStoreConnection}.
 */
export function createClientConnection(url: string | RedisTarget, options: RedisOptions = {}): Redis {
  return connect(url, {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    connectionName: 'syndicate-client',
    lazyConnect: false,
    ...options,
  });
}

/**
 * A connection for the stores and producers that workers use: a command issued during an outage waits for the
 * reconnect (offline queue, no retry limit) instead of failing the job's attempt, as BullMQ's own commands do.
 */
export function createStoreConnection(url: string | RedisTarget, options: RedisOptions = {}): Redis {
  return connect(url, { maxRetriesPerRequest: null, enableOfflineQueue: true, connectionName: 'syndicate-store', ...options });
}

/** A second connection like `redis` (e.g. for SUBSCRIBE), on a Cluster too (whose `duplicate` takes nodes first). */
export function duplicateConnection(redis: Redis, options: Pick<RedisOptions, 'enableOfflineQueue'> = {}): Redis {
  if (redis instanceof Cluster) return (redis as Cluster).duplicate(undefined, options) as unknown as Redis;
  return redis.duplicate(options);
}

/** Resolves once the connection is ready (or rejects after `timeoutMs`; `Infinity` waits for good). */
export async function waitReady(redis: Redis, timeoutMs = 5_000): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const onReady = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = Number.isFinite(timeoutMs)
      ? setTimeout(() => {
          redis.off('ready', onReady);
          reject(new Error(`Redis not ready after ${timeoutMs} ms`));
        }, timeoutMs)
      : undefined;
    redis.once('ready', onReady);
  });
}
