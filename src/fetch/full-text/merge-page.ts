import { htmlText } from '../../content/html.js';
import type { PageMetadata } from '../../content/page-metadata.js';
import type { FeedEntry } from '../../content/feed-entry.js';

const textLength = (html: string | null): number => htmlText(html).length;

/**
 * Folds what the article page says into the feed entry, for the normalize stage to treat like any entry:
 * the body becomes the page's main content (unless the page yielded less text than the feed already had),
 * the link becomes the page's canonical URL, and dates, author, lead image and language fill what the feed
 * left empty. The feed keeps precedence for what it states: its title especially, because pages' `<title>`s
 * and Readability-style title cleanup lose genre markers such as "– INTERVIEW" that the feed title carries.
 * Pure.
 */
export function mergePageIntoEntry(entry: FeedEntry, page: PageMetadata): FeedEntry {
  const pageBodyWins = textLength(page.bodyHtml) > Math.max(textLength(entry.contentHtml), textLength(entry.summary));
  const canonical = /^https?:\/\//i.test(page.canonicalUrl) ? page.canonicalUrl : null;
  return {
    ...entry,
    link: canonical ?? entry.link,
    title: entry.title.trim() !== '' ? entry.title : (page.title ?? entry.title),
    summary: entry.summary ?? page.description,
    contentHtml: pageBodyWins ? page.bodyHtml : entry.contentHtml,
    publishedAt: entry.publishedAt ?? page.publishedAt,
    updatedAt: entry.updatedAt ?? page.updatedAt,
    author: entry.author ?? page.author,
    imageUrl: entry.imageUrl ?? page.leadImage,
    language: entry.language ?? page.language,
  };
}
