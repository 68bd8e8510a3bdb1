import Parser from 'rss-parser';
import { SyndicateError } from '../core/errors.js';
import type { FeedEntry, ParsedFeed } from './feed-entry.js';
import { syndicationPeriodMinutes } from './syndication-period.js';

type RawItem = Record<string, unknown>;
type RawFeed = Record<string, unknown> & { items?: RawItem[] };

const parser = new Parser<RawFeed, RawItem>({
  customFields: {
    // Atom's own <link> elements (hub, self) are kept raw as allLinks; RSS carries them as atom:link.
    feed: ['language', 'ttl', ['sy:updatePeriod', 'syUpdatePeriod'] as never, ['sy:updateFrequency', 'syUpdateFrequency'] as never, ['atom:link', 'atomLinks', { keepArray: true }] as never, ['link', 'allLinks', { keepArray: true }] as never],
    item: [
      ['media:content', 'mediaContent', { keepArray: true }] as never,
      ['media:thumbnail', 'mediaThumbnail'] as never,
      ['dc:language', 'dcLanguage'] as never,
      ['dc:date', 'dcDate'] as never,
      'updated',
      'published',
      // Atom 0.3 names its dates issued/modified (created is optional)
      'issued',
      'modified',
      'created',
    ],
  },
});

const str = (value: unknown): string | null => {
  if (typeof value === 'string') return value.trim() || null;
  if (value && typeof value === 'object' && '_' in value) return str((value as { _: unknown })._);
  return null;
};

const isoDate = (...values: unknown[]): string | null => {
  for (const value of values) {
    const text = str(value);
    if (!text) continue;
    const time = Date.parse(text);
    if (!Number.isNaN(time)) return new Date(time).toISOString();
  }
  return null;
};

function linkWithRel(links: unknown, rel: string): string | null {
  if (!Array.isArray(links)) return null;
  for (const link of links) {
    const attrs = (link as { $?: Record<string, string> }).$;
    if (attrs?.rel === rel && attrs.href) return attrs.href;
  }
  return null;
}

function mediaUrl(item: RawItem): string | null {
  const enclosure = item.enclosure as { url?: string; type?: string } | undefined;
  if (enclosure?.url && (!enclosure.type || enclosure.type.startsWith('image/'))) return enclosure.url;
  const contents = item.mediaContent as Array<{ $?: { url?: string; medium?: string; type?: string } }> | undefined;
  const image = contents?.find((c) => c.$?.url && (c.$.medium === 'image' || c.$.type?.startsWith('image/') || !c.$.type));
  if (image?.$?.url) return image.$.url;
  const thumb = item.mediaThumbnail as { $?: { url?: string } } | undefined;
  return thumb?.$?.url ?? null;
}

function fromRssParser(feed: RawFeed): ParsedFeed {
  const language = str(feed.language);
  const entries = (feed.items ?? []).map((item): FeedEntry => {
    const encoded = str(item['content:encoded']);
    const content = str(item.content);
    return {
      guid: str(item.guid) ?? str(item.id),
      link: str(item.link),
      title: str(item.title) ?? '',
      publishedAt: isoDate(item.isoDate, item.pubDate, item.published, item.dcDate, item.issued, item.created),
      updatedAt: isoDate(item.updated, item.modified),
      author: str(item.creator) ?? str(item.author),
      summary: str(item.summary) ?? (encoded ? content : null),
      contentHtml: encoded ?? content,
      categories: Array.isArray(item.categories) ? item.categories.map(str).filter((c): c is string => !!c) : [],
      imageUrl: mediaUrl(item),
      language: str(item.dcLanguage) ?? language,
    };
  });
  const ttl = Number(str(feed.ttl));
  return {
    title: str(feed.title) ?? '',
    link: str(feed.link),
    language,
    hubUrl: linkWithRel(feed.atomLinks, 'hub') ?? linkWithRel(feed.allLinks, 'hub'),
    selfUrl: linkWithRel(feed.atomLinks, 'self') ?? linkWithRel(feed.allLinks, 'self') ?? str(feed.feedUrl),
    ttlMinutes: Number.isFinite(ttl) && ttl > 0 ? ttl : null,
    updatePeriodMinutes: syndicationPeriodMinutes(str(feed.syUpdatePeriod), str(feed.syUpdateFrequency)),
    entries,
  };
}

