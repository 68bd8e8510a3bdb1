import type { NormalizedItem } from '../core/item.js';
import { SyndicateError } from '../core/errors.js';
import { decodeText } from '../content/decode-text.js';
import { parseFeed, sniffFormat } from '../content/parse-feed.js';
import type { FeedEntry } from '../content/feed-entry.js';
import type { DateReadingOptions } from '../content/feed-date.js';
import { sourceHomepage } from '../core/url-policy.js';
import { normalizeEntry, type EntrySource } from './normalize-entry.js';
import { extractPageMetadata } from '../content/page-metadata.js';

/** A fetched document: its bytes, its declared content type and where it was read from (URL or file URL). */
export interface FetchedDocument {
  body: Buffer;
  contentType?: string;
  location: string;
}

/**
 * Normalizes a whole document, a feed or an article page, as `syndicate normalize` prints it. Pure apart from
 * parsing: the caller fetched it. A feed is decoded and parsed exactly as the fetch worker does (`decodeText`,
 * `parseFeed` capped to `maxEntries`, the configuration's `limits.maxEntriesPerFetch`); `location` fills the source.
 */
export async function normalizeDocument(
  document: FetchedDocument,
  options: { fetchedAt: string; maxEntries: number; dates?: DateReadingOptions },
): Promise<NormalizedItem[]> {
  const { location } = document;
  const { fetchedAt } = options;
  const text = decodeText(document.body, document.contentType);
  const format = sniffFormat(text);
  const url = new URL(location);
  const sourceId = (url.hostname || 'local')
    .replace(/^www\./, '')
    .replace(/[^a-z0-9]+/gi, '-')
    .toLowerCase();
  if (format === 'html') {
    const page = extractPageMetadata(text, location);
    if (page.contentSource === 'none') throw new SyndicateError('SYN_ERR_NO_ARTICLE', `${location}: no article text found in the page`);
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
    const item = normalizeEntry(
      entry,
      { id: sourceId, name: page.siteName ?? url.hostname ?? 'page', homepage: sourceHomepage(null, null, location) },
      fetchedAt,
    );
    // What was found may be all furniture (a cookie notice, a byline): that is no article either.
    if (item.contentText.trim() === '') throw new SyndicateError('SYN_ERR_NO_ARTICLE', `${location}: the page's main content holds no article text`);
    return [item];
  }
  const feed = await parseFeed(text, options.maxEntries, { dates: options.dates, now: Date.parse(fetchedAt) });
  const source: EntrySource = {
    id: sourceId,
    name: feed.title || url.hostname || 'local file',
    homepage: sourceHomepage(null, feed.link, location),
  };
  return feed.entries.map((entry) => normalizeEntry(entry, source, fetchedAt));
}
