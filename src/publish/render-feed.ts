import { Feed } from 'feed';
import type { ChannelConfig } from '../config/schema.js';
import type { NormalizedItem } from '../core/item.js';

export type FeedFormat = 'rss' | 'atom' | 'json';

export const FEED_CONTENT_TYPES: Record<FeedFormat, string> = {
  rss: 'application/rss+xml; charset=utf-8',
  atom: 'application/atom+xml; charset=utf-8',
  json: 'application/feed+json; charset=utf-8',
};

/** Where a channel lives on the public side. */
export interface ChannelLinks {
  /** Base URL written into feeds (PUBLIC_URL). */
  publicUrl: string;
  /** WebSub hub URL advertised with rel="hub", if any. */
  hubUrl?: string;
}

/** Stable URI of a story, the same whichever outlet carried it (Atom `id`, RSS `guid`, JSON Feed `id`). */
export function storyUri(storyId: string): string {
  return `urn:syndicate:story:${storyId}`;
}

const channelUrl = (links: ChannelLinks, channelId: string, format: FeedFormat) => `${links.publicUrl}/feeds/${channelId}.${format}`;

function buildFeed(channel: ChannelConfig, items: NormalizedItem[], links: ChannelLinks, updated: Date): Feed {
  const feed = new Feed({
    id: channelUrl(links, channel.id, 'atom'),
    title: channel.title,
    description: channel.description ?? channel.title,
    link: links.publicUrl + '/',
    updated,
    generator: 'syndicate',
    copyright: 'Each story belongs to the outlets that published it',
    feedLinks: { rss: channelUrl(links, channel.id, 'rss'), atom: channelUrl(links, channel.id, 'atom'), json: channelUrl(links, channel.id, 'json') },
    hub: links.hubUrl,
  });
  for (const item of items) {
    feed.addItem({
      id: storyUri(item.id),
      guid: storyUri(item.id),
      title: item.title,
      link: item.url,
      date: new Date(item.updatedAt),
      published: new Date(item.publishedAt),
      description: item.summary,
      content: item.contentHtml,
      author: item.sources.map((s) => ({ name: s.name, link: s.url })),
      category: [{ name: item.kind, term: item.kind }, ...(item.tags ?? []).map((tag) => ({ name: tag, term: tag }))],
      image: item.images[0]?.url,
    });
  }
  return feed;
}

/** JSON Feed 1.1 from `feed`'s 1.0 output: version, `authors`, `language`, hubs and our extensions. */
function toJsonFeed11(json: string, items: NormalizedItem[], links: ChannelLinks): string {
  const doc = JSON.parse(json) as Record<string, unknown> & { items: Array<Record<string, unknown>> };
  doc.version = 'https://jsonfeed.org/version/1.1';
  if (links.hubUrl) doc.hubs = [{ type: 'WebSub', url: links.hubUrl }];
  doc.items = doc.items.map((entry, index) => {
    const item = items[index]!;
    const { author: _author, ...rest } = entry;
    return {
      ...rest,
      authors: item.sources.map((s) => ({ name: s.name, url: s.url })),
      ...(item.language ? { language: item.language } : {}),
      _syndicate: { kind: item.kind, sources: item.sources, images: item.images },
      ...(item.interview ? { _interview: item.interview } : {}),
    };
  });
  return JSON.stringify(doc);
}

/**
 * Renders a channel's stories (newest first) in one format. Pure: `updated` is the channel's last change.
 */
export function renderChannel(format: FeedFormat, channel: ChannelConfig, items: NormalizedItem[], links: ChannelLinks, updated: Date): string {
  const feed = buildFeed(channel, items, links, updated);
  if (format === 'rss') return feed.rss2();
  if (format === 'atom') return feed.atom1();
  return toJsonFeed11(feed.json1(), items, links);
}
