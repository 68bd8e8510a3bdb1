import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * Redis commands belong in store modules: the rest of the code asks a store (typed methods), so every key, script
 * and value format has one owner. This test reads src/ and fails on a Redis command called anywhere else.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SRC = join(ROOT, 'src');

/** The store modules: the only files that may send Redis commands. */
const STORE_MODULES = new Set([
  'src/redis/connection.ts',
  'src/redis/ensure-redis.ts',
  'src/redis/scripts.ts',
  'src/redis/server-memory.ts',
  // The move of an earlier version's key layout (syndicate redis migrate): it owns the old names, as keys.ts the new.
  'src/redis/layout-migration.ts',
  'src/catalog/catalog.ts',
  'src/publish/item-store.ts',
  'src/catalog/token-store.ts',
  'src/dedup/story-index.ts',
  'src/deliver/endpoint-state.ts',
  'src/net/host-politeness.ts',
  'src/publish/websub-store.ts',
  'src/fetch/source-status.ts',
  'src/fetch/seen-entries.ts',
  'src/fetch/feed-subscriptions.ts',
  'src/people/people-store.ts',
  'src/dedup/translation-index.ts',
]);

/** Redis commands as ioredis names its methods (the ones this code base could plausibly call). */
const COMMANDS = new Set(
  (
    'append bitcount blpop brpop copy dbsize decr decrby del dump eval evalsha exists expire expireat flushall flushdb get getdel getex getset ' +
    'hdel hexists hget hgetall hincrby hincrbyfloat hkeys hlen hmget hmset hscan hset hsetnx hvals incr incrby info keys lindex linsert llen ' +
    'lpop lpush lrange lrem lset ltrim mget mset msetnx multi persist pexpire pexpireat pipeline psubscribe pttl publish rename renamenx rpop ' +
    'rpush sadd scan scard script sdiff set setex setnx sinter sismember smembers smismember spop srandmember srem sscan subscribe sunion ' +
    'time ttl type unlink unsubscribe xadd xrange zadd zcard zcount zincrby zrange zrangebyscore zrank zrem zremrangebyrank ' +
    'zremrangebyscore zrevrange zrevrangebyscore zscan zscore'
  ).split(' '),
);

/** A command called on something named like a connection (`redis`, `ctx.redis`, `this.redis`, `connection`, a pub/sub `subscriber`). */
const CALL = /\b(?:redis|connection|client|subscriber)\s*\.\s*([a-z]+)\s*\(/gi;

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? tsFiles(path) : name.endsWith('.ts') ? [path] : [];
  });
}

/** Call sites of Redis commands per file outside the store modules. */
function rawCallSites(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const path of tsFiles(SRC)) {
    const file = relative(ROOT, path).split('\\').join('/');
    if (STORE_MODULES.has(file)) continue;
    const code = readFileSync(path, 'utf8').replace(/\/\*[\s\S]*?\*\/|(?<!\/)\/\/.*$/gm, '');
    const count = [...code.matchAll(CALL)].filter((m) => COMMANDS.has(m[1]!.toLowerCase())).length;
    if (count > 0) out[file] = count;
  }
  return out;
}

describe('Redis commands only in store modules', () => {
  it('finds none outside the stores', () => {
    expect(rawCallSites(), 'Redis commands outside a store module: move them into one (see runtime/stores.ts)').toEqual({});
  });

  it('knows only store modules that exist, and each is built in createStores (runtime/stores.ts)', () => {
    const stores = readFileSync(join(SRC, 'runtime/stores.ts'), 'utf8');
    for (const file of STORE_MODULES) {
      expect(statSync(join(ROOT, file)).isFile(), file).toBe(true);
      if (file.startsWith('src/redis/')) continue; // the connection and the script loader: what stores are built on
      expect(stores, `${file} is not imported by runtime/stores.ts`).toContain(`'../${file.slice('src/'.length).replace(/\.ts$/, '.js')}'`);
    }
  });

  it('recognises a raw command where it would be one', () => {
    const sample = 'await ctx.redis.hgetall(key); await this.redis.set(k, v); redis.on("error", f); ctx.redis.disconnect(); subscriber.subscribe(c);';
    expect([...sample.matchAll(CALL)].filter((m) => COMMANDS.has(m[1]!.toLowerCase())).map((m) => m[1])).toEqual(['hgetall', 'set', 'subscribe']);
  });
});
