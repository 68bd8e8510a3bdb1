/**
 * The slot groups keys are spread over on a Redis Cluster (src/redis/README.md, "Slot map"): besides the core group
 * (the prefix itself), one per BullMQ queue and one for the dedup index. Keys that a script or a transaction touches
 * together are in one group; groups share nothing atomic, so a cluster places them on any master.
 */
export const SLOT_GROUPS = ['fetch', 'normalize', 'dedup', 'publish', 'deliver', 'websub', 'dd'] as const;
/** The slot groups that are BullMQ queues (each queue's prefix is its group's tag): all but the dedup index. */
export const QUEUE_SLOT_GROUPS = SLOT_GROUPS.filter((group): group is Exclude<SlotGroup, 'dd'> => group !== 'dd');
export type SlotGroup = (typeof SLOT_GROUPS)[number];

/**
 * The hash tag that starts every key of a group: the prefix (`{syndicate}`) for the core group, `{syndicate:GROUP}`
 * for the others. Every key of a deployment starts with the prefix's name, so {@link deploymentKeyPattern} finds them all.
 */
export function slotTag(prefix: string, group?: SlotGroup): string {
  return group ? `${prefix.slice(0, -1)}:${group}}` : prefix;
}

/** A SCAN pattern that matches every key of the deployment, all groups (`{syndicate[}:]*`). */
export function deploymentKeyPattern(prefix: string): string {
  return `${prefix.slice(0, -1)}[}:]*`;
}

/**
 * A key's name after its group's tag and colon (`catalog:sources`, `fetch:wait`, `dd:e:7`), or null for a key of
 * another deployment.
 */
export function keyAfterPrefix(key: string, prefix: string): string | null {
  if (key.startsWith(`${prefix}:`)) return key.slice(prefix.length + 1);
  const open = `${prefix.slice(0, -1)}:`;
  if (!key.startsWith(open)) return null;
  const close = key.indexOf('}:', open.length);
  return close < 0 || !SLOT_GROUPS.includes(key.slice(open.length, close) as SlotGroup) ? null : key.slice(close + 2);
}

/**
 * Every Redis key the system writes (besides BullMQ's own, under {@link slotTag} of their queue). One place, so the
 * layout is visible and a prefix change moves everything. Each key starts with its slot group's hash tag: the
 * prefix (`{syndicate}`) for most, `{syndicate:deliver}` for the deliver stage's endpoint state (beside the deliver
 * queue's jobs, which its scripts read) and `{syndicate:dd}` for the dedup index; on a Redis Cluster each group is one
 * slot, so multi-key scripts and transactions keep working while the groups spread over the masters.
 */
