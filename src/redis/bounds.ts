import { keyAfterPrefix } from './keys.js';

/**
 * What bounds every Redis key family: the machine-readable form of the bounds table in src/redis/README.md (a test
 * keeps the two equal, and fails on any key a full run leaves that matches no row here and has no TTL, naming it).
 * Each row matches keys by their name after their slot group's tag (`{prefix}:`, `{prefix:dd}:`…, keys.ts); the first row that matches wins, so the more
 * specific rows come first. To add a key family: add its key to keys.ts, its row here and in the README's table.
 *
 * Bound kinds:
 * - `retention`: removed by the retention sweep (runtime/retention.ts) once `limits.retention` old by the pipeline's
 *   clock; a Redis TTL, where there is one, is only a backstop;
 * - `ttl`: short-lived by nature, a Redis TTL bounds it;
 * - `cap`: a count cap (trimmed on write), with an age where noted;
 * - `owner`: lives as long as the catalog entry it belongs to (source, channel, subscription, hub subscriber) and is
 *   deleted with it;
 * - `fixed`: one key (or one per queue), whose contents are bounded by the rows its members belong to.
 */
export type BoundKind = 'retention' | 'ttl' | 'cap' | 'owner' | 'fixed';

/** One key family. */
export interface KeyFamily {
  /** Short, stable name (used in the soak test's figures and in failures). */
  family: string;
  /** The key shape after the prefix, as the README shows it. */
  shape: string;
  /** Matches a key name after `{prefix}:`. */
  match: RegExp;
  bound: BoundKind;
  /** What bounds it, in words (the README's table says the same). */
  rule: string;
}

const QUEUE = '(?:fetch|normalize|dedup|publish|deliver|websub)';
/** BullMQ's per-queue structure keys (lists, sets, streams, counters), not jobs. */
const BULLMQ_STRUCTURE =
  'meta|id|wait|paused|active|delayed|prioritized|completed|failed|stalled|stalled-check|events|marker|pc|limiter|repeat|metrics|waiting-children';

