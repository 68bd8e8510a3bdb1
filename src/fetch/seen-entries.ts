import type { Redis } from 'ioredis';
import type { RedisKeys } from '../redis/keys.js';
import { luaScript, runScript } from '../redis/scripts.js';

const PRUNE = luaScript('seen-prune');
const RELIST = luaScript('seen-relist');

/**
 * What each source already handed downstream: per source, entry key (guid, else link, else title) → digest of the
 * raw entry. An entry whose digest is unchanged costs nothing on the next fetch or push. Each entry also carries the
 * time (pipeline clock) its feed last listed it; the retention sweep prunes entries not listed for
 * `limits.retention` ({@link SeenEntries.prune}), never one still in the feed. Both keys also get a Redis TTL as a
 * backstop (a source nobody fetches any more), renewed on every ingest.
 */
export class SeenEntries {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly backstopSeconds: number,
  ) {}

  /**
   * For each entry, whether the source handed down this very entry (same key, same digest) before: one round trip
   * for a whole document, however many entries it has.
   */
  async unchanged(sourceId: string, entries: readonly { key: string; digest: string }[]): Promise<boolean[]> {
    if (!entries.length) return [];
    const known = await this.redis.hmget(this.keys.sourceSeen(sourceId), ...entries.map((entry) => entry.key));
    return entries.map((entry, i) => known[i] === entry.digest);
  }

  /** Remembers an entry once it is handed to normalize, listed at `now`. */
  async remember(sourceId: string, entryKey: string, digest: string, now: number): Promise<void> {
    await this.redis.multi().hset(this.keys.sourceSeen(sourceId), entryKey, digest).zadd(this.keys.sourceSeenAt(sourceId), now, entryKey).exec();
  }

  /** Remembers entries (`key` in the source, `entryDigest` their version) once they are handed to normalize, listed at `now`. */
  async rememberAll(sourceId: string, entries: ReadonlyArray<{ key: string; entryDigest: string }>, now: number): Promise<void> {
    if (!entries.length) return;
    await this.redis
      .multi()
      .hset(this.keys.sourceSeen(sourceId), ...entries.flatMap(({ key, entryDigest }) => [key, entryDigest]))
      .zadd(this.keys.sourceSeenAt(sourceId), ...entries.flatMap(({ key }) => [String(now), key]))
      .exec();
  }

  /**
   * After each document read: stamps the remembered entries it lists (`entryKeys`) as listed at `now`, and keeps
   * the source's memory for another backstop period.
   */
  async listed(sourceId: string, entryKeys: readonly string[], now: number): Promise<void> {
    const multi = this.redis.multi();
    if (entryKeys.length) multi.zadd(this.keys.sourceSeenAt(sourceId), 'XX', ...entryKeys.flatMap((key) => [String(now), key]));
    await multi.expire(this.keys.sourceSeen(sourceId), this.backstopSeconds).expire(this.keys.sourceSeenAt(sourceId), this.backstopSeconds).exec();
  }

  /** The feed answered 304: the entries of its last document are listed still. */
  async listedAgain(sourceId: string, now: number): Promise<void> {
    await runScript(this.redis, RELIST, [this.keys.sourceSeenAt(sourceId)], [now]);
    await this.redis.multi().expire(this.keys.sourceSeen(sourceId), this.backstopSeconds).expire(this.keys.sourceSeenAt(sourceId), this.backstopSeconds).exec();
  }

  /**
   * Forgets entries last listed before `cutoff` that the feed no longer lists (see redis/lua/seen-prune.lua), at
   * most `limit` per call. Answers how many went.
   */
  async prune(sourceId: string, cutoff: number, limit = 10_000): Promise<number> {
    return Number(await runScript(this.redis, PRUNE, [this.keys.sourceSeen(sourceId), this.keys.sourceSeenAt(sourceId)], [cutoff, limit]));
  }

  /**
   * Gives entries remembered before listing times were kept (no stamp) the stamp `now`; idempotent. Answers how
   * many it stamped.
   */
  async adoptUntracked(sourceId: string, now: number): Promise<number> {
    const keys = await this.redis.hkeys(this.keys.sourceSeen(sourceId));
    let adopted = 0;
    for (let i = 0; i < keys.length; i += 1000)
      adopted += await this.redis.zadd(this.keys.sourceSeenAt(sourceId), 'NX', ...keys.slice(i, i + 1000).flatMap((key) => [String(now), key]));
    return adopted;
  }

  /** Forgets a removed source's entries. */
  async forget(sourceId: string): Promise<void> {
    await this.redis.del(this.keys.sourceSeen(sourceId), this.keys.sourceSeenAt(sourceId));
  }
}
