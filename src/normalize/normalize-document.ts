import type { NormalizedItem } from '../core/item.js';
import { SyndicateError } from '../core/errors.js';
import { decodeText } from '../content/decode-text.js';
import { sniffFormat } from '../content/parse-feed.js';
import { parseListing, readSourceDocument } from '../content/listing.js';
import { rulesFor } from '../content/extraction-rules.js';
import type { CleanupRules, ListingRules, SourceConfig } from '../config/schema.js';
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

/** True when an HTML page holds entries where the source's listing rules point. */
function listsEntries(text: string, location: string, listing: ListingRules): boolean {
  try {
    return parseListing(text, location, 'html', listing, 1).entries.length > 0;
  } catch {
    return false;
  }
}

/** How `syndicate normalize` reads a document. */
export interface DocumentOptions {
  fetchedAt: string;
  /** The configuration's `limits.maxEntriesPerFetch`. */
  maxEntries: number;
  /**
   * The configured source the document is read as (`--source`): its format and listing, name, home page and
   * extraction rules. Without it, the document is sniffed (feed or article page) and read with no rules.
   */
  source?: Pick<SourceConfig, 'id' | 'name' | 'homepage' | 'format' | 'listing' | 'cleanup'>;
  /** How the source writes its dates: its zone and day order. */
  dates?: DateReadingOptions;
  /** The configuration's shared rules by domain (`extractionRules`). */
  extractionRules?: Readonly<Record<string, CleanupRules>>;
  /** Completes an entry from its article page (fetched by the caller, with the rules that apply to it). */
  completeEntry?: (entry: FeedEntry, rules: CleanupRules) => Promise<FeedEntry>;
}

/**
 * Normalizes a whole document, a feed or an article page, as `syndicate normalize` prints it. Pure apart from
 * parsing: the caller fetched it. A feed is decoded and parsed exactly as the fetch worker does (`decodeText`,
 * `parseFeed` capped to `maxEntries`, the configuration's `limits.maxEntriesPerFetch`); `location` fills the source,
 * unless `options.source` names the configured one (then its format, listing and extraction rules apply).
 */
export async function normalizeDocument(document: FetchedDocument, options: DocumentOptions): Promise<NormalizedItem[]> {
  const { location } = document;
  const { fetchedAt, source } = options;
  const text = decodeText(document.body, document.contentType);
  const format = sniffFormat(text);
  const url = new URL(location);
  const sourceId =
    source?.id ??
    (url.hostname || 'local')
      .replace(/^www\./, '')
      .replace(/[^a-z0-9]+/gi, '-')
      .toLowerCase();
  const rulesAt = (articleUrl: string | null): CleanupRules => rulesFor(articleUrl ?? location, source?.cleanup, options.extractionRules);
  // A listing source's page is its listing; another page given to preview (an article of that site) is an article.
  const listed = format === 'html' && source?.format === 'html' && source.listing ? listsEntries(text, location, source.listing) : false;
  if (format === 'html' && !listed) {
    const pageRules = rulesAt(location);
    const page = extractPageMetadata(text, location, pageRules);
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
      {
        id: sourceId,
        name: source?.name ?? page.siteName ?? url.hostname ?? 'page',
        homepage: sourceHomepage(source?.homepage, null, location),
        cleanup: pageRules,
      },
      fetchedAt,
    );
    // What was found may be all furniture (a cookie notice, a byline): that is no article either.
    if (item.contentText.trim() === '') throw new SyndicateError('SYN_ERR_NO_ARTICLE', `${location}: the page's main content holds no article text`);
    return [item];
  }
  const feed = await readSourceDocument(text, location, source, options.maxEntries, { dates: options.dates, now: Date.parse(fetchedAt) });
  const entrySource: EntrySource = {
    id: sourceId,
    name: source?.name ?? (feed.title || url.hostname || 'local file'),
    homepage: sourceHomepage(source?.homepage, feed.link, location),
  };
  const items: NormalizedItem[] = [];
  for (const feedEntry of feed.entries) {
    const rules = rulesAt(feedEntry.link);
    // In order, one page at a time: a preview is one operator looking at one source.
    const entry = options.completeEntry ? await options.completeEntry(feedEntry, rules) : feedEntry;
    items.push(normalizeEntry(entry, { ...entrySource, cleanup: rulesAt(entry.link) }, fetchedAt));
  }
  return items;
}
