import type { Redis } from 'ioredis';
import type { RedisKeys } from '../redis/keys.js';

/**
 * What each source already handed downstream: per source, entry key (guid, else link, else title) → digest of the
 * raw entry. An entry whose digest is unchanged costs nothing on the next fetch or push. The hash lives as long as
 * stories are kept (`limits.retention`), renewed on every ingest.
 */
export class SeenEntries {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly retentionSeconds: number,
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

  /** Remembers an entry once it is handed to normalize. */
  async remember(sourceId: string, entryKey: string, digest: string): Promise<void> {
    await this.redis.hset(this.keys.sourceSeen(sourceId), entryKey, digest);
  }

  /** Keeps the source's memory for another retention period (after each ingest). */
  async renew(sourceId: string): Promise<void> {
    await this.redis.expire(this.keys.sourceSeen(sourceId), this.retentionSeconds);
  }
}
