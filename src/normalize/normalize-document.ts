import type { NormalizedItem } from '../core/item.js';
import { SyndicateError } from '../core/errors.js';
import { parseFeed, sniffFormat } from '../fetch/parse-feed.js';
import { normalizeEntry, type EntrySource } from './normalize-entry.js';

/**
 * Normalizes a whole document, a feed or an article page, as `syndicate normalize` prints it. Pure apart from
 * parsing: the caller fetched the text. `location` names the document (URL or file URL) and fills the source.
 */
export async function normalizeDocument(text: string, location: string, fetchedAt: string): Promise<NormalizedItem[]> {
  const format = sniffFormat(text);
  if (format === 'html') {
    throw new SyndicateError('SYN_ERR_UNSUPPORTED_INPUT', `${location}: HTML article pages are not read yet`);
  }
  const feed = await parseFeed(text);
  const url = new URL(location);
  const homepage = feed.link ?? (url.protocol === 'file:' ? location : `${url.origin}/`);
  const source: EntrySource = {
    id: (url.hostname || 'local').replace(/^www\./, '').replace(/[^a-z0-9]+/gi, '-').toLowerCase(),
    name: feed.title || url.hostname || 'local file',
    homepage,
  };
  return feed.entries.map((entry) => normalizeEntry(entry, source, fetchedAt));
}
