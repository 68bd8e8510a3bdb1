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

  /** Whether the source handed down this very entry (same key, same digest) before. */
  async unchanged(sourceId: string, entryKey: string, digest: string): Promise<boolean> {
    return (await this.redis.hget(this.keys.sourceSeen(sourceId), entryKey)) === digest;
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
