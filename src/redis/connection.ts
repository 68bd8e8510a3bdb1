import { Redis, type RedisOptions } from 'ioredis';

/**
 * A connection for BullMQ workers: commands wait through reconnects (`maxRetriesPerRequest: null`), as BullMQ asks.
 */
export function createWorkerConnection(url: string, options: RedisOptions = {}): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, connectionName: 'syndicate-worker', ...options });
}

/**
 * A connection for request handlers and producers: fails fast when Redis is away, so an HTTP request errors
 * instead of hanging.
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

/** Resolves once the connection is ready (or rejects after `timeoutMs`). */
export async function waitReady(redis: Redis, timeoutMs = 5_000): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Redis not ready after ${timeoutMs} ms`)), timeoutMs);
    redis.once('ready', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
