import { ensureRedis, type RedisHandle } from '../../src/redis/ensure-redis.js';

let handle: RedisHandle | undefined;

/** `npm test` finds Redis the same way `npm start` does (REDIS_URL, else a private redis-server). */
export async function setup(): Promise<void> {
  const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  handle = await ensureRedis(url, './data/test-redis', (msg) => console.log(msg), { mayStart: !process.env.REDIS_URL });
  process.env.REDIS_URL = url;
}

export async function teardown(): Promise<void> {
  await handle?.stop();
}
