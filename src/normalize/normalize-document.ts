import type { NormalizedItem } from '../core/item.js';
import { SyndicateError } from '../core/errors.js';
import { documentCaps } from '../content/caps.js';
import { rulesFor } from '../content/extraction-rules.js';
import type { CleanupRules, SourceConfig } from '../config/schema.js';
import type { FeedEntry } from '../content/feed-entry.js';
import type { DateReadingOptions } from '../content/feed-date.js';
import { sourceHomepage } from '../core/url-policy.js';
import type { Sandbox } from '../sandbox/sandbox.js';
import type { ReadFeed } from '../sandbox/tasks.js';
import type { EntrySource } from './normalize-entry.js';

/** Whether an entry's article page is read, and why (what the sandbox's reading of the feed answers per entry). */
type FullTextDecision = ReadFeed['fullText'][number];

/** A fetched document: its bytes, its declared content type and where it was read from (URL or file URL). */
export interface FetchedDocument {
  body: Buffer;
  contentType?: string;
  location: string;
}

/** How `syndicate normalize` reads a document. */
export interface DocumentOptions {
  fetchedAt: string;
  /** The configuration's `limits.maxEntriesPerFetch`. */
  maxEntries: number;
  /** The configuration's byte cap and item cap (for the caps). */
  limits: { maxFeedBytes: number; maxItemChars?: number };
  /** The sandbox the document is read and normalized in (the workers' path). */
  sandbox: Sandbox;
  /**
   * The configured source the document is read as (`--source`): its format and listing, name, home page and
   * extraction rules. Without it, the document is sniffed (feed or article page) and read with no rules.
   */
  source?: Pick<SourceConfig, 'id' | 'name' | 'homepage' | 'format' | 'listing' | 'cleanup'>;
  /** How the source writes its dates: its zone and day order. */
  dates?: DateReadingOptions;
  /** The configuration's shared rules by domain (`extractionRules`). */
  extractionRules?: Readonly<Record<string, CleanupRules>>;
  /** The source's `fullText` setting: which entries `completeEntry` is asked to complete (none without it). */
  fullText?: SourceConfig['fullText'];
  /** Completes an entry from its article page (fetched by the caller, with the rules that apply to it). */
  completeEntry?: (entry: FeedEntry, rules: CleanupRules, decision: FullTextDecision) => Promise<FeedEntry>;
}

/**
 * Normalizes a whole document, a feed or an article page, as `syndicate normalize` prints it: on the workers' path,
 * in the sandbox under its deadline and the caps. The caller fetched it. A feed is decoded and parsed exactly as the
 * fetch worker does (the `readDocument` task, capped to `maxEntries`, the configuration's
 * `limits.maxEntriesPerFetch`), then each entry is normalized as the normalize worker does (`normalizeFeedEntry`);
 * `location` fills the source, unless `options.source` names the configured one (then its format, listing and
 * extraction rules apply).
 */
export async function normalizeDocument(document: FetchedDocument, options: DocumentOptions): Promise<NormalizedItem[]> {
  const { location } = document;
  const { fetchedAt, source, sandbox } = options;
  const caps = documentCaps(options.limits);
  const url = new URL(location);
  const sourceId =
    source?.id ??
    (url.hostname || 'local')
      .replace(/^www\./, '')
      .replace(/[^a-z0-9]+/gi, '-')
      .toLowerCase();
  const rulesAt = (articleUrl: string | null): CleanupRules => rulesFor(articleUrl ?? location, source?.cleanup, options.extractionRules);
  const pageRules = rulesAt(location);
  // A listing source's page is its listing; another page given to preview (an article of that site) is an article.
  const read = await sandbox.run('readDocument', {
    body: document.body,
    contentType: document.contentType,
    location,
    caps,
    maxEntries: options.maxEntries,
    fullText: options.completeEntry ? (options.fullText ?? 'auto') : 'never',
    accept: 'feed-or-page',
    dates: options.dates,
    now: Date.parse(fetchedAt),
    source: source ? { format: source.format, listing: source.listing } : null,
    pageRules,
  });
  if (read.kind === 'page') {
    const entrySource = {
      id: sourceId,
      name: source?.name ?? read.siteName ?? url.hostname ?? 'page',
      homepage: sourceHomepage(source?.homepage, null, location),
      cleanup: pageRules,
    };
    const item = await sandbox.run('normalizeFeedEntry', { entry: read.entry, source: entrySource, fetchedAt, caps });
    // What was found may be all furniture (a cookie notice, a byline): that is no article either.
    if (item.contentText.trim() === '') throw new SyndicateError('SYN_ERR_NO_ARTICLE', `${location}: the page's main content holds no article text`);
    return [item];
  }
  const { feed, fullText } = read;
  const entrySource: EntrySource = {
    id: sourceId,
    name: source?.name ?? (feed.title || url.hostname || 'local file'),
    homepage: sourceHomepage(source?.homepage, feed.link, location),
  };
  const items: NormalizedItem[] = [];
  for (const [i, feedEntry] of feed.entries.entries()) {
    const rules = rulesAt(feedEntry.link);
    // In order, one page at a time: a preview is one operator looking at one source.
    const entry = options.completeEntry ? await options.completeEntry(feedEntry, rules, fullText[i]!) : feedEntry;
    items.push(await sandbox.run('normalizeFeedEntry', { entry, source: { ...entrySource, cleanup: rulesAt(entry.link) }, fetchedAt, caps }));
  }
  return items;
}
