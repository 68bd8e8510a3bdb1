import type { EventType, NormalizedItem, SourceRef, Translation } from '../core/item.js';
import type { TurnText } from '../core/turn-ids.js';
import type { FeedEntry } from '../content/feed-entry.js';

/**
 * The pipeline's queues, in the order an item travels through them. Each is its own worker role.
 * scheduler → fetch → normalize → dedup → publish → deliver
 */
export const QUEUE_NAMES = {
  fetch: 'fetch',
  normalize: 'normalize',
  dedup: 'dedup',
  publish: 'publish',
  deliver: 'deliver',
  websub: 'websub',
} as const;

export type QueueName = (typeof QUEUE_NAMES)[keyof typeof QUEUE_NAMES];

/** Fetch one source now. */
export interface FetchJob {
  sourceId: string;
}

/** Normalize one entry of a fetched feed. */
export interface NormalizeJob {
  sourceId: string;
  /** Home page of the outlet (config, else the feed's own link). */
  sourceHomepage: string;
  entry: FeedEntry;
  fetchedAt: string;
}

/** Decide whether a normalized item is a new story, another outlet's copy, an edit or nothing new. */
export interface DedupJob {
  item: NormalizedItem;
  guid: string | null;
}

/** Store a story and fan out its event. */
export type PublishJob =
  | { event: 'item.published' | 'item.updated'; item: NormalizedItem }
  /** `turns`: the copy's turns, when it is an interview (the publish stage says how they differ, by turn id). */
  | { event: 'item.source_added'; storyId: string; source: SourceRef; turns?: TurnText[] }
  /** The story published in another language (dedup/translation.ts decided); `translation.source` is that outlet. */
  | { event: 'item.translation_added'; storyId: string; translation: Translation }
  /**
   * File a channel's already-stored stories after its definition changed (see publish/backfill.ts). Carries only
   * the id: the job reads the definition current when it runs, so a stale job never applies an old filter.
   */
  | { event: 'channel.backfill'; channelId: string }
  /**
   * An outlet marked one of its entries deleted (an Atom `at:deleted-entry` tombstone, RFC 6721): that outlet leaves
   * the story's sources, and the story goes when it was the last (publish/retract.ts).
   */
  | { event: 'item.retracted'; sourceId: string; guid: string; at: string };

/** Deliver one event to one subscription. The event id is the `webhook-id` of every attempt. */
export interface DeliverJob {
  subscriptionId: string;
  eventId: string;
  eventType: EventType;
  /** The JSON body, serialized once so every attempt sends the same bytes. */
  body: string;
  storyId: string;
  /**
   * Attempts already made inside the fan-out job before this job took over (0 or 1): they count toward the retry
   * schedule and the attempt numbers in the delivery log, and the job was added with that many fewer attempts.
   */
  priorAttempts?: number;
  /**
   * Set when the fan-out already decided that this delivery is a dead letter (410 Gone, or the failure that
   * disabled the subscription): the job fails at once with this code, so it is listed and replayable like any other.
   */
  verdict?: { code: 'SYN_ERR_DELIVERY_GONE' | 'SYN_ERR_SUBSCRIPTION_DISABLED'; message: string };
}

/**
 * The first attempt of one event to every subscription that wants it, in one job (job name `fanout`). Only what
 * does not succeed there becomes a {@link DeliverJob} of its own. Same `webhook-id` (the event id) everywhere.
 */
export interface FanoutJob {
  eventId: string;
  eventType: EventType;
  body: string;
  storyId: string;
  /** The subscriptions that wanted the event when it was published. */
  subscriptionIds: string[];
}

/**
 * One WebSub content distribution (the topic's current document to one subscriber; the secret stays in the
 * subscription, out of job data) or one ping of an external hub.
 */
export type WebSubJob =
  { kind: 'push'; channelId: string; format: 'rss' | 'atom' | 'json'; topic: string; callback: string } | { kind: 'ping'; hub: string; topic: string };

/** One entry of a batch job: its payload under the job id a single-entry job of it has (see queues/batch.ts). */
export interface BatchMember<T> {
  id: string;
  data: T;
}

/**
 * Several entries of one fetched document (at most `limits.entriesPerJob`) in one job: a stage runs them one by one
 * and hands a member that fails to a single-entry job of its own (queues/batch.ts).
 */
export interface BatchJob<T> {
  members: Array<BatchMember<T>>;
}

/** The queues whose jobs carry a batch of entries (or, for a member handed off, one entry). */
export type BatchQueue = 'normalize' | 'dedup' | 'publish';

/** Job payload type of each queue. */
export interface QueuePayloads {
  fetch: FetchJob;
  normalize: NormalizeJob | BatchJob<NormalizeJob>;
  dedup: DedupJob | BatchJob<DedupJob>;
  publish: PublishJob | BatchJob<PublishJob>;
  deliver: DeliverJob | FanoutJob;
  websub: WebSubJob;
}