interface JsonFeedItem {
  id?: unknown;
  url?: string;
  external_url?: string;
  title?: string;
  content_html?: string;
  content_text?: string;
  summary?: string;
  image?: string;
  banner_image?: string;
  date_published?: string;
  date_modified?: string;
  author?: { name?: string };
  authors?: Array<{ name?: string }>;
  tags?: string[];
  language?: string;
}

const escapeText = (text: string) =>
  text.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c] ?? c);

/** Reads JSON Feed 1.0 and 1.1 (rss-parser does not). */
export function parseJsonFeed(text: string): ParsedFeed {
  let doc: { version?: string; title?: string; home_page_url?: string; feed_url?: string; language?: string; hubs?: Array<{ url?: string }>; items?: JsonFeedItem[] };
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new SyndicateError('SYN_ERR_PARSE_FAILED', `not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  if (typeof doc?.version !== 'string' || !doc.version.startsWith('https://jsonfeed.org/version/') || !Array.isArray(doc.items)) {
    throw new SyndicateError('SYN_ERR_PARSE_FAILED', 'JSON document is not a JSON Feed (no jsonfeed.org version or items)');
  }
  const language = doc.language ?? null;
  return {
    title: doc.title ?? '',
    link: doc.home_page_url ?? null,
    language,
    hubUrl: doc.hubs?.find((h) => h.url)?.url ?? null,
    selfUrl: doc.feed_url ?? null,
    ttlMinutes: null,
    updatePeriodMinutes: null,
    entries: doc.items.map((item) => ({
      guid: item.id === undefined || item.id === null ? null : String(item.id),
      link: item.url ?? item.external_url ?? null,
      title: item.title ?? '',
      publishedAt: isoDate(item.date_published),
      updatedAt: isoDate(item.date_modified),
      author: item.authors?.[0]?.name ?? item.author?.name ?? null,
      summary: item.summary ?? null,
      contentHtml: item.content_html ?? (item.content_text ? `<p>${escapeText(item.content_text).replace(/\n\s*\n/g, '</p><p>')}</p>` : null),
      categories: item.tags ?? [],
      imageUrl: item.image ?? item.banner_image ?? null,
      language: item.language ?? language,
    })),
  };
}

/** Tells a feed document's format from its first bytes. */
export function sniffFormat(text: string): 'json' | 'xml' | 'html' | 'unknown' {
  const head = text.replace(/^\uFEFF/, '').trimStart().slice(0, 1024).toLowerCase();
  if (head.startsWith('{')) return 'json';
  if (/^<!doctype html|^<html|^(<!--[\s\S]*?-->\s*)*<html/.test(head)) return 'html';
  if (/<(rss|feed|rdf:rdf)[\s>]/.test(head)) return 'xml';
  if (head.startsWith('<?xml')) return /<html[\s>]/.test(head) ? 'html' : 'xml';
  return 'unknown';
}

/**
 * Parses a feed document (RSS 0.9x/1.0/2.0, Atom 0.3/1.0 or JSON Feed 1.x), capped to `maxEntries` entries.
 * Throws `SYN_ERR_PARSE_FAILED` naming what is wrong.
 */
export async function parseFeed(text: string, maxEntries = 500): Promise<ParsedFeed> {
  const format = sniffFormat(text);
  let feed: ParsedFeed;
  if (format === 'json') feed = parseJsonFeed(text);
  else if (format === 'xml') {
    try {
      feed = fromRssParser(await parser.parseString(text.replace(/^\uFEFF/, '')));
    } catch (err) {
      throw new SyndicateError('SYN_ERR_PARSE_FAILED', `not a readable RSS/Atom feed: ${(err as Error).message}`, { cause: err });
    }
  } else {
    throw new SyndicateError('SYN_ERR_PARSE_FAILED', `not a feed (looks like ${format === 'html' ? 'an HTML page' : 'neither XML nor JSON'})`);
  }
  if (feed.entries.length > maxEntries) feed.entries = feed.entries.slice(0, maxEntries);
  return feed;
}
