import type { NormalizedItem } from '../core/item.js';
import { SyndicateError } from '../core/errors.js';
import { parseFeed, sniffFormat } from '../content/parse-feed.js';
import type { FeedEntry } from '../content/feed-entry.js';
import { normalizeEntry, type EntrySource } from './normalize-entry.js';
import { extractPageMetadata } from '../content/page-metadata.js';

/**
 * Normalizes a whole document, a feed or an article page, as `syndicate normalize` prints it. Pure apart from
 * parsing: the caller fetched the text. `location` names the document (URL or file URL) and fills the source.
 */
export async function normalizeDocument(text: string, location: string, fetchedAt: string): Promise<NormalizedItem[]> {
  const format = sniffFormat(text);
  const url = new URL(location);
  const sourceId = (url.hostname || 'local').replace(/^www\./, '').replace(/[^a-z0-9]+/gi, '-').toLowerCase();
  if (format === 'html') {
    const page = extractPageMetadata(text, location);
    if (!page.bodyHtml.trim()) throw new SyndicateError('SYN_ERR_PARSE_FAILED', `${location}: no article content found in the page`);
    const entry: FeedEntry = {
      guid: page.canonicalUrl,
      link: page.canonicalUrl,
      title: page.title ?? '',
      publishedAt: page.publishedAt,
      updatedAt: page.updatedAt,
      author: page.author,
      summary: page.description,
      contentHtml: page.bodyHtml,
      categories: [],
      imageUrl: page.leadImage,
      language: page.language,
    };
    const origin = url.protocol === 'file:' ? location : `${url.origin}/`;
    return [normalizeEntry(entry, { id: sourceId, name: page.siteName ?? url.hostname ?? 'page', homepage: origin }, fetchedAt)];
  }
  const feed = await parseFeed(text);
  const homepage = feed.link ?? (url.protocol === 'file:' ? location : `${url.origin}/`);
  const source: EntrySource = {
    id: sourceId,
    name: feed.title || url.hostname || 'local file',
    homepage,
  };
  return feed.entries.map((entry) => normalizeEntry(entry, source, fetchedAt));
}
