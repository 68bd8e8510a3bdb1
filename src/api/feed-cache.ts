import { createHash } from 'node:crypto';
import type { ChannelConfig } from '../config/schema.js';
import type { FeedFormat } from '../publish/render-feed.js';

/** A rendered feed with its validators. */
export interface CachedFeed {
  body: string;
  etag: string;
  lastModified: Date;
}

/**
 * Rendered feeds kept in memory, keyed by channel, format and the channel's version: a feed is rendered once per
 * change, and every poll in between is a map lookup. The channel's definition is part of the key, so editing a
 * channel's title re-renders too.
 */
export class FeedCache {
  private readonly entries = new Map<string, CachedFeed>();

  constructor(private readonly maxEntries = 500) {}

  static keyOf(channel: ChannelConfig, format: FeedFormat, version: number): string {
    const definition = createHash('sha1').update(JSON.stringify(channel)).digest('base64url').slice(0, 10);
    return `${channel.id}.${format}.${version}.${definition}`;
  }

  async get(key: string, render: () => Promise<{ body: string; lastModified: Date }>): Promise<CachedFeed> {
    const hit = this.entries.get(key);
    if (hit) return hit;
    const { body, lastModified } = await render();
    const entry = { body, lastModified, etag: `"${key}"` };
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, entry);
    return entry;
  }
}
