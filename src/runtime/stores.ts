import type { Redis } from 'ioredis';
import { Catalog } from '../catalog/catalog.js';
import { TokenStore } from '../catalog/token-store.js';
import type { SyndicationConfig } from '../config/schema.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import { StoryIndex } from '../dedup/story-index.js';
import { TranslationIndex } from '../dedup/translation-index.js';
import { EndpointState } from '../deliver/endpoint-state.js';
import { FeedSubscriptionStore } from '../fetch/feed-subscriptions.js';
import { SeenEntries } from '../fetch/seen-entries.js';
import { SourceStatusStore } from '../fetch/source-status.js';
import { HostPoliteness } from '../net/host-politeness.js';
import { ItemStore } from '../publish/item-store.js';
import { WebSubStore } from '../publish/websub-store.js';
import { PeopleStore } from '../people/people-store.js';
import type { RedisKeys } from '../redis/keys.js';
import { RedisMemory } from '../redis/server-memory.js';

/**
 * The stores: every Redis key of the system is read and written through one of these (and BullMQ's own through
 * the queues). Built once per connection, by {@link createStores}: the process context builds them on the workers'
 * store connection, the HTTP side again on its fail-fast one. Stages take the ones they use from the context.
 */
export interface Stores {
  /** Sources, channels and subscriptions as defined (config file and admin API). */
  catalog: Catalog;
  /** Stored stories and channel membership. */
  items: ItemStore;
  /** People across scripts: name keys, forms, roles and the stories that name each. */
  people: PeopleStore;
  /** Per-endpoint delivery state: leases, rate limits, pauses, failure streaks, the delivery log, disabled ones. */
  endpoints: EndpointState;
  /** The dedup stage's story index. */
  storyIndex: StoryIndex;
  /** The dedup stage's recent interviews by interviewee, for one interview across languages. */
  translations: TranslationIndex;
  /** Per-host politeness of the fetch stage (article pages included). */
  politeness: HostPoliteness;
  /** Our WebSub hub's verified subscriptions (callbacks per topic). */
  hubSubscriptions: WebSubStore;
  /** Each source's fetch status (public) and poll bookkeeping: the one writer of the status hash. */
  sourceStatus: SourceStatusStore;
  /** What each source already handed downstream (entry key → digest). */
  seenEntries: SeenEntries;
  /** Our own WebSub subscriptions, as a subscriber, at the hubs the feeds name. */
  feedSubscriptions: FeedSubscriptionStore;
  /** The Redis server's memory in use and its ceiling (for /metrics and the status page). */
  redisMemory: RedisMemory;
  /** Consumer tokens scoped to one subscription (stored hashed). */
  tokens: TokenStore;
}

/**
 * Builds every store on one connection. `clock` is the pipeline's: the story index's generations run on it, as
 * the retention sweep does (runtime/retention.ts), so one clock drives every bound.
 */
export function createStores(redis: Redis, keys: RedisKeys, config: SyndicationConfig, logger: Logger, clock: Clock): Stores {
  const catalog = new Catalog(redis, keys);
  const { limits } = config;
  const retentionSeconds = Math.ceil(limits.retention / 1000);
  // Redis TTLs are only a backstop behind the sweep: long enough that a source polled at the slowest never loses its memory.
  const backstopSeconds = 2 * Math.ceil(Math.max(limits.retention, limits.maxInterval) / 1000);
  return {
    catalog,
    items: new ItemStore(redis, keys),
    people: new PeopleStore(redis, keys),
    endpoints: new EndpointState({ redis, keys, catalog, logger, config }),
    hubSubscriptions: new WebSubStore(redis, keys),
    storyIndex: new StoryIndex(redis, { prefix: keys.dedupPrefix, retentionSeconds, now: () => clock.now() }),
    translations: new TranslationIndex(redis, keys, retentionSeconds),
    sourceStatus: new SourceStatusStore(redis, keys),
    seenEntries: new SeenEntries(redis, keys, backstopSeconds),
    feedSubscriptions: new FeedSubscriptionStore(redis, keys),
    redisMemory: new RedisMemory(redis),
    tokens: new TokenStore(redis, keys),
    politeness: new HostPoliteness(redis, (host) => ({ state: keys.hostState(host), active: keys.hostActive(host) }), {
      maxConcurrent: limits.hostConcurrency,
      minSpacingMs: limits.hostSpacing,
      leaseMs: limits.fetchTimeout * 2 + 5_000,
    }),
  };
}
