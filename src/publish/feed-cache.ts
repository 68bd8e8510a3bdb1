import { createHash } from 'node:crypto';
import type { ChannelConfig } from '../config/schema.js';
import type { FeedFormat } from './render-feed.js';

/** A rendered feed with its validators. */
export interface CachedFeed {
  /** Encoded once, so a poll writes bytes instead of re-encoding the document every time. */
  body: Buffer;
  etag: string;
  lastModified: Date;
  archive: boolean;
}

/**
 * Rendered feeds kept in memory (at most `maxEntries`, least recently used dropped first), keyed by channel, document,
 * format and the channel's version: a feed is
 * rendered once per change, and every poll in between is a map lookup. The channel's definition is part of the
 * key, so editing a channel's title re-renders too. The ETag is a hash of the body, so a re-render that changes
 * nothing (an archive page after a newer story arrived) keeps answering 304.
 */
export class FeedCache {
  private readonly entries = new Map<string, CachedFeed>();
  /** Renders in progress, so a burst of polls after a change renders once. */
  private readonly pending = new Map<string, Promise<CachedFeed | null>>();
  /** The last document rendered for each {@link documentOf} that asked for it (stale-if-error). */
  private readonly lastRendered = new Map<string, CachedFeed>();

  constructor(private readonly maxEntries = 500) {}

  /** How many rendered documents the cache holds (at most its bound). */
  get size(): number {
    return this.entries.size;
  }

  /** A short digest of a channel's definition (callers on a hot path compute it once per definition). */
  static definitionOf(channel: ChannelConfig): string {
    return createHash('sha1').update(JSON.stringify(channel)).digest('base64url').slice(0, 10);
  }

  /** Which document of a channel, whatever its version: the current one or an archive page, in one format. */
  static documentOf(channel: ChannelConfig, format: FeedFormat, archive: number | null = null): string {
    return `${channel.id}.${archive ?? 'current'}.${format}`;
  }

  /** The cache key of one document of a channel at one version. */
  static keyOf(
    channel: ChannelConfig,
    format: FeedFormat,
    version: number,
    archive: number | null = null,
    definition = FeedCache.definitionOf(channel),
  ): string {
    return `${FeedCache.documentOf(channel, format, archive)}.${version}.${definition}`;
  }

  /**
   * The cached document under `key`, rendering it with `render` on a miss (null: no such document). With
   * `staleIfError` (a {@link documentOf}), a render that fails (Redis away) answers the last document rendered for
   * it, whatever its version, instead of the error: a channel that changed just before an outage still serves.
   */
  async get(
    key: string,
    render: () => Promise<{ body: string; lastModified: Date; archive: boolean } | null>,
    staleIfError?: string,
  ): Promise<CachedFeed | null> {
    const hit = this.entries.get(key);
    if (hit) {
      // Least recently used goes first: a hit moves the entry to the end of the map's order.
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const inFlight = this.pending.get(key);
    if (inFlight) return this.orStale(inFlight, staleIfError);
    const promise = render()
      .then((doc) => {
        if (!doc) return null;
        const body = Buffer.from(doc.body, 'utf8');
        const entry = { ...doc, body, etag: `"${createHash('sha1').update(body).digest('base64url')}"` };
        remember(this.entries, key, entry, this.maxEntries);
        if (staleIfError) remember(this.lastRendered, staleIfError, entry, this.maxEntries);
        return entry;
      })
      .finally(() => this.pending.delete(key));
    this.pending.set(key, promise);
    return this.orStale(promise, staleIfError);
  }

  private async orStale(rendering: Promise<CachedFeed | null>, staleIfError: string | undefined): Promise<CachedFeed | null> {
    try {
      return await rendering;
    } catch (err) {
      const stale = staleIfError === undefined ? undefined : this.lastRendered.get(staleIfError);
      if (stale) return stale;
      throw err;
    }
  }
}

/** Sets `key` in a map bounded to `max` entries (the first in the map's order, the least recently used, goes first). */
function remember<V>(map: Map<string, V>, key: string, value: V, max: number): void {
  if (!map.has(key) && map.size >= max) map.delete(map.keys().next().value!);
  map.set(key, value);
}
