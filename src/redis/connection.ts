import { Redis, type RedisOptions } from 'ioredis';

/**
 * A connection for BullMQ workers: commands wait through reconnects (`maxRetriesPerRequest: null`), as BullMQ asks.
 */
export function createWorkerConnection(url: string, options: RedisOptions = {}): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, connectionName: 'syndicate-worker', ...options });
}

/**
 * A connection for request handlers: fails fast when Redis is away (no offline queue, one retry), so an HTTP
 * request errors instead of hanging. Workers' stores use {@link createStoreConnection}.
 */
export function createClientConnection(url: string, options: RedisOptions = {}): Redis {
  return new Redis(url, {
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
export function createStoreConnection(url: string, options: RedisOptions = {}): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, enableOfflineQueue: true, connectionName: 'syndicate-store', ...options });
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
