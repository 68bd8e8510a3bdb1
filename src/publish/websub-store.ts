import type { Redis } from 'ioredis';
import type { RedisKeys } from '../redis/keys.js';
import { luaScript, runScript } from '../redis/scripts.js';

/** One verified subscription of a callback to a topic (a channel's current feed in one format). */
export interface WebSubSubscription {
  topic: string;
  callback: string;
  /** HMAC key for `X-Hub-Signature`; null when the subscriber gave none. */
  secret: string | null;
  leaseSeconds: number;
  expiresAt: number;
}

/** The caps a new subscription must fit in (config `websub.hub`). */
export interface HubCaps {
  maxSubscriptionsPerTopic: number;
  maxSubscriptionsPerCallbackHost: number;
}

/** Whether a subscription fits the caps, or which one it would pass. */
export type CapVerdict = 'ok' | 'topic' | 'host';

const SUBSCRIBE = luaScript('websub-subscribe');
const EXPIRE = luaScript('websub-expire');

/** The host a callback counts against (its name without the port: ports of one host share the cap). */
export const callbackHost = (callback: string) => new URL(callback).hostname.toLowerCase();

/** The name of a subscription in the expiry index and the per-host hash (a parsed URL holds no newline). */
const memberOf = (topic: string, callback: string) => `${topic}\n${callback}`;

/**
 * Our hub's verified subscriptions in Redis: one hash per topic (callback → subscription), one per callback host
 * (for its cap) and one expiry index. Reads ignore expired leases; {@link sweepExpired}, run periodically by the
 * websub role, removes them.
 */
export class WebSubStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  /**
   * Stores a verified subscription (replacing the callback's earlier one for this topic), unless it is new and its
   * topic or callback host is full: then answers the cap that refused it and stores nothing.
   */
  async save(sub: WebSubSubscription, caps: HubCaps): Promise<CapVerdict> {
    const keys = [this.keys.websubSubscriptions(sub.topic), this.keys.websubCallbackHost(callbackHost(sub.callback)), this.keys.websubExpiries];
    const args = [
      sub.callback,
      JSON.stringify(sub),
      sub.expiresAt,
      caps.maxSubscriptionsPerTopic,
      caps.maxSubscriptionsPerCallbackHost,
      memberOf(sub.topic, sub.callback),
    ];
    return (await runScript(this.redis, SUBSCRIBE, keys, args)) as CapVerdict;
  }

  /** Whether a subscribe request could be stored now (checked before verifying it; {@link save} decides). */
  async admits(topic: string, callback: string, caps: HubCaps): Promise<CapVerdict> {
    const [[, known], [, perTopic], [, perHost]] = (await this.redis
      .multi()
      .hexists(this.keys.websubSubscriptions(topic), callback)
      .hlen(this.keys.websubSubscriptions(topic))
      .hlen(this.keys.websubCallbackHost(callbackHost(callback)))
      .exec()) as [[Error | null, number], [Error | null, number], [Error | null, number]];
    if (known) return 'ok';
    if (perTopic >= caps.maxSubscriptionsPerTopic) return 'topic';
    return perHost >= caps.maxSubscriptionsPerCallbackHost ? 'host' : 'ok';
  }

  /** Removes a subscription and what was last pushed to it; answers whether there was one. */
  async remove(topic: string, callback: string): Promise<boolean> {
    const member = memberOf(topic, callback);
    const [[, removed]] = (await this.redis
      .multi()
      .hdel(this.keys.websubSubscriptions(topic), callback)
      .hdel(this.keys.websubPushed(topic), callback)
      .hdel(this.keys.websubCallbackHost(callbackHost(callback)), member)
      .zrem(this.keys.websubExpiries, member)
      .exec()) as [[Error | null, number]];
    return removed === 1;
  }

  /** The subscriptions of a topic whose lease runs at `now`. */
  async active(topic: string, now: number): Promise<WebSubSubscription[]> {
    const rows = await this.redis.hvals(this.keys.websubSubscriptions(topic));
    return rows.map((row) => JSON.parse(row) as WebSubSubscription).filter((sub) => sub.expiresAt > now);
  }

  /** One callback's subscription to a topic if its lease runs at `now` (a push reads only the subscriber it pushes to). */
  async get(topic: string, callback: string, now: number): Promise<WebSubSubscription | null> {
    const row = await this.redis.hget(this.keys.websubSubscriptions(topic), callback);
    const sub = row ? (JSON.parse(row) as WebSubSubscription) : null;
    return sub && sub.expiresAt > now ? sub : null;
  }

  /**
   * Removes subscriptions whose lease ran out by `now`, at most `batch` per round trip, until none is left; a
   * subscription renewed meanwhile stays. Answers how many were removed.
   */
  async sweepExpired(now: number, batch = 500): Promise<number> {
    let removed = 0;
    for (;;) {
      const members = await this.redis.zrangebyscore(this.keys.websubExpiries, '-inf', now, 'LIMIT', 0, batch);
      for (const member of members) {
        const cut = member.indexOf('\n');
        const [topic, callback] = [member.slice(0, cut), member.slice(cut + 1)];
        const keys = [
          this.keys.websubExpiries,
          this.keys.websubSubscriptions(topic),
          this.keys.websubPushed(topic),
          this.keys.websubCallbackHost(callbackHost(callback)),
        ];
        removed += Number(await runScript(this.redis, EXPIRE, keys, [member, callback, now]));
      }
      if (members.length < batch) return removed;
    }
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
