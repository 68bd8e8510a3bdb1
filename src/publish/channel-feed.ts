import type { ChannelConfig } from '../config/schema.js';
import { channelUrl, renderChannel, type FeedFormat } from './render-feed.js';
import type { ItemStore } from './item-store.js';

/** What rendering a channel document needs from the context. */
export interface ChannelFeedDeps {
  items: ItemStore;
  env: { publicUrl: string };
  /** How long a retracted story's tombstone stays in the current Atom document. */
  config: { events: { tombstoneRetention: number } };
  clock: { now(): number };
}

/** A rendered document of a channel, with what HTTP caching needs to know about it. */
export interface ChannelDocument {
  body: string;
  lastModified: Date;
  /** The channel version it was rendered from (what the feed cache keys on). */
  version: number;
  /** True for a full archive page: its set of stories never changes again. */
  archive: boolean;
}

/** The built-in WebSub hub every feed advertises. */
export function hubUrl(publicUrl: string): string {
  return `${publicUrl}/websub`;
}

/**
 * The RFC 5005 layout of a channel with `total` stories: full pages of `pageSize` stories by arrival order are
 * archive pages 1..archivePages (1 the oldest); the current document shows the newest `pageSize` stories, so it
 * always includes every story not yet in a full page and a subscriber walking prev-archive misses nothing.
 */
export function archiveLayout(total: number, pageSize: number): { archivePages: number } {
  return { archivePages: Math.floor(total / pageSize) };
}

/**
 * Loads and renders one document of a channel: the current feed (`archive` null) or an archive page. Returns
 * null for an archive page that does not exist (yet). `fallbackDate` stands in for a channel never changed.
 */
export async function renderChannelDocument(
  deps: ChannelFeedDeps,
  channel: ChannelConfig,
  format: FeedFormat,
  archive: number | null,
  fallbackDate: Date,
): Promise<ChannelDocument | null> {
  const [state, total] = await Promise.all([deps.items.channelState(channel.id), deps.items.channelSize(channel.id)]);
  const { archivePages } = archiveLayout(total, channel.pageSize);
  if (archive !== null && (archive < 1 || archive > archivePages)) return null;
  const stories =
    archive === null
      ? await deps.items.channelRange(channel.id, Math.max(0, total - channel.pageSize), total - 1)
      : await deps.items.channelRange(channel.id, (archive - 1) * channel.pageSize, archive * channel.pageSize - 1);
  const updated = new Date(state.lastModified || fallbackDate.getTime());
  const links = { publicUrl: deps.env.publicUrl, hubUrl: hubUrl(deps.env.publicUrl) };
  // Tombstones go in the current Atom document only: RSS and JSON Feed have no way to say it, archives keep their stories.
  const tombstones =
    archive === null && format === 'atom' ? await deps.items.channelTombstones(channel.id, deps.clock.now() - deps.config.events.tombstoneRetention) : [];
  const body = renderChannel(format, channel, stories, links, updated, { archive, archivePages, tombstones });
  // An archive page is as new as its newest story (the renderer writes the same date into the document).
  const lastModified =
    archive === null ? updated : new Date(Math.max(0, ...stories.map((s) => Date.parse(s.updatedAt)).filter((t) => !Number.isNaN(t))) || updated.getTime());
  return { body, lastModified, version: state.version, archive: archive !== null };
}

/** The WebSub topic URL of a channel's current feed in one format. */
export function topicUrl(publicUrl: string, channelId: string, format: FeedFormat): string {
  return channelUrl(publicUrl, channelId, format);
}