// eslint-disable-next-line max-lines-per-function -- key table: one line per key family, the one place key names are built
export function redisKeys(prefix: string) {
  const deliveryKeyPrefix = `${slotTag(prefix, 'deliver')}:delivery:`;
  return {
    prefix,
    /** Hash of source id → JSON source definition (config and API). */
    sources: `${prefix}:catalog:sources`,
    channels: `${prefix}:catalog:channels`,
    subscriptions: `${prefix}:catalog:subscriptions`,
    /** Hash of field → value: fetch status and poll bookkeeping of one source (written only by fetch/source-status.ts). */
    sourceStatus: (sourceId: string) => `${prefix}:source:${sourceId}:status`,
    /** Hash guid → hash of the raw entry: what a source already handed downstream (fetch/seen-entries.ts). */
    sourceSeen: (sourceId: string) => `${prefix}:source:${sourceId}:seen`,
    /**
     * Sorted set entry key → time (pipeline clock) the entry was last listed by its feed: what the retention sweep
     * prunes seen entries by (fetch/seen-entries.ts).
     */
    sourceSeenAt: (sourceId: string) => `${prefix}:source:${sourceId}:seen-at`,
    /** String: JSON listing of one scoped (consumer) token, by the token's SHA-256; expires with the token (catalog/token-store.ts). */
    scopedToken: (digest: string) => `${prefix}:token:${digest}`,
    /** Hash token id → SHA-256: the scoped tokens of one subscription (at most 20; expires a year after the last issue). */
    subscriptionTokens: (subscriptionId: string) => `${prefix}:subscription:${subscriptionId}:tokens`,
    /** Hash: politeness state of one host (`pausedUntil`, `nextSlotAt`), shared by every fetch worker. */
    hostState: (host: string) => `${prefix}:host:${host}:state`,
    /** Sorted set: requests in flight to one host, scored by lease expiry. */
    hostActive: (host: string) => `${prefix}:host:${host}:active`,
    /** Hash: our WebSub subscription for one source at its feed's hub (hub, topic, secret, state, leaseUntil; fetch/feed-subscriptions.ts). */
    websub: (sourceId: string) => `${prefix}:source:${sourceId}:websub`,
    /** String: JSON of the stored story. */
    item: (storyId: string) => `${prefix}:item:${storyId}`,
    /** Hash "sourceId itemUrl" → JSON {order, source}: the outlets that carried a story. */
    itemSources: (storyId: string) => `${prefix}:item:${storyId}:sources`,
    /** String: JSON {discriminator, changes} of the story's latest edit (publish/item-store.ts `lastChange`). */
    itemLastChange: (storyId: string) => `${prefix}:item:${storyId}:last-change`,
    /** Sorted set of story ids by published time, all stories. */
    itemsByTime: `${prefix}:items:by-time`,
    /** Sorted set of story ids by the time (pipeline clock) they were first stored: what the retention sweep reads. */
    itemsByStored: `${prefix}:items:by-stored`,
    /**
     * Sorted set of story ids by the stamp of their last change here (stored, edited, another outlet added; see
     * redis/lua/items-touch.lua): what incremental reads page through. One entry per stored story, which leaves
     * with the story.
     */
    itemsByUpdate: `${prefix}:items:by-update`,
    /** Sorted set of story ids in a channel, scored by published time. */
    channelItems: (channelId: string) => `${prefix}:channel:${channelId}:items`,
    /**
     * Sorted set of story ids in a channel, scored by arrival sequence (never moved once added): the stable order
     * RFC 5005 archive pages are cut from. The sequence counter is field `seq` of channelMeta; its field `trimmed`
     * counts the stories the retention sweep took off the front of the log, whole archive pages at a time, so page
     * numbers never move.
     */
    channelLog: (channelId: string) => `${prefix}:channel:${channelId}:log`,
    /**
     * Sorted set story id → deleted at (epoch ms): the channel's retracted stories, rendered as Atom
     * `at:deleted-entry` tombstones; trimmed to `events.tombstoneRetention` and the newest 1,000 on every retraction.
     */
    channelTombstones: (channelId: string) => `${prefix}:channel:${channelId}:tombstones`,
    /** Pub/sub channel: the id of every channel whose stories changed, so feed caches in every process drop it. */
    channelChanges: `${prefix}:channel-changes`,
    /** Hash callback URL → JSON WebSub subscription (secret, lease expiry) of one topic URL. */
    websubSubscriptions: (topic: string) => `${prefix}:websub:topic:${topic}`,
    /** Hash callback URL → digest of the last document pushed to it for one topic URL (a push never repeats it). */
    websubPushed: (topic: string) => `${prefix}:websub:pushed:${topic}`,
    /** Hash "topic\ncallback" → lease expiry (epoch ms): our hub's subscriptions whose callback is on one host (the per-host cap). */
    websubCallbackHost: (host: string) => `${prefix}:websub:host:${host}`,
    /**
     * What the hub's rate-limit counters start with, followed by the client address: strings counting one client's
     * hub requests in the current minute (written by @fastify/rate-limit's Redis store; each expires with its window).
     */
    hubRateLimit: `${prefix}:websub:rate:`,
    /** Sorted set "topic\ncallback" scored by lease expiry: what the websub role's periodic sweep removes. */
    websubExpiries: `${prefix}:websub:expiries`,
    /** Hash: version counter and last-modified time of a channel. */
    channelMeta: (channelId: string) => `${prefix}:channel:${channelId}:meta`,
    /**
     * What every endpoint key below starts with, followed by the subscription id and a suffix: the deliver stage's
     * batch script (deliver/endpoint-state.ts) builds the endpoint keys from it, so their names must keep this shape.
     */
    deliveryKeyPrefix,
    /** List of the latest delivery attempts of a subscription (JSON, newest first). */
    deliveryLog: (subscriptionId: string) => `${deliveryKeyPrefix}${subscriptionId}:log`,
    /** Hash subscription id → JSON {at, reason}: subscriptions the deliver stage disabled (410, continuous failure). */
    deliveryDisabled: `${deliveryKeyPrefix}disabled`,
    /** String: epoch ms until which an endpoint asked us to wait (429/503 Retry-After). */
    deliveryPausedUntil: (subscriptionId: string) => `${deliveryKeyPrefix}${subscriptionId}:paused-until`,
    /** Sorted set of job id → lease expiry: deliveries in flight to an endpoint, across all workers. */
    deliveryLeases: (subscriptionId: string) => `${deliveryKeyPrefix}${subscriptionId}:leases`,
    /** String: epoch ms before which no delivery to a rate-limited endpoint may start (expires soon after). */
    deliveryNextStart: (subscriptionId: string) => `${deliveryKeyPrefix}${subscriptionId}:next-start`,
    /** String: epoch ms of the first failure since the last success of an endpoint. */
    deliveryFailingSince: (subscriptionId: string) => `${deliveryKeyPrefix}${subscriptionId}:failing-since`,
    /** String: epoch ms when a delivery to an endpoint was last exhausted (expires after `limits.retention`); the next success takes it and raises delivery.recovered. */
    deliveryExhaustedAt: (subscriptionId: string) => `${deliveryKeyPrefix}${subscriptionId}:exhausted-at`,
    /** Set of subscription ids an event's fan-out job delivered to: a retried fan-out job skips them. */
    deliveryFanoutDone: (eventId: string) => `${deliveryKeyPrefix}fanout:${eventId}:done`,
    /** Hash outcome → count: delivery attempts by outcome (for /metrics). */
    deliveryStats: `${deliveryKeyPrefix}stats`,
    /** String: the person id a name key stands for (people/people-store.ts; keys from people/person-key.ts). */
    personKey: (nameKey: string) => `${prefix}:people:key:${nameKey}`,
    /** Set of "personId givenSkeleton": people by one word of their name, for names written with an initial. */
    peopleBySurname: (surname: string) => `${prefix}:people:surname:${surname}`,
    /** Hash of a person: name forms and roles seen (`n:`, `r:` → last seen ms), keys (`k:`), index entries (`t:`). */
    person: (personId: string) => `${prefix}:person:${personId}`,
    /** Sorted set story id → publication ms: the stored stories that name a person. */
    personStories: (personId: string) => `${prefix}:person:${personId}:stories`,
    /** Hash story id → the name form that story gave (what a split moves by). */
    personStoryNames: (personId: string) => `${prefix}:person:${personId}:story-names`,
    /** String: the person a merged person's id now stands for. */
    personAlias: (personId: string) => `${prefix}:person:${personId}:alias`,
    /** Sorted set person id → last seen ms: every person. */
    people: `${prefix}:people:all`,
    /** Sorted set story id → publication ms: recent interviews by a person key of their interviewee (dedup/translation-index.ts). */
    translationPerson: (personKey: string) => `${prefix}:tx:person:${personKey}`,
    /** String: JSON evidence of a first-published interview (dedup/translation.ts `TranslationSignature`). */
    translationSignature: (storyId: string) => `${prefix}:tx:sig:${storyId}`,
    /** String: the story a translation's own story id stands for. */
    translationOf: (storyId: string) => `${prefix}:tx:of:${storyId}`,
    /** Hash "sourceId url" → JSON {order, translation}: the story in other languages. */
    itemTranslations: (storyId: string) => `${prefix}:item:${storyId}:translations`,
    /** The prefix of the dedup stage's story index: the `dd` slot group. */
    dedupPrefix: slotTag(prefix, 'dd'),
    /** The dedup stage's story index ({prefix:dd}:dd:*), laid out in redis/lua/includes/story-index.lua. */
    dedup: dedupKeys(slotTag(prefix, 'dd')),
  };
}