export const KEY_FAMILIES: KeyFamily[] = [
  // The catalog.
  {
    family: 'catalog',
    shape: 'catalog:{sources|channels|subscriptions}',
    match: /^catalog:(?:sources|channels|subscriptions)$/,
    bound: 'fixed',
    rule: 'one field per source, channel and subscription; removed with it',
  },
  // Sources (fetch stage).
  {
    family: 'source-status',
    shape: 'source:{id}:status',
    match: /^source:.+:status$/,
    bound: 'owner',
    rule: 'deleted with its source (API, CLI; sources gone from the config at the start-up pass)',
  },
  {
    family: 'source-seen',
    shape: 'source:{id}:seen',
    match: /^source:.+:seen$/,
    bound: 'retention',
    rule: 'entries not listed by their feed for limits.retention are pruned (one still listed never is); TTL 2 × max(retention, maxInterval) backstop; deleted with its source',
  },
  {
    family: 'source-seen-at',
    shape: 'source:{id}:seen-at',
    match: /^source:.+:seen-at$/,
    bound: 'retention',
    rule: 'as source:{id}:seen (the time each entry was last listed)',
  },
  { family: 'source-websub', shape: 'source:{id}:websub', match: /^source:.+:websub$/, bound: 'owner', rule: 'deleted with its source' },
  {
    family: 'host-politeness',
    shape: 'host:{host}:{state|active}',
    match: /^host:.+:(?:state|active)$/,
    bound: 'ttl',
    rule: 'TTL of the longest lease or pause',
  },
  // Stories (publish stage).
  { family: 'item-sources', shape: 'item:{story}:sources', match: /^item:[^:]+:sources$/, bound: 'retention', rule: 'deleted with its story' },
  {
    family: 'item-translations',
    shape: 'item:{story}:translations',
    match: /^item:[^:]+:translations$/,
    bound: 'retention',
    rule: 'the story in other languages; deleted with its story',
  },
  {
    family: 'item-last-change',
    shape: 'item:{story}:last-change',
    match: /^item:[^:]+:last-change$/,
    bound: 'retention',
    rule: "the patch of the story's latest edit (a retried edit sends it again); deleted with its story",
  },
  {
    family: 'item',
    shape: 'item:{story}',
    match: /^item:[^:]+$/,
    bound: 'retention',
    rule: 'deleted by the retention sweep limits.retention after it was first stored (pipeline clock)',
  },
  { family: 'items-by-time', shape: 'items:by-time', match: /^items:by-time$/, bound: 'fixed', rule: 'one member per stored story' },
  {
    family: 'items-by-stored',
    shape: 'items:by-stored',
    match: /^items:by-stored$/,
    bound: 'fixed',
    rule: 'one member per stored story: what the retention sweep reads',
  },
  {
    family: 'items-by-update',
    shape: 'items:by-update',
    match: /^items:by-update$/,
    bound: 'fixed',
    rule: 'one member per stored story (incremental reads); leaves with it',
  },
  {
    family: 'channel-items',
    shape: 'channel:{id}:items',
    match: /^channel:.+:items$/,
    bound: 'retention',
    rule: 'a story leaves when it ages out; deleted with its channel',
  },
  {
    family: 'channel-log',
    shape: 'channel:{id}:log',
    match: /^channel:.+:log$/,
    bound: 'retention',
    rule: 'whole archive pages leave once all their stories aged out (at most one page plus out-of-order stragglers of aged-out ids stay); deleted with its channel',
  },
  {
    family: 'channel-meta',
    shape: 'channel:{id}:meta',
    match: /^channel:.+:meta$/,
    bound: 'owner',
    rule: 'a few fields per channel id ever used (its version counter outlives a removal, so no cache sees a version twice)',
  },
  // People across scripts (people/people-store.ts).
  {
    family: 'person',
    shape: 'person:{id}[:stories|:story-names|:alias]',
    match: /^person:[^:]+(?::stories|:story-names|:alias)?$/,
    bound: 'retention',
    rule: 'a person lasts while a stored story names them: when the sweep or a retraction removes the last one, the person goes, with the ids merged into them',
  },
  {
    family: 'people-index',
    shape: 'people:{key|surname}:{…}',
    match: /^people:(?:key|surname):.+$/,
    bound: 'retention',
    rule: "a person's name keys and surname entries; removed with the person",
  },
  { family: 'people-all', shape: 'people:all', match: /^people:all$/, bound: 'fixed', rule: 'one member per person' },
  // The dedup stage's translation index (dedup/translation-index.ts).
  {
    family: 'translation-index',
    shape: 'tx:{person|sig|of}:{…}',
    match: /^tx:(?:person|sig|of):.+$/,
    bound: 'ttl',
    rule: 'recent interviews by interviewee and their evidence, translations by story: TTL limits.retention (a person set is also trimmed to the window on write)',
  },
  // Our WebSub hub.
  {
    family: 'hub-subscribers',
    shape: 'websub:topic:{topic}',
    match: /^websub:topic:.+$/,
    bound: 'owner',
    rule: 'one field per verified subscriber, until its lease ends: expired leases are dropped when the topic is read and by the periodic sweep of expired hub subscribers',
  },
  {
    family: 'hub-pushed',
    shape: 'websub:pushed:{topic}',
    match: /^websub:pushed:.+$/,
    bound: 'owner',
    rule: 'one digest per subscriber of the topic; removed with the subscriber',
  },
  {
    family: 'channel-tombstones',
    shape: 'channel:{id}:tombstones',
    match: /^channel:.+:tombstones$/,
    bound: 'cap',
    rule: 'RFC 6721 tombstones of retracted stories: trimmed to events.tombstoneRetention and the newest 1,000 on every retraction',
  },
  {
    family: 'hub-callback-host',
    shape: 'websub:host:{host}',
    match: /^websub:host:.+$/,
    bound: 'owner',
    rule: "one field per hub subscription whose callback is on the host (the per-host cap); removed with the subscription by the hub's sweep of expired leases",
  },
  {
    family: 'hub-rate-limit',
    shape: 'websub:rate:{client}',
    match: /^websub:rate:.+$/,
    bound: 'ttl',
    rule: 'one counter per client address and minute, expiring with its window',
  },
  {
    family: 'hub-expiries',
    shape: 'websub:expiries',
    match: /^websub:expiries$/,
    bound: 'fixed',
    rule: "one member per hub subscription, by lease expiry: what the websub role's periodic sweep of expired hub subscribers reads",
  },
  // Consumer tokens.
  { family: 'scoped-token', shape: 'token:{sha256}', match: /^token:.+$/, bound: 'ttl', rule: 'expires with the token; revoked with it or its subscription' },
  {
    family: 'subscription-tokens',
    shape: 'subscription:{id}:tokens',
    match: /^subscription:.+:tokens$/,
    bound: 'cap',
    rule: 'at most 20 tokens per subscription; TTL a year after the last issue; revoked with the subscription',
  },
  // Webhook delivery.
  {
    family: 'delivery-log',
    shape: 'delivery:{sub}:log',
    match: /^delivery:.+:log$/,
    bound: 'cap',
    rule: 'the latest attempts only (LTRIM; no story content, only status, timing and the response head); deleted with its subscription',
  },
  {
    family: 'delivery-endpoint',
    shape: 'delivery:{sub}:{paused-until|leases|next-start|failing-since}',
    match: /^delivery:.+:(?:paused-until|leases|next-start|failing-since)$/,
    bound: 'owner',
    rule: 'TTLs (pause, rate limit), expiring members (leases), cleared on success (failure streak); deleted with its subscription',
  },
  {
    family: 'delivery-fanout-done',
    shape: 'delivery:fanout:{event}:done',
    match: /^delivery:fanout:.+:done$/,
    bound: 'ttl',
    rule: 'TTL as long as finished deliver jobs',
  },
  {
    family: 'delivery-disabled',
    shape: 'delivery:disabled',
    match: /^delivery:disabled$/,
    bound: 'fixed',
    rule: 'one field per disabled subscription; removed with it',
  },
  { family: 'delivery-stats', shape: 'delivery:stats', match: /^delivery:stats$/, bound: 'fixed', rule: 'one counter per outcome code' },
  // The dedup stage's story index.
  { family: 'dedup-seq', shape: 'dd:seq', match: /^dd:seq$/, bound: 'fixed', rule: 'one counter (never reused numbers)' },
  { family: 'dedup-attempt', shape: 'dd:a:{attempt}', match: /^dd:a:.+$/, bound: 'ttl', rule: 'deleted once the decision is handed on; TTL 1 d backstop' },
  {
    family: 'dedup-buckets',
    shape: 'dd:b:{generation}:{shard}',
    match: /^dd:b:\d+:\d+$/,
    bound: 'retention',
    rule: "a story's bucket entries leave with it; a generation's hash (one per generation unless shardBits splits it) expires retention + one generation after it began (EXPIREAT)",
  },
  {
    family: 'dedup-index',
    shape: 'dd:{e|x|g|u|f|s}:{…}',
    match: /^dd:[exgufs]:.+$/,
    bound: 'retention',
    rule: 'removed with their story by the retention sweep; TTL limits.retention (renewed on activity) backstop',
  },
  // BullMQ (same prefix).
  {
    family: 'queue-structure',
    shape: '{queue}:{meta|wait|completed|failed|events|…}',
    match: new RegExp(`^${QUEUE}:(?:${BULLMQ_STRUCTURE})$`),
    bound: 'fixed',
    rule: 'a few keys per queue; events stream capped (~1,000); members bounded by the job rows',
  },
  {
    family: 'queue-dedup',
    shape: '{queue}:de:{id}',
    match: new RegExp(`^${QUEUE}:de:.+$`),
    bound: 'ttl',
    rule: "BullMQ deduplication ids: a story's job id, which outlives its job for limits.jobIdWindow (1 d) so a repeated add is dropped; WebSub's coalescing ids, gone with their job",
  },
  { family: 'queue-job-lock', shape: '{queue}:{job}:lock', match: new RegExp(`^${QUEUE}:.+:lock$`), bound: 'ttl', rule: 'lock TTL (10 s)' },
  { family: 'queue-job-logs', shape: '{queue}:{job}:logs', match: new RegExp(`^${QUEUE}:.+:logs$`), bound: 'cap', rule: 'removed with its job' },
  {
    family: 'queue-job',
    shape: '{queue}:{job}',
    match: new RegExp(`^${QUEUE}:[^:]+$`),
    bound: 'cap',
    rule: "waiting/active/delayed: the pipeline in flight; completed: a story's stages (normalize, dedup, publish, fan-outs) the newest limits.completedJobCap (20) per queue, per-subscription deliveries ≤ 10,000 and ≤ 7 d, fetch and WebSub ≤ 1,000–5,000 and ≤ 1 d, never past limits.retention; failed: limits.failedJobRetention (30 d, never past retention) and limits.failedJobCap (10,000) per queue",
  },
];

/** The family of a key (its full name, slot tag included), or null when no row matches. */
export function familyOf(key: string, prefix: string): KeyFamily | null {
  const name = keyAfterPrefix(key, prefix);
  if (name === null) return null;
  return KEY_FAMILIES.find((row) => row.match.test(name)) ?? null;
}
