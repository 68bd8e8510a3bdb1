import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { loadEnv, type RuntimeEnv } from '../../src/config/load-config.js';
import { deploymentKeyPattern } from '../../src/redis/keys.js';

/** The Redis every test file uses (the global setup made sure one answers). */
export const TEST_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A key prefix of its own for one test file, a Redis hash tag like the production one. */
export function uniquePrefix(label: string): string {
  return `{syn-test-${label}-${randomBytes(4).toString('hex')}}`;
}

/** Runtime settings for a test: its own prefix, loopback only, an admin token. */
export function testEnv(label: string, overrides: Partial<RuntimeEnv> = {}): RuntimeEnv {
  return {
    ...loadEnv({ REDIS_URL: TEST_REDIS_URL, ADMIN_TOKEN: 'test-admin-token', SYNDICATE_REDIS_PREFIX: uniquePrefix(label), PORT: '0' }),
    publicUrl: 'http://127.0.0.1:8080',
    ...overrides,
  };
}

/** Deletes every key under a prefix (SCAN + UNLINK), so test files leave Redis as they found it. */
export async function deleteKeys(prefix: string): Promise<void> {
  const redis = new Redis(TEST_REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', prefix.endsWith('}') ? deploymentKeyPattern(prefix) : `${prefix}*`, 'COUNT', 10_000);
      cursor = next;
      if (keys.length) await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
