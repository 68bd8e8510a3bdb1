import type { Redis } from 'ioredis';
import type { RedisKeys } from '../redis/keys.js';

/** One verified subscription of a callback to a topic (a channel's current feed in one format). */
export interface WebSubSubscription {
  topic: string;
  callback: string;
  /** HMAC key for `X-Hub-Signature`; null when the subscriber gave none. */
  secret: string | null;
  leaseSeconds: number;
  expiresAt: number;
}

/** Verified subscriptions in Redis: one hash per topic, callback → subscription; expired leases are pruned on read. */
export class WebSubStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  /** Stores a verified subscription (replacing the callback's earlier one for this topic). */
  async save(sub: WebSubSubscription): Promise<void> {
    await this.redis.hset(this.keys.websubSubscriptions(sub.topic), sub.callback, JSON.stringify(sub));
  }

  /** Removes a subscription and what was last pushed to it; answers whether there was one. */
  async remove(topic: string, callback: string): Promise<boolean> {
    const [[, removed]] = (await this.redis
      .multi()
      .hdel(this.keys.websubSubscriptions(topic), callback)
      .hdel(this.keys.websubPushed(topic), callback)
      .exec()) as [[Error | null, number]];
    return removed === 1;
  }

  /** The subscriptions of a topic whose lease runs at `now`; expired ones are deleted on the way. */
  async active(topic: string, now: number): Promise<WebSubSubscription[]> {
    const all = Object.values(await this.redis.hgetall(this.keys.websubSubscriptions(topic))).map((row) => JSON.parse(row) as WebSubSubscription);
    const expired = all.filter((sub) => sub.expiresAt <= now).map((sub) => sub.callback);
    if (expired.length)
      await this.redis
        .multi()
        .hdel(this.keys.websubSubscriptions(topic), ...expired)
        .hdel(this.keys.websubPushed(topic), ...expired)
        .exec();
    return all.filter((sub) => sub.expiresAt > now);
  }

  /** Digest of the last document a callback accepted for a topic (null before the first). */
  async lastPushed(topic: string, callback: string): Promise<string | null> {
    return this.redis.hget(this.keys.websubPushed(topic), callback);
  }

  /** Remembers the document a callback just accepted, so the same document is never pushed to it again. */
  async recordPushed(topic: string, callback: string, digest: string): Promise<void> {
    await this.redis.hset(this.keys.websubPushed(topic), callback, digest);
  }
}
