import type { Redis } from 'ioredis';
import { numberField } from '../redis/hash-fields.js';
import type { RedisKeys } from '../redis/keys.js';

/** Where our subscription at a feed's hub stands. */
export type FeedSubscriptionState = 'pending' | 'active' | 'denied' | 'failed';

/**
 * Our WebSub subscription, as a subscriber, to the hub a source's feed names (the other side of WebSub, our own
 * hub's subscribers, is publish/websub-store.ts).
 */
export interface FeedSubscription {
  hub: string;
  topic: string;
  /** The HMAC secret we gave the hub for this hub and topic: pushes must be signed with it. */
  secret: string;
  state: FeedSubscriptionState;
  /** Epoch ms of the last subscribe request. */
  requestedAt: number;
  /** Epoch ms until which the hub's verified lease runs; null before a verification. */
  leaseUntil: number | null;
  /** The lease the hub granted, in seconds; null before a verification. */
  leaseSeconds: number | null;
}

const STATES = new Set<string>(['pending', 'active', 'denied', 'failed']);

/**
 * The subscriber side's WebSub state, one hash per source (`keys.websub`): written by the fetch stage when it
 * subscribes (fetch/hub-subscriber.ts) and by the callback route when a hub verifies or denies, read by both.
 */
export class FeedSubscriptionStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  /** Forgets a removed source's subscription state. */
  async forget(sourceId: string): Promise<void> {
    await this.redis.del(this.keys.websub(sourceId));
  }

  /** The source's subscription, or null when it has none. */
  async get(sourceId: string): Promise<FeedSubscription | null> {
    const hash = await this.redis.hgetall(this.keys.websub(sourceId));
    if (!hash.hub || !hash.topic || !hash.state || !STATES.has(hash.state)) return null;
    return {
      hub: hash.hub,
      topic: hash.topic,
      secret: hash.secret ?? '',
      state: hash.state as FeedSubscriptionState,
      requestedAt: numberField(hash.requestedAt) ?? 0,
      leaseUntil: numberField(hash.leaseUntil),
      leaseSeconds: numberField(hash.leaseSeconds),
    };
  }

  /** Stores a subscription as requested (hub, topic, secret, state, request time; a lease already granted is kept). */
  async save(sourceId: string, subscription: FeedSubscription): Promise<void> {
    const { leaseUntil, leaseSeconds, ...rest } = subscription;
    await this.redis.hset(this.keys.websub(sourceId), {
      ...rest,
      requestedAt: String(rest.requestedAt),
      ...(leaseUntil !== null ? { leaseUntil: String(leaseUntil) } : {}),
      ...(leaseSeconds !== null ? { leaseSeconds: String(leaseSeconds) } : {}),
    });
  }

  /** The hub verified our intent: the subscription is active for the lease it granted. */
  async activate(sourceId: string, leaseSeconds: number, leaseUntil: number): Promise<void> {
    await this.redis.hset(this.keys.websub(sourceId), { state: 'active', leaseSeconds, leaseUntil });
  }

  /** The request failed or the hub denied it (retried at the pending pace, see fetch/hub-subscriber.ts). */
  async setState(sourceId: string, state: 'denied' | 'failed'): Promise<void> {
    await this.redis.hset(this.keys.websub(sourceId), { state });
  }
}
