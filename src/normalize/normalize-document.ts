import type { NormalizedItem } from '../core/item.js';
import { SyndicateError } from '../core/errors.js';
import { documentCaps } from '../content/caps.js';
import type { DateReadingOptions } from '../content/feed-date.js';
import { sourceHomepage } from '../core/url-policy.js';
import type { Sandbox } from '../sandbox/sandbox.js';
import type { EntrySource } from './normalize-entry.js';

/** A fetched document: its bytes, its declared content type and where it was read from (URL or file URL). */
export interface FetchedDocument {
  body: Buffer;
  contentType?: string;
  location: string;
}

/** How a document is read: when, the entry cap, the byte cap (for the caps), and the sandbox it is read in. */
export interface NormalizeDocumentOptions {
  fetchedAt: string;
  maxEntries: number;
  limits: { maxFeedBytes: number; maxItemChars?: number };
  sandbox: Sandbox;
  /** How the source writes its dates (the day order of numeric ones, a zone it leaves out). */
  dates?: DateReadingOptions;
}

/**
 * Normalizes a whole document, a feed or an article page, as `syndicate normalize` prints it: on the workers' path,
 * in the sandbox under its deadline. The caller fetched it. A feed is decoded and parsed exactly as the fetch
 * worker does (the `readDocument` task, capped to `maxEntries`, the configuration's `limits.maxEntriesPerFetch`),
 * then each entry is normalized as the normalize worker does (`normalizeFeedEntry`); `location` fills the source.
 */
export async function normalizeDocument(document: FetchedDocument, options: NormalizeDocumentOptions): Promise<NormalizedItem[]> {
  const { location } = document;
  const { fetchedAt, sandbox } = options;
  const caps = documentCaps(options.limits);
  const url = new URL(location);
  const sourceId = (url.hostname || 'local')
    .replace(/^www\./, '')
    .replace(/[^a-z0-9]+/gi, '-')
    .toLowerCase();
  const read = await sandbox.run('readDocument', {
    body: document.body,
    contentType: document.contentType,
    location,
    caps,
    maxEntries: options.maxEntries,
    fullText: 'never',
    accept: 'feed-or-page',
    dates: options.dates,
    now: Date.parse(fetchedAt),
  });
  if (read.kind === 'page') {
    const source = { id: sourceId, name: read.siteName ?? url.hostname ?? 'page', homepage: sourceHomepage(null, null, location) };
    const item = await sandbox.run('normalizeFeedEntry', { entry: read.entry, source, fetchedAt, caps });
    // What was found may be all furniture (a cookie notice, a byline): that is no article either.
    if (item.contentText.trim() === '') throw new SyndicateError('SYN_ERR_NO_ARTICLE', `${location}: the page's main content holds no article text`);
    return [item];
  }
  const { feed } = read;
  const source: EntrySource = {
    id: sourceId,
    name: feed.title || url.hostname || 'local file',
    homepage: sourceHomepage(null, feed.link, location),
  };
  return Promise.all(feed.entries.map((entry) => sandbox.run('normalizeFeedEntry', { entry, source, fetchedAt, caps })));
}