/**
 * The story index's keys under `prefix` (the `dd` slot tag in production: `redisKeys(p).dedupPrefix`; layout in
 * redis/lua/includes/story-index.lua, whose scripts build the entry and bucket names `e`, `x`, `b` from the same
 * prefix, so they share the declared keys' slot). Shared with the benchmark's bulk loader.
 */
export function dedupKeys(prefix: string) {
  return {
    seq: `${prefix}:dd:seq`,
    entry: (n: number | string) => `${prefix}:dd:e:${n}`,
    /** An entry's band keys then its shingle hashes (packed 32-bit big-endian). */
    bandsAndShingles: (n: number | string) => `${prefix}:dd:x:${n}`,
    guid: (digest: string) => `${prefix}:dd:g:${digest}`,
    url: (digest: string) => `${prefix}:dd:u:${digest}`,
    fingerprint: (digest: string) => `${prefix}:dd:f:${digest}`,
    story: (storyId: string) => `${prefix}:dd:s:${storyId}`,
    /** The decision of one attempt; `-` names no attempt (a key is passed either way, to stay in the slot). */
    attempt: (attemptId: string | undefined) => `${prefix}:dd:a:${attemptId ?? '-'}`,
    bucket: (gen: number, shard: number) => `${prefix}:dd:b:${gen}:${shard}`,
    all: `${prefix}:dd:*`,
  };
}

export type RedisKeys = ReturnType<typeof redisKeys>;
