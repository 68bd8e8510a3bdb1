import type { EventType, NormalizedItem, SourceRef } from '../core/item.js';
import type { FeedEntry } from '../fetch/feed-entry.js';

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
  | { event: 'item.source_added'; storyId: string; source: SourceRef };

/** Deliver one event to one subscription. The event id is the `webhook-id` of every attempt. */
export interface DeliverJob {
  subscriptionId: string;
  eventId: string;
  eventType: EventType;
  /** The JSON body, serialized once so every attempt sends the same bytes. */
  body: string;
  storyId: string;
}

/**
 * One WebSub content distribution (the topic's current document to one subscriber; the secret stays in the
 * subscription, out of job data) or one ping of an external hub.
 */
export type WebSubJob =
  | { kind: 'push'; channelId: string; format: 'rss' | 'atom' | 'json'; topic: string; callback: string }
  | { kind: 'ping'; hub: string; topic: string };

/** Job payload type of each queue. */
export interface QueuePayloads {
  fetch: FetchJob;
  normalize: NormalizeJob;
  dedup: DedupJob;
  publish: PublishJob;
  deliver: DeliverJob;
  websub: WebSubJob;
}
